"""Actions (needs, offers, outings): the one place where an action is created, changed or deleted.

Each change is announced on the node (:class:`ActionCreated`, :class:`ActionUpdated`,
:class:`ActionDeleted`) in the transaction that writes the row, so that federation and other
listeners act with it; routes and the CLI must not write :class:`Action` rows themselves.

Visibility: ``public`` → anyone; ``node`` → any authenticated member of this node;
``association`` → members of the posting association. An author always sees their own actions.
An action that is invisible to a viewer does not exist for them (404); one they can see but not
manage is a 403.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic_core import PydanticCustomError
from tortoise.transactions import in_transaction

from node import clock
from node.caches import actions_changed
from node.errors import Conflict, Forbidden, NotFound, Unprocessable
from node.events import ActionCreated, ActionDeleted, ActionUpdated
from node.models import (
    Action,
    ActionCategory,
    ActionKind,
    ActionStatus,
    Association,
    AssociationMembership,
    AssociationRole,
    AssociationStatus,
    Member,
    Visibility,
)
from node.services import blocks, geo
from node.services.associations import membership_role
from node.services.inputs.actions import CAPACITY, DESCRIPTION, PLACE_NAME, TITLE
from node.services.inputs.types import Text
from node.state import NodeState

DEFAULT_TTL_DAYS = 30
MANAGER_ROLES = (AssociationRole.ADMIN, AssociationRole.COORDINATOR)
_RELATED = ("author", "on_behalf_of", "association")


@dataclass(frozen=True, slots=True)
class Outing:
    starts_at: datetime
    ends_at: datetime
    place_name: str
    capacity: int


def effective_status(action: Action, now: datetime | None = None) -> ActionStatus:
    """The status readers see: an open action past ``expires_at`` is expired, job or not."""
    if action.status == ActionStatus.OPEN and action.expires_at <= (now or clock.now()):
        return ActionStatus.EXPIRED
    return ActionStatus(action.status)


async def viewer_association_ids(viewer: Member | None) -> list[uuid.UUID]:
    """Associations whose ``association``-visible actions the viewer may see."""
    if viewer is None:
        return []
    rows = await AssociationMembership.filter(member_id=viewer.id).values_list(
        "association_id", flat=True
    )
    return [uuid.UUID(str(value)) for value in rows]


async def can_view(action: Action, viewer: Member | None) -> bool:
    if action.hidden_at is not None:  # hidden by the moderators: its author and they see it
        return viewer is not None and (
            action.author_id == viewer.id or viewer.is_moderator or viewer.is_admin  # type: ignore[attr-defined]
        )
    visibility = Visibility(action.visibility)
    if visibility == Visibility.PUBLIC:
        return True
    if viewer is None:
        return False
    if action.author_id == viewer.id or visibility == Visibility.NODE:  # type: ignore[attr-defined]
        return True
    association_id = action.association_id  # type: ignore[attr-defined]
    return association_id is not None and await membership_role(viewer, association_id) is not None


async def can_manage(action: Action, member: Member) -> bool:
    """Author, a node admin, or an admin/coordinator of the action's association."""
    if member.is_admin or action.author_id == member.id:  # type: ignore[attr-defined]
        return True
    association_id = action.association_id  # type: ignore[attr-defined]
    if association_id is None:
        return False
    return await membership_role(member, association_id) in MANAGER_ROLES


async def get_visible_action(action_id: uuid.UUID, viewer: Member | None) -> Action:
    """The action with author, proxy and association loaded; 404 when unknown or invisible."""
    action = await Action.get_or_none(id=action_id).select_related(*_RELATED)
    if action is None or not await can_view(action, viewer) or await _blocked(action, viewer):
        raise NotFound("No such action.")
    return action


async def _blocked(action: Action, viewer: Member | None) -> bool:
    """An action of someone the viewer blocked, or who blocked the viewer, does not exist for
    them (its page, joining it, its chat)."""
    if viewer is None:
        return False
    author_id = action.author_id  # type: ignore[attr-defined]
    if author_id is not None and author_id != viewer.id:
        return await blocks.between(viewer.id, author_id)
    if action.remote_actor_iri is not None:
        return await blocks.blocks_actor(viewer.id, action.remote_actor_iri)
    return False


def _text(field: str, value: str, rule: Text) -> str:
    """The same check as the front ends' inputs, for callers that build no input model."""
    try:
        return rule.check(value)
    except PydanticCustomError as exc:
        raise Unprocessable.field(field, exc.message()) from None


def _check_point(lat: float, lon: float) -> None:
    if not -90.0 <= lat <= 90.0:
        raise Unprocessable.field("lat", "must be between -90 and 90")
    if not -180.0 <= lon <= 180.0:
        raise Unprocessable.field("lon", "must be between -180 and 180")


def _outing(
    kind: ActionKind,
    starts_at: datetime | None,
    ends_at: datetime | None,
    place_name: str | None,
    capacity: int | None,
) -> Outing | None:
    given = {
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place_name": place_name,
        "capacity": capacity,
    }
    if kind != ActionKind.OUTING:
        extra = [name for name, value in given.items() if value is not None]
        if extra:
            raise Unprocessable(
                "Only outings have a time, a place name and a capacity.",
                errors=[{"field": name, "message": "only for outings"} for name in extra],
            )
        return None
    missing = [name for name, value in given.items() if value is None]
    if missing:
        raise Unprocessable(
            "An outing needs starts_at, ends_at, place_name and capacity.",
            errors=[{"field": name, "message": "required for an outing"} for name in missing],
        )
    assert starts_at is not None and ends_at is not None
    assert place_name is not None and capacity is not None
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise Unprocessable.field("starts_at", "times must carry a time zone")
    if starts_at <= clock.now():
        raise Unprocessable.field("starts_at", "must be in the future")
    if ends_at <= starts_at:
        raise Unprocessable.field("ends_at", "must be after starts_at")
    if not CAPACITY.low <= capacity <= CAPACITY.high:
        raise Unprocessable.field("capacity", CAPACITY.message)
    name = _text("place_name", place_name, PLACE_NAME)
    return Outing(starts_at, ends_at, name, capacity)


async def _posting_association(
    author: Member,
    association_id: uuid.UUID | None,
    on_behalf_of: uuid.UUID | None,
    consent: bool,
) -> tuple[Association | None, Member | None]:
    association = None
    if association_id is not None:
        association = await Association.get_or_none(id=association_id)
        if association is None or association.status != AssociationStatus.APPROVED:
            raise Unprocessable.field("association_id", "no such approved association")
        if await membership_role(author, association.id) is None:
            raise Forbidden("You can only post for an association you belong to.")
    proxy = None
    if on_behalf_of is not None:
        proxy = await Member.get_or_none(id=on_behalf_of)
        managed_by = proxy.managed_by_id if proxy is not None else None  # type: ignore[attr-defined]
        if proxy is None or managed_by is None:
            raise Unprocessable.field("on_behalf_of", "not a proxy profile of this node")
        if await membership_role(author, managed_by) not in MANAGER_ROLES:
            raise Forbidden(
                "Only an admin or coordinator of the managing association can post for this person."
            )
        if not consent:
            raise Unprocessable.field("consent", "the person's consent must be recorded (true)")
        if association is None:
            association = await Association.get(id=managed_by)
        elif association.id != managed_by:
            raise Unprocessable.field(
                "association_id", "must be the association that manages the proxy profile"
            )
    return association, proxy


async def create_action(
    author: Member,
    *,
    kind: ActionKind,
    category: ActionCategory,
    title: str,
    lat: float,
    lon: float,
    description: str = "",
    visibility: Visibility = Visibility.PUBLIC,
    association_id: uuid.UUID | None = None,
    on_behalf_of: uuid.UUID | None = None,
    consent: bool = False,
    auto_accept: bool = False,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    place_name: str | None = None,
    capacity: int | None = None,
    ttl_days: int = DEFAULT_TTL_DAYS,
    node: NodeState,
) -> Action:
    """Post an action as ``author`` (who must be verified); returns it with relations loaded.
    :class:`ActionCreated` is recorded in the same transaction."""
    if not author.is_verified:
        raise Forbidden("Verify your phone number before posting.")
    title = _text("title", title, TITLE)
    description = _text("description", description, DESCRIPTION)
    _check_point(lat, lon)
    outing = _outing(ActionKind(kind), starts_at, ends_at, place_name, capacity)
    association, proxy = await _posting_association(author, association_id, on_behalf_of, consent)
    if visibility == Visibility.ASSOCIATION and association is None:
        raise Unprocessable.field("visibility", "association visibility needs an association_id")
    now = clock.now()
    public = geo.publish(lat, lon)
    async with in_transaction():
        action = await Action.create(
            kind=kind,
            category=category,
            title=title,
            description=description,
            author=author,
            on_behalf_of=proxy,
            consent_recorded_at=now if proxy is not None else None,
            association=association,
            lat=lat,
            lon=lon,
            public_lat=public.lat,
            public_lon=public.lon,
            h3_cell=public.h3_cell,
            h3_r7=public.h3_r7,
            h3_r5=public.h3_r5,
            unit_x=public.unit_x,
            unit_y=public.unit_y,
            unit_z=public.unit_z,
            visibility=visibility,
            auto_accept=auto_accept,
            starts_at=outing.starts_at if outing else None,
            ends_at=outing.ends_at if outing else None,
            place_name=outing.place_name if outing else None,
            capacity=outing.capacity if outing else None,
            expires_at=now + timedelta(days=ttl_days),
            created_at=now,
            updated_at=now,
        )
        await node.events.record(node, ActionCreated(action=action))
    actions_changed()
    return await Action.get(id=action.id).select_related(*_RELATED)


_EDITABLE = frozenset({"title", "description", "category", "status", "auto_accept", "lat", "lon"})


def _check_local(action: Action) -> None:
    if action.origin_domain is not None:
        raise Forbidden(f"This action belongs to {action.origin_domain}: change it there.")


async def update_action(
    action_id: uuid.UUID,
    editor: Member,
    changes: dict[str, Any],
    node: NodeState,
) -> Action:
    """Apply a partial update: text, category, auto_accept, place (re-jittered) and a status
    change from ``open`` to ``fulfilled`` or ``closed`` (:class:`ActionUpdated` recorded)."""
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise Unprocessable.field(sorted(unknown)[0], "cannot be changed")
    async with in_transaction():
        action = await get_visible_action(action_id, editor)
        _check_local(action)
        if not await can_manage(action, editor):
            raise Forbidden("Only the author or the association's coordinators can edit this.")
        update: dict[str, Any] = {}
        if "title" in changes:
            update["title"] = _text("title", changes["title"], TITLE)
        if "description" in changes:
            update["description"] = _text("description", changes["description"], DESCRIPTION)
        if "category" in changes:
            update["category"] = ActionCategory(changes["category"])
        if "auto_accept" in changes:
            update["auto_accept"] = bool(changes["auto_accept"])
        if "lat" in changes or "lon" in changes:
            if "lat" not in changes or "lon" not in changes:
                raise Unprocessable.field("lat", "lat and lon change together")
            lat, lon = float(changes["lat"]), float(changes["lon"])
            _check_point(lat, lon)
            public = geo.publish(lat, lon)
            update.update(
                lat=lat,
                lon=lon,
                public_lat=public.lat,
                public_lon=public.lon,
                h3_cell=public.h3_cell,
                h3_r7=public.h3_r7,
                h3_r5=public.h3_r5,
                unit_x=public.unit_x,
                unit_y=public.unit_y,
                unit_z=public.unit_z,
            )
        if "status" in changes:
            target = ActionStatus(changes["status"])
            if target not in (ActionStatus.FULFILLED, ActionStatus.CLOSED):
                raise Unprocessable.field("status", "can only become fulfilled or closed")
            current = effective_status(action)
            if current != ActionStatus.OPEN:
                raise Conflict(f"The action is {current.value}: its status cannot change.")
            update["status"] = target
        if update:
            update["updated_at"] = clock.now()
            await Action.filter(id=action.id).update(**update)
            changed = await Action.get(id=action.id).select_related(*_RELATED)
            await node.events.record(
                node, ActionUpdated(action=changed, changed=frozenset(update) - {"updated_at"})
            )
    actions_changed()
    return await Action.get(id=action_id).select_related(*_RELATED)


async def delete_action(action_id: uuid.UUID, editor: Member, node: NodeState) -> None:
    """Delete an action with its participations and chat (:class:`ActionDeleted` recorded).

    A remote action can only be removed from this node by a node admin (moderation); nothing is
    sent then, it stays on its own node."""
    async with in_transaction():
        action = await get_visible_action(action_id, editor)
        if action.origin_domain is not None and not editor.is_admin:
            _check_local(action)
        if not await can_manage(action, editor):
            raise Forbidden("Only the author or the association's coordinators can delete this.")
        await node.events.record(node, ActionDeleted(action=action, when=clock.now()))
        await Action.filter(id=action.id).delete()
    actions_changed()


async def expire_due_actions() -> int:
    """Mark open actions past ``expires_at`` as expired; returns how many (periodic job)."""
    now = clock.now()
    count = await Action.filter(status=ActionStatus.OPEN, expires_at__lte=now).update(
        status=ActionStatus.EXPIRED, updated_at=now
    )
    if count:
        actions_changed()
    return count
