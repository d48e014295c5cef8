"""Actions of partner nodes, stored here so the nearby feed shows them (marked with their node).

A remote action is an :class:`Action` row with ``origin_domain`` set, no local author, public
visibility, its ActivityPub id (``ap_id``), the page to link back to (``remote_url``), and its
owner's actor IRI (``remote_actor_iri``: only that actor may update or delete it, DESIGN §4).
Its point is the one its node published (already coarsened there); we index it as it is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from node import clock
from node.fed.serializers import RemoteFields
from node.models import Action, ActionStatus, Visibility
from node.services import places
from node.services.actions import actions_changed


class NotOwner(Exception):
    """The sender is not the owner of the stored object."""


class Stale(Exception):
    """An older version than the one stored (activities can arrive out of order)."""


def _row_values(fields: RemoteFields, now: dt.datetime) -> dict[str, Any]:
    public = places.index_point(fields.lat, fields.lon)
    return {
        "kind": fields.kind,
        "category": fields.category,
        "title": fields.title,
        "description": fields.description,
        "status": fields.status,
        # No exact point exists for a remote action: both are the published one.
        "lat": public.lat,
        "lon": public.lon,
        "public_lat": public.lat,
        "public_lon": public.lon,
        "h3_cell": public.h3_cell,
        "h3_r7": public.h3_r7,
        "h3_r5": public.h3_r5,
        "unit_x": public.unit_x,
        "unit_y": public.unit_y,
        "unit_z": public.unit_z,
        "starts_at": fields.starts_at,
        "ends_at": fields.ends_at,
        "place_name": fields.place_name,
        "expires_at": fields.expires_at,
        "remote_url": fields.url,
        "remote_updated_at": fields.updated,
        "updated_at": now,
    }


async def upsert_remote_action(
    *,
    ap_id: str,
    domain: str,
    owner_iri: str,
    owner_name: str,
    fields: RemoteFields,
    create: bool = True,
) -> Action | None:
    """Store or refresh a remote action; :class:`NotOwner` when another actor owns it.

    ``create=False`` (an ``Update`` of something we never saw) only refreshes existing rows
    and returns None otherwise."""
    now = clock.now()
    values = _row_values(fields, now)
    existing = await Action.get_or_none(ap_id=ap_id)
    if existing is not None:
        if existing.remote_actor_iri != owner_iri or existing.origin_domain != domain:
            raise NotOwner(ap_id)
        known = existing.remote_updated_at
        if known is not None and fields.updated is not None and fields.updated < known:
            raise Stale(ap_id)
        await Action.filter(id=existing.id).update(remote_author_name=owner_name, **values)
        actions_changed()
        return await Action.get(id=existing.id)
    if not create:
        return None
    action = await Action.create(
        ap_id=ap_id,
        origin_domain=domain,
        remote_actor_iri=owner_iri,
        remote_author_name=owner_name,
        visibility=Visibility.PUBLIC,
        created_at=now,
        **values,
    )
    actions_changed()
    return action


async def delete_remote_action(*, ap_id: str, sender_iri: str) -> bool:
    """Delete a remote action on its owner's request; :class:`NotOwner` for anyone else."""
    existing = await Action.get_or_none(ap_id=ap_id)
    if existing is None or existing.origin_domain is None:
        return False
    if existing.remote_actor_iri != sender_iri:
        raise NotOwner(ap_id)
    await Action.filter(id=existing.id).delete()
    actions_changed()
    return True


async def delete_domain_actions(domain: str) -> int:
    """Delete every action received from ``domain`` (partnership ended, domain blocked)."""
    count = await Action.filter(origin_domain=domain).delete()
    actions_changed()
    return count


async def remote_action_by_iri(ap_id: str) -> Action | None:
    return await Action.get_or_none(ap_id=ap_id, origin_domain__isnull=False)


def is_open(action: Action) -> bool:
    return action.status == ActionStatus.OPEN and action.expires_at > clock.now()
