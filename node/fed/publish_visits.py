"""Publishing outreach visits to partners (DESIGN §5): ``Create`` of a coarse ``Visit``.

Called by :mod:`node.services.encounters` inside the transaction that records the encounter and
its local :class:`~node.models.Visit`, so the visit and its delivery rows commit together. The
audience is the instance actors of the partner nodes whose partnership has the ``outreach``
scope — never the public, never followers. The actor is the association's actor.

What travels is the :class:`~node.models.Visit` row, never the encounter: the H3 cell, the
5-minute window, the items, the asleep flag and the association (as the actor). No note,
pseudonym, exact place, team member, team name or encounter id; no ``published`` either (it
would give the minute). Deliveries wait for the end of the time window, so that the ``Date`` of
the request does not tell the time more precisely than the window does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from federation import build, objects
from federation.vocab import PartnershipScope
from node import clock
from node.fed.outbox import publish
from node.iris import association_actor_iri, new_activity_iri, visit_iri
from node.models import Delivery, DeliveryStatus, Visit
from node.services.partnerships import partners_with_scope
from node.services.visits import VISIT_TIME_STEP, decode_items

if TYPE_CHECKING:
    from node.state import NodeState


def visit_object(node: NodeState, visit: Visit, to: list[str]) -> dict[str, Any]:
    """The coarse ``Visit`` of a local visit row (its own IRI, never the encounter's)."""
    association_id = visit.association_id  # type: ignore[attr-defined]
    assert association_id is not None and visit.origin is None, "only local visits travel"
    return objects.visit(
        id=visit_iri(node.settings, visit.id),
        attributed_to=association_actor_iri(node.settings, association_id),
        cell=visit.cell,
        start_time=visit.visited_at,
        end_time=visit.visited_at + VISIT_TIME_STEP,
        given_items=[item.value for item in decode_items(visit.items)],
        asleep=visit.asleep,
        to=to,
    )


async def publish_visit(node: NodeState, visit: Visit) -> bool:
    """Write the ``Create`` and its deliveries (in the caller's transaction); False when no
    partner shares ``outreach`` (nothing is written then)."""
    partners = await partners_with_scope(PartnershipScope.OUTREACH.value)
    if not partners:
        return False
    to = sorted({actor.ap_id for actor in partners})
    obj = visit_object(node, visit, to)
    activity = build.create(
        id=new_activity_iri(node.settings),
        actor=obj["attributedTo"],
        object=obj,
        to=to,
    )
    outbox = await publish(node, activity, to=partners, public=False)
    window_end = visit.visited_at + VISIT_TIME_STEP
    if window_end > clock.now():
        await Delivery.filter(activity_id=outbox.id, status=DeliveryStatus.QUEUED).update(
            next_attempt_at=window_end
        )
    return True
