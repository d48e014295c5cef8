"""Inbox: outreach visits of partner nodes (``Create``/``Delete`` of an Entraide ``Visit``).

Creates come from partners with the ``outreach`` scope (checked by the dispatch table,
:mod:`node.fed.registry`). The visit must live
on the sender's domain and be attributed to the sender (when it says); its cell must be a valid
H3 cell of resolution 9, its start neither in the future (beyond a little clock skew) nor older
than :data:`MAX_AGE`. Unknown items are dropped (a newer partner may know more). The visit is
stored under the sender's domain (``origin``), shown with the sender's name, and leaves when its
owner deletes it or the partnership ends
(:func:`node.services.partnerships.withdraw_remote_content`).
"""

from __future__ import annotations

from datetime import timedelta

import h3

from federation import parse as ap
from node import clock
from node.fed.handlers.context import Ignore, InboxContext
from node.fed.serializers import actor_display_name
from node.models import OutreachItem
from node.services import visits
from node.services.federation_policy import domain_of

CLOCK_SKEW = timedelta(minutes=5)
MAX_AGE = timedelta(days=7)
MAX_WINDOW = timedelta(hours=1)
_KNOWN_ITEMS = {item.value: item for item in OutreachItem}


def _is_visit(obj: ap.ASObject) -> bool:
    return any(t.split(":")[-1].rsplit("#", 1)[-1] == "Visit" for t in obj.type)


async def create_visit(ctx: InboxContext, activity: ap.Activity) -> None:
    obj = activity.embedded_object
    if not isinstance(obj, ap.Visit) or not _is_visit(obj) or obj.id is None:
        raise Ignore("the Create does not embed a Visit")
    if domain_of(obj.id) != ctx.sender.domain:
        raise Ignore("the visit does not live on the sender's domain")
    if obj.owner is not None and obj.owner != ctx.sender.ap_id:
        raise Ignore("only the visit's owner may publish it")
    cell = (obj.cell or "").strip().lower()
    if not h3.is_valid_cell(cell) or h3.get_resolution(cell) != visits.RESOLUTION:
        raise Ignore("the cell is not a valid H3 cell of resolution 9")
    start = obj.start_time
    if start is None:
        raise Ignore("no startTime")
    now = clock.now()
    if start > now + CLOCK_SKEW:
        raise Ignore("the visit starts in the future")
    if start < now - MAX_AGE:
        raise Ignore("the visit is older than 7 days")
    end = obj.end_time
    if end is not None and not start <= end <= start + MAX_WINDOW:
        raise Ignore("the time window must end after its start, within an hour")
    items = [_KNOWN_ITEMS[i] for i in obj.given_items if i in _KNOWN_ITEMS]
    sender = ctx.sender
    await visits.store_partner_visit(
        origin=sender.domain,
        remote_id=obj.id,
        cell=cell,
        visited_at=start,
        items=items,
        asleep=obj.asleep is True,
        association_name=actor_display_name(sender.name, sender.preferred_username, sender.ap_id),
    )


async def delete_visit_of(ctx: InboxContext, object_id: str | None) -> bool:
    """Remove the visit ``object_id`` if the sender's node sent it (used for ``Delete`` of a
    ``Visit`` and of a ``Tombstone``); False when none is stored."""
    if object_id is None or domain_of(object_id) != ctx.sender.domain:
        return False
    return await visits.remove_partner_visit(origin=ctx.sender.domain, remote_id=object_id)


async def delete_visit(ctx: InboxContext, activity: ap.Activity) -> None:
    if not await delete_visit_of(ctx, activity.object_id):
        raise Ignore("no visit of the sender's node stored under this id")
