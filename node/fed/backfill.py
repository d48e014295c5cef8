"""What a new partner receives at once: the recent public needs, offers and outings, and the
visits still in their window, so that a partnership does not start empty.

When a partnership is accepted (on either side), each node sends the other, through the durable
delivery queue like any activity:

- scope ``public_needs``: a ``Create`` of every open public action of this node created in the
  last :data:`ACTIONS_DAYS` days (at most :data:`ACTIONS_MAX`, newest first), addressed to the
  partner's instance actor only — the object itself stays public, as it was first sent;
- scope ``outreach``: a ``Create`` of every local visit of the last :data:`VISITS_DAYS` days
  (the age an inbox still accepts), as :mod:`node.fed.publish_visits` sends them;
- scope ``guide``: a ``Create`` of every place made on this node, whatever its age (a place
  lasts), as :mod:`node.fed.publish_places` sends them.

The receiver stores them idempotently by object id, as it would have the first time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from federation import build
from federation.vocab import PartnershipScope
from node import clock
from node.fed.outbox import publish
from node.fed.publish_places import backfill_places
from node.fed.publish_visits import visit_object
from node.fed.serializers import action_object, author_actor_iri
from node.iris import new_activity_iri
from node.models import (
    Action,
    ActionStatus,
    Delivery,
    DeliveryStatus,
    Partnership,
    PartnershipStatus,
    RemoteActor,
    Visibility,
    Visit,
)
from node.services.visits import VISIT_TIME_STEP

if TYPE_CHECKING:
    from node.state import NodeState

ACTIONS_DAYS = 30
ACTIONS_MAX = 200
VISITS_DAYS = 7
VISITS_MAX = 500


async def backfill_partner(
    node: NodeState,
    partnership: Partnership,
    partner: RemoteActor,
    *,
    only: Iterable[str] | None = None,
) -> int:
    """Queue the backfill for a just-accepted ``partnership`` with ``partner`` (its instance
    actor), in the caller's transaction; returns how many activities were queued. ``only``:
    the scopes just added to an accepted partnership (what the partner does not have yet)."""
    if partnership.status != PartnershipStatus.ACCEPTED:
        return 0
    scopes = set(partnership.scope_list)
    if only is not None:
        scopes &= set(only)
    sent = 0
    if PartnershipScope.PUBLIC_NEEDS.value in scopes:
        sent += await _actions(node, partner)
    if PartnershipScope.OUTREACH.value in scopes:
        sent += await _visits(node, partner)
    if PartnershipScope.GUIDE.value in scopes:
        sent += await backfill_places(node, partner)
    return sent


async def _actions(node: NodeState, partner: RemoteActor) -> int:
    now = clock.now()
    rows = (
        await Action.filter(
            origin_domain=None,
            visibility=Visibility.PUBLIC,
            status=ActionStatus.OPEN,
            hidden_at=None,
            expires_at__gt=now,
            created_at__gte=now - timedelta(days=ACTIONS_DAYS),
        )
        .order_by("-created_at")
        .limit(ACTIONS_MAX)
    )
    for action in rows:
        obj = await action_object(node, action)
        activity = build.create(
            id=new_activity_iri(node.settings),
            actor=author_actor_iri(node, action),
            object=obj,
            to=[partner.ap_id],
            published=action.created_at,
        )
        await publish(node, activity, to=[partner], public=False)
    return len(rows)


async def _visits(node: NodeState, partner: RemoteActor) -> int:
    since = clock.now() - timedelta(days=VISITS_DAYS)
    rows = (
        await Visit.filter(origin=None, association_id__isnull=False, visited_at__gte=since)
        .order_by("-visited_at")
        .limit(VISITS_MAX)
    )
    for visit in rows:
        obj = visit_object(node, visit, [partner.ap_id])
        activity = build.create(
            id=new_activity_iri(node.settings),
            actor=obj["attributedTo"],
            object=obj,
            to=[partner.ap_id],
        )
        outbox = await publish(node, activity, to=[partner], public=False)
        window_end = visit.visited_at + VISIT_TIME_STEP
        if window_end > clock.now():  # as publish_visits: not before the window ends
            await Delivery.filter(activity_id=outbox.id, status=DeliveryStatus.QUEUED).update(
                next_attempt_at=window_end
            )
    return len(rows)
