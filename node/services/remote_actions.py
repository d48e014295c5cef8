"""Actions of partner nodes, stored here so the nearby feed shows them (marked with their node).

A remote action is an :class:`Action` row with ``origin_domain`` set, no local author, public
visibility, its ActivityPub id (``ap_id``), the page to link back to (``remote_url``), and its
owner's actor IRI (``remote_actor_iri``: only that actor may update or delete it, DESIGN §4).
Its point is the one its node published (already coarsened there); we index it as it is.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from node import clock, sql
from node.caches import actions_changed
from node.models import Action, ActionCategory, ActionKind, ActionStatus, Visibility
from node.services import geo


class NotOwner(Exception):
    """The sender is not the owner of the stored object."""


class Stale(Exception):
    """An older version than the one stored (activities can arrive out of order)."""


@dataclass(frozen=True, slots=True)
class RemoteFields:
    """What a remote need/offer object or ``Event`` says, in the node's terms."""

    kind: ActionKind
    category: ActionCategory
    title: str
    description: str
    status: ActionStatus
    lat: float
    lon: float
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    place_name: str | None
    expires_at: dt.datetime
    url: str
    updated: dt.datetime | None = None


def _row_values(
    *,
    ap_id: str,
    domain: str,
    owner_iri: str,
    owner_name: str,
    fields: RemoteFields,
    now: dt.datetime,
) -> dict[str, Any]:
    """Every column of a remote action's row, ready for :func:`node.sql.upsert_remote_action`
    (enums as their values, datetimes in UTC)."""
    public = geo.index_point(fields.lat, fields.lon)
    now = sql.utc(now) or now
    return {
        "ap_id": ap_id,
        "origin_domain": domain,
        "remote_actor_iri": owner_iri,
        "remote_author_name": owner_name,
        "visibility": Visibility.PUBLIC.value,
        "auto_accept": False,
        "created_at": now,
        "kind": fields.kind.value,
        "category": fields.category.value,
        "title": fields.title,
        "description": fields.description,
        "status": fields.status.value,
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
        "starts_at": sql.utc(fields.starts_at),
        "ends_at": sql.utc(fields.ends_at),
        "place_name": fields.place_name,
        "expires_at": sql.utc(fields.expires_at),
        "remote_url": fields.url,
        "remote_updated_at": sql.utc(fields.updated),
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
) -> uuid.UUID | None:
    """Store or refresh a remote action and return its id; :class:`NotOwner` when another actor
    owns it, :class:`Stale` when the stored version is newer.

    One ``INSERT … ON CONFLICT (ap_id) DO UPDATE … WHERE`` (same owner, not newer) does it; only
    when it touched nothing is the row read to tell why. ``create=False`` (an ``Update`` of
    something we never saw) only refreshes existing rows and returns None otherwise."""
    if not create and await sql.remote_action_owner(ap_id) is None:
        return None
    values = _row_values(
        ap_id=ap_id,
        domain=domain,
        owner_iri=owner_iri,
        owner_name=owner_name,
        fields=fields,
        now=clock.now(),
    )
    stored = await sql.upsert_remote_action(values)
    if stored is None:
        existing = await sql.remote_action_owner(ap_id)
        if existing is None:  # deleted in between
            return None
        if existing["remote_actor_iri"] != owner_iri or existing["origin_domain"] != domain:
            raise NotOwner(ap_id)
        raise Stale(ap_id)
    actions_changed()
    return stored


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
