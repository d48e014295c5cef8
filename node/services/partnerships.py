"""Partnerships between nodes (DESIGN §4): ask, decide, end, and who is a partner for what.

The wire: our instance actor sends ``Offer{object: Partnership(scopes, summary), target: them}``;
their admins answer ``Accept`` or ``Reject`` (the Offer embedded); either side ends it with
``Undo`` of its own Offer (the asker) or of its own Accept (the other side). Each change of
state and the delivery rows announcing it are written in one transaction.

:func:`decide_partnership` is THE decision point for incoming requests. Accepting and ending
are gated by the street committee (:mod:`node.services.committee.gates`): where the node's policy
says so, they open a proposal instead, and an incoming request opens one at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from tortoise.transactions import in_transaction

from federation.vocab import PartnershipScope
from node import clock
from node.caches import federation_cache, partnerships_changed
from node.errors import Conflict, NotFound, Unprocessable
from node.events import (
    PartnershipAnswered,
    PartnershipAsked,
    PartnershipDecided,
    PartnershipEnded,
)
from node.iris import instance_actor_iri, is_local, new_activity_iri
from node.models import (
    Member,
    Partnership,
    PartnershipDirection,
    PartnershipScopeOffer,
    PartnershipStatus,
    ProposalOrigin,
    RemoteActor,
)
from node.models.partnership import ACTIVE_STATUSES
from node.services.committee import gates
from node.services.committee.changes import AcceptPartnership, EndPartnership
from node.services.committee.proposals import propose
from node.services.committee.rules import is_gated
from node.services.places.remote import remove_partner_places
from node.services.remote_actions import delete_domain_actions
from node.services.visits import remove_partner_visits
from node.state import NodeState

if TYPE_CHECKING:
    from node.models import Decision

MESSAGE_MAX = 1000
SCOPES = tuple(s.value for s in PartnershipScope)


def normalize_scopes(scopes: Iterable[str]) -> str:
    values = sorted({s.strip() for s in scopes})
    if not values:
        raise Unprocessable.field("scopes", f"give at least one of {', '.join(SCOPES)}")
    unknown = [s for s in values if s not in SCOPES]
    if unknown:
        raise Unprocessable.field("scopes", f"unknown scope {unknown[0]!r}; use {SCOPES}")
    return ",".join(values)


# --- asking ---------------------------------------------------------------------------------


async def request_partnership(
    node: NodeState, *, remote: RemoteActor, scopes: Sequence[str], message: str = ""
) -> Partnership:
    """Ask the node whose instance actor is ``remote`` (found by the caller from what the admin
    typed, ``node.fed.remote.resolve``); the ``Offer`` leaves with :class:`PartnershipAsked`."""
    joined = normalize_scopes(scopes)
    message = message.strip()
    if len(message) > MESSAGE_MAX:
        raise Unprocessable.field("message", f"at most {MESSAGE_MAX} characters")
    if is_local(node.settings, remote.ap_id):
        raise Unprocessable.field("target", "this is our own node")
    local = instance_actor_iri(node.settings)
    async with in_transaction():
        if await Partnership.filter(active_domain=remote.domain).exists():
            raise Conflict(
                f"There is already a pending or accepted partnership with {remote.domain}."
            )
        partnership_id = uuid.uuid4()
        p = await Partnership.create(
            id=partnership_id,
            remote_domain=remote.domain,
            active_domain=remote.domain,
            remote_actor_iri=remote.ap_id,
            direction=PartnershipDirection.OUTGOING,
            scopes=joined,
            message=message,
            status=PartnershipStatus.PENDING,
            offer_activity_id=new_activity_iri(node.settings),
            object_iri=f"{local}/partnerships/{partnership_id}",
            created_at=clock.now(),
        )
        await node.events.record(node, PartnershipAsked(partnership=p))
    return p


async def receive_offer(
    node: NodeState,
    sender: RemoteActor,
    *,
    offer_id: str,
    object_iri: str,
    scopes: Sequence[str],
    message: str,
    committee_decision: str | None = None,
) -> Partnership | None:
    """Record a partnership request from ``sender`` (None when one is already active); where
    the committee decides on partnerships, its proposal opens at once. ``committee_decision``:
    the asking node's own committee decision, when its Offer links one."""
    known = [s for s in scopes if s in SCOPES]
    if not known:
        return None
    if await Partnership.filter(active_domain=sender.domain).exists():
        return None
    if await Partnership.filter(offer_activity_id=offer_id).exists():
        return None
    p = await Partnership.create(
        remote_domain=sender.domain,
        active_domain=sender.domain,
        remote_actor_iri=sender.ap_id,
        direction=PartnershipDirection.INCOMING,
        scopes=",".join(sorted(set(known))),
        message=message[:MESSAGE_MAX],
        status=PartnershipStatus.PENDING,
        offer_activity_id=offer_id,
        object_iri=object_iri,
        remote_decision_iri=remote_link(committee_decision),
        created_at=clock.now(),
    )
    change = _accept_change(p)
    if await is_gated(change.gate):
        await propose(node, change, origin=ProposalOrigin.REMOTE, by=None)
    return p


def _accept_change(p: Partnership) -> AcceptPartnership:
    return AcceptPartnership(partnership_id=p.id, domain=p.remote_domain, scopes=p.scope_list)


# --- deciding and ending --------------------------------------------------------------------


async def get_partnership(partnership_id: uuid.UUID) -> Partnership:
    p = await Partnership.get_or_none(id=partnership_id)
    if p is None:
        raise NotFound("No such partnership.")
    return p


async def decide_partnership(
    node: NodeState,
    partnership: Partnership,
    *,
    accept: bool,
    decided_by: Member | None,
    decision: Decision | None = None,
) -> Partnership:
    """Accept or refuse an incoming request: THE decision function. Accepting is gated: it
    raises :class:`~node.services.committee.gates.Proposed` unless the committee approved it
    (``decision``); refusing is not (it shares nothing)."""
    if partnership.direction != PartnershipDirection.INCOMING:
        raise Conflict("Only the node that was asked decides; wait for their answer.")
    if partnership.status != PartnershipStatus.PENDING:
        raise Conflict(f"This partnership is already {partnership.status.value}.")
    if accept:
        await gates.require(node, _accept_change(partnership), by=decided_by, decision=decision)
    async with in_transaction():
        p = await Partnership.select_for_update().get(id=partnership.id)
        if p.status != PartnershipStatus.PENDING:
            raise Conflict(f"This partnership is already {p.status.value}.")
        now = clock.now()
        p.status = PartnershipStatus.ACCEPTED if accept else PartnershipStatus.REJECTED
        p.active_domain = p.remote_domain if accept else None
        p.decided_at = now
        p.decided_by_id = decided_by.id if decided_by is not None else None
        p.decision_activity_id = new_activity_iri(node.settings)
        await p.save()
        await node.events.record(
            node,
            PartnershipDecided(
                partnership=p, committee_decision=await _decision_link(node, p, decision)
            ),
        )
        partnerships_changed()
    partnerships_changed()  # again once committed (node.caches: the hold)
    return p


async def _decision_link(node: NodeState, p: Partnership, decision: Decision | None) -> str | None:
    """The public record of the committee decision behind our answer: the approval we carry
    out, or (for a refusal) the committee's latest decision about this request, if any."""
    from node.services.committee.decisions import decision_api_url, latest_decision_about

    if decision is None:
        decision = await latest_decision_about(_accept_change(p).subject)
    return decision_api_url(node, decision) if decision is not None else None


async def end_partnership(
    node: NodeState,
    partnership: Partnership,
    *,
    by: Member | None = None,
    decision: Decision | None = None,
) -> Partnership:
    """End (or withdraw, while pending) a partnership: ``Undo`` to the other side, and their
    content leaves the local feed. Ending an accepted partnership is gated by the committee;
    withdrawing our own pending request is not."""
    if partnership.status == PartnershipStatus.ACCEPTED:
        change = EndPartnership(
            partnership_id=partnership.id,
            domain=partnership.remote_domain,
            scopes=partnership.scope_list,
        )
        await gates.require(node, change, by=by, decision=decision)

    async with in_transaction():
        p = await Partnership.select_for_update().get(id=partnership.id)
        if p.status not in ACTIVE_STATUSES:
            raise Conflict(f"This partnership is already {p.status.value}.")
        if p.direction == PartnershipDirection.INCOMING and p.status == PartnershipStatus.PENDING:
            raise Conflict("Refuse the request instead (POST …/reject).")
        await _close(p)
        await node.events.record(node, PartnershipEnded(partnership=p))
    partnerships_changed()
    return p


async def _close(p: Partnership) -> None:
    p.status = PartnershipStatus.ENDED
    p.active_domain = None
    p.ended_at = clock.now()
    await p.save()
    await _end_scope_offers([p.id])
    partnerships_changed()
    await withdraw_remote_content(p.remote_domain)


async def _end_scope_offers(partnership_ids: list[uuid.UUID]) -> None:
    """Requests to share more within partnerships that end are answered by the end."""
    if partnership_ids:
        await PartnershipScopeOffer.filter(
            partnership_id__in=partnership_ids, status=PartnershipStatus.PENDING
        ).update(status=PartnershipStatus.ENDED, decided_at=clock.now())


def remote_link(iri: str | None) -> str | None:
    """A remote decision link worth keeping: an http(s) URL that fits the column."""
    if iri and iri.startswith(("https://", "http://")) and len(iri) <= 2048:
        return iri
    return None


async def remote_decision(
    sender: RemoteActor,
    offer_id: str,
    *,
    accepted: bool,
    activity_id: str,
    committee_decision: str | None = None,
    node: NodeState,
) -> bool:
    """The other side accepted or refused our request; False when it does not match one
    (:class:`PartnershipAnswered`: on acceptance, federation queues what the new partner should
    see at once)."""
    p = await Partnership.get_or_none(
        offer_activity_id=offer_id, direction=PartnershipDirection.OUTGOING
    )
    if p is None or p.remote_domain != sender.domain or p.status != PartnershipStatus.PENDING:
        return False
    p.status = PartnershipStatus.ACCEPTED if accepted else PartnershipStatus.REJECTED
    p.active_domain = p.remote_domain if accepted else None
    p.decided_at = clock.now()
    p.decision_activity_id = activity_id
    p.remote_decision_iri = remote_link(committee_decision)
    await p.save()
    partnerships_changed()
    await node.events.record(node, PartnershipAnswered(partnership=p))
    return True


async def remote_end(sender: RemoteActor, offer_id: str) -> bool:
    """The other side ended (or withdrew) the partnership asked by ``offer_id``."""
    p = await Partnership.get_or_none(offer_activity_id=offer_id)
    if p is None or p.remote_domain != sender.domain or p.status not in ACTIVE_STATUSES:
        return False
    await _close(p)
    return True


# --- who is a partner -----------------------------------------------------------------------


async def list_partnerships() -> list[Partnership]:
    return await Partnership.all().order_by("-created_at")


async def is_partner_domain(domain: str, scope: str | None = None) -> bool:
    """Whether ``domain`` has an accepted partnership (with ``scope`` when given); read through
    the node's short-lived cache (node.caches), invalidated by every change made here."""
    cache = federation_cache()
    if cache is not None:
        scopes = (await cache.partner_scopes()).get(domain.lower())
        return scopes is not None and (scope is None or scope in scopes)
    p = await Partnership.get_or_none(
        active_domain=domain.lower(), status=PartnershipStatus.ACCEPTED
    )
    if p is None or scope is None or scope in p.scope_list:
        return p is not None
    # What we asked it to share more counts already (node.sql.partners says why).
    asked = await PartnershipScopeOffer.filter(
        partnership_id=p.id,
        direction=PartnershipDirection.OUTGOING,
        status=PartnershipStatus.PENDING,
    ).first()
    return asked is not None and scope in asked.scope_list


async def partners_with_scope(scope: str) -> list[RemoteActor]:
    """The instance actors of the nodes we share ``scope`` with."""
    rows = await Partnership.filter(status=PartnershipStatus.ACCEPTED)
    iris = [p.remote_actor_iri for p in rows if scope in p.scope_list]
    return await RemoteActor.filter(ap_id__in=iris) if iris else []


async def withdraw_remote_content(domain: str) -> int:
    """Remove what ``domain`` shared with us: its actions (with their chats and participations),
    its outreach visits and its guide's places. Returns how many actions left."""
    await remove_partner_visits(domain)
    await remove_partner_places(domain)
    return await delete_domain_actions(domain)


async def purge_partner_domain(node: NodeState, domain: str, *, farewell: bool = True) -> None:
    """Purge hook of a domain block: the partnership ends and what it shared leaves the feed.
    With ``farewell``, the other side is told (an ``Undo``, the one activity a blocked domain
    still receives), so that it does not keep the partnership "accepted" on its side; without,
    when the partner's actor itself is gone and nobody is left to tell."""
    if farewell:
        for p in await Partnership.filter(active_domain=domain, status__in=ACTIVE_STATUSES):
            await node.events.record(node, PartnershipEnded(partnership=p, farewell=True))
    now = clock.now()
    ending = await Partnership.filter(active_domain=domain)
    await _end_scope_offers([p.id for p in ending])
    await Partnership.filter(active_domain=domain).update(
        status=PartnershipStatus.ENDED, active_domain=None, ended_at=now
    )
    partnerships_changed()
    await withdraw_remote_content(domain)
