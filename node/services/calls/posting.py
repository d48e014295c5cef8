"""Posting, editing, closing and thanking: what an association's coordinators (and, for urgent
calls, the node's admins) do with a call."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING
from uuid import UUID

from tortoise.transactions import in_transaction

from node import clock
from node.errors import Conflict, Forbidden, NotFound, Unprocessable
from node.events import CallDeleted, CallPosted, CallThanked, CallUpdated
from node.models import (
    Association,
    AssociationStatus,
    Call,
    CallItem,
    CallKind,
    CallStatus,
    Member,
)
from node.services import word_list
from node.services.calls import limits, occurrences, recurrence
from node.services.calls.audience import audience_for, save_cells
from node.services.calls.reading import LIVE, answer_count, can_coordinate, effective_status
from node.services.inputs.calls import CallChanges, CallIn

if TYPE_CHECKING:
    from node.state import NodeState

PEOPLE = "people"  # the one item of a volunteers call
LONGEST = timedelta(days=92)
_WORDS = frozenset({"title", "body", "place_name", "opening_hours"})


def _check_shape(data: CallIn) -> None:
    if data.kind == CallKind.VOLUNTEERS:
        if data.people is None:
            raise Unprocessable.field("people", "say how many people are needed")
        if data.items:
            raise Unprocessable.field("items", "a volunteers call has no items")
    elif data.kind == CallKind.DONATIONS:
        if not data.items:
            raise Unprocessable.field("items", "list at least one item with its quantity")
        if data.people is not None:
            raise Unprocessable.field("people", "a donations call lists items")
        labels = [item.label.casefold() for item in data.items]
        if len(set(labels)) != len(labels):
            raise Unprocessable.field("items", "each item once")
    elif data.items or data.people is not None:
        raise Unprocessable.field("items", "an urgent call is a message only")


def _check_dates(starts_at: object, ends_at: object) -> None:
    now = clock.now()
    assert ends_at is not None
    if ends_at <= now:  # type: ignore[operator]
        raise Unprocessable.field("ends_at", "the end must be in the future")
    if ends_at > now + LONGEST:  # type: ignore[operator]
        raise Unprocessable.field("ends_at", "a call lasts at most three months")
    if starts_at is not None and starts_at > ends_at:  # type: ignore[operator]
        raise Unprocessable.field("starts_at", "the start must be before the end")


def _check_recurrence(node: NodeState, data: CallIn) -> str | None:
    """The normalized rule of a repeating volunteers slot; 422 for another kind, no start, or
    a rule unbounded, more than daily or of more than 100 dates."""
    if data.recurrence is None or not data.recurrence.strip():
        return None
    if data.kind != CallKind.VOLUNTEERS:
        raise Unprocessable.field("recurrence", "Only a volunteers call repeats.")
    if data.starts_at is None:
        raise Unprocessable.field("starts_at", "A repeating call needs its first date.")
    recurrence.occurrences(data.recurrence, data.starts_at, data.ends_at, node.settings.timezone)
    return recurrence.normalize(data.recurrence)


async def _association_for(member: Member, association_id: UUID | None, kind: CallKind) -> UUID:
    if association_id is None:
        raise Unprocessable.field("association_id", "say which association posts the call")
    association = await Association.get_or_none(id=association_id)
    if association is None or association.status != AssociationStatus.APPROVED:
        raise NotFound("No such association.")
    if not await can_coordinate(member, association.id):
        raise Forbidden("Only the association's coordinators can post its calls.")
    return association.id


def _published(*parts: str | None) -> str:
    return " \n".join(part for part in parts if part)


async def post_call(
    node: NodeState,
    member: Member,
    data: CallIn,
    association_id: UUID | None = None,
    *,
    confirmed_screened: bool = False,
) -> Call:
    """A coordinator posts their association's call (urgent calls: node admins only, with or
    without an association). 403 for others, 404 for an unknown association, 422 for bad
    input or, until ``confirmed_screened``, for words of the moderators' list, 429 past the
    limits."""
    if not member.is_verified:
        raise Forbidden("Verify your phone number before posting a call.")
    if data.kind == CallKind.URGENT:
        if not member.is_admin:
            raise Forbidden("Only the node's administrators can send an urgent call.")
        if association_id is not None:
            association_id = await _association_for(member, association_id, data.kind)
    else:
        association_id = await _association_for(member, association_id, data.kind)
    _check_shape(data)
    _check_dates(data.starts_at, data.ends_at)
    rule = _check_recurrence(node, data)
    audience = audience_for(node.settings, data.area)
    published = _published(
        data.title,
        data.body,
        data.place_name,
        data.opening_hours,
        data.skills,
        *(item.label for item in data.items),
    )
    await word_list.check_text(published, confirmed_screened)
    now = clock.now()
    async with in_transaction():
        if data.kind == CallKind.URGENT:
            await limits.check_urgent(node.settings)
        else:
            assert association_id is not None
            await limits.check_association_day(node.settings, association_id)
        call = await Call.create(
            association_id=association_id,
            author=member,
            kind=data.kind,
            title=data.title,
            body=data.body,
            place_name=data.place_name,
            opening_hours=data.opening_hours,
            skills=data.skills,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            recurrence=rule,
            resolution=audience.resolution,
            created_at=now,
            updated_at=now,
        )
        if data.kind == CallKind.VOLUNTEERS:
            assert data.people is not None
            await CallItem.create(
                call=call, label=PEOPLE, wanted=data.people, remaining=data.people
            )
        for position, item in enumerate(data.items):
            await CallItem.create(
                call=call,
                position=position,
                label=item.label,
                wanted=item.quantity,
                remaining=item.quantity,
            )
        await save_cells(call, audience)
        await call.fetch_related("association")
        await node.events.record(node, CallPosted(call=call))
    return call


async def _managed_call(member: Member, call_id: UUID) -> Call:
    call = await Call.get_or_none(id=call_id).select_related("association")
    if call is None or call.origin_domain is not None:
        raise NotFound("No such call.")
    if not await can_coordinate(member, call.association_id):  # type: ignore[attr-defined]
        raise Forbidden("Only the association's coordinators can change its calls.")
    return call


async def edit_call(
    node: NodeState,
    member: Member,
    call_id: UUID,
    changes: CallChanges,
    *,
    confirmed_screened: bool = False,
) -> Call:
    """Change a live call's words, dates or wanted quantities; respondents are told of words
    and dates (409 once it is over, 422 a quantity below what is already pledged, or new words
    of the moderators' list until ``confirmed_screened``)."""
    values = changes.model_dump(exclude_unset=True)
    quantities = values.pop("quantities", None)
    call = await _managed_call(member, call_id)
    if effective_status(call) not in LIVE:
        raise Conflict("The call is over: it cannot be changed.")
    for name in ("title", "ends_at"):
        if name in values and values[name] is None:
            raise Unprocessable.field(name, "cannot be empty")
    _check_dates(values.get("starts_at", call.starts_at), values.get("ends_at", call.ends_at))
    changed = frozenset(name for name, value in values.items() if getattr(call, name) != value)
    if changed & {"starts_at", "ends_at"}:
        await occurrences.check_dates_kept(
            call,
            node.settings.timezone,
            values.get("starts_at", call.starts_at),
            values.get("ends_at", call.ends_at),
        )
    # Only the words being changed: the rest was confirmed (or clean) when posted.
    await word_list.check_text(
        _published(*(values[name] for name in sorted(changed & _WORDS))), confirmed_screened
    )
    async with in_transaction():
        if quantities:
            await _change_quantities(node, call, quantities)
        if changed:
            call.update_from_dict({name: values[name] for name in changed})
            call.updated_at = clock.now()
            await call.save(update_fields=[*changed, "updated_at"])
            await node.events.record(node, CallUpdated(call=call, changed=changed))
    return call


async def _change_quantities(node: NodeState, call: Call, quantities: list[dict[str, int]]) -> None:
    """New wanted quantities: never below what is already pledged (422), and what is still
    missing follows; a call whose every item is then covered is full, a full one with room
    again reopens."""
    async with in_transaction():
        query = Call.filter(id=call.id)
        if Call._meta.db.capabilities.dialect == "postgres":
            query = query.select_for_update()  # answers decrease the same rows
        await query.first()
        items = {item.id: item for item in await CallItem.filter(call_id=call.id)}
        if len({q["item_id"] for q in quantities}) != len(quantities):
            raise Unprocessable.field("quantities", "each item once")
        changed = False
        # A repeating call: each date wants the people, and none goes below its answers.
        on_one_date = await occurrences.most_taken(call) if occurrences.counted_here(call) else 0
        for change in quantities:
            item = items.get(change["item_id"])
            if item is None:
                raise Unprocessable.field("quantities", "this item is not in the call")
            pledged = item.wanted - item.remaining
            if change["wanted"] < pledged + on_one_date:
                raise Unprocessable.field("quantities", "not below what is already pledged")
            if change["wanted"] != item.wanted:
                item.wanted, item.remaining = change["wanted"], change["wanted"] - pledged
                await item.save(update_fields=["wanted", "remaining"])
                changed = True
        if not changed:
            return
        full = not any(item.remaining for item in items.values())
        if occurrences.counted_here(call):
            full = await occurrences.every_date_full(call, node.settings.timezone)
        status = CallStatus(call.status)
        if full and status == CallStatus.OPEN:
            call.status = CallStatus.FULL
        elif not full and status == CallStatus.FULL:
            call.status = CallStatus.OPEN
        call.updated_at = clock.now()
        await call.save(update_fields=["status", "updated_at"])
        await node.events.record(node, CallUpdated(call=call, changed=frozenset({"items"})))


async def close_call(node: NodeState, member: Member, call_id: UUID, *, cancel: bool) -> Call:
    """Close a call (enough people came) or cancel it (it will not happen); respondents are
    told. 409 when it is already over."""
    call = await _managed_call(member, call_id)
    if effective_status(call) not in LIVE:
        raise Conflict("The call is already over.")
    async with in_transaction():
        call.status = CallStatus.CANCELLED if cancel else CallStatus.CLOSED
        call.updated_at = clock.now()
        await call.save(update_fields=["status", "updated_at"])
        await node.events.record(node, CallUpdated(call=call, changed=frozenset({"status"})))
    return call


async def thank_all(
    node: NodeState,
    member: Member,
    call_id: UUID,
    message: str,
    *,
    confirmed_screened: bool = False,
) -> int:
    """One thank-you to every respondent at once; returns how many were thanked. 409 the
    second time (once is warm, twice is noise); 422 for words of the moderators' list until
    ``confirmed_screened``."""
    call = await _managed_call(member, call_id)
    await word_list.check_text(message, confirmed_screened)
    async with in_transaction():
        updated = await Call.filter(id=call.id, thanked_at__isnull=True).update(
            thanked_at=clock.now()
        )
        if not updated:
            raise Conflict("The respondents were already thanked.")
        count = await answer_count(call)
        await node.events.record(node, CallThanked(call=call, message=message))
    return count


async def delete_call(node: NodeState, member: Member, call_id: UUID) -> None:
    """Delete a call (posted by mistake, or not to be kept): it goes from this node and from
    every partner and follower (a ``Delete``), and the people who answered are told. 403 for
    non-coordinators, 404 for no call or a partner's."""
    call = await _managed_call(member, call_id)
    async with in_transaction():
        await node.events.record(node, CallDeleted(call=call))
        await Call.filter(id=call.id).delete()
