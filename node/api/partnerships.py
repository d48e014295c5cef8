"""Admin API: partnerships with other nodes (under /api/v1/admin/partnerships).

Node admins ask a remote node (by domain, ``acct:``/``user@host`` or actor URL) for a scoped
partnership, accept or refuse requests they received, change what an accepted one shares
(``PATCH``: less at once, more once the partner accepts) and end partnerships. Refusing and
accepting go through :func:`node.services.partnerships.decide_partnership` only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field, StringConstraints
from quart import Blueprint
from quart_schema import security_scheme, validate_request, validate_response

from federation.vocab import PartnershipScope
from node.api.deps import require_node_admin
from node.api.types import BEARER, MULTI_LINE, ONE_LINE, Strict
from node.fed.remote import resolve
from node.http_state import current_node
from node.models import (
    Partnership,
    PartnershipDirection,
    PartnershipScopeOffer,
    PartnershipStatus,
)
from node.services import partnership_scopes, partnerships

blueprint = Blueprint("partnerships", __name__, url_prefix="/api/v1/admin/partnerships")


class PartnershipIn(Strict):
    target: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), ONE_LINE
    ] = Field(description="lyon.example, acct:node@lyon.example or an actor URL")
    scopes: list[PartnershipScope] = Field(min_length=1, max_length=len(PartnershipScope))
    message: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=1000), MULTI_LINE
    ] = ""


class ScopesIn(Strict):
    scopes: list[PartnershipScope] = Field(
        min_length=1,
        max_length=len(PartnershipScope),
        description="Everything the partnership should share from now on",
    )
    message: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=1000), MULTI_LINE
    ] = ""


class ScopeRequestOut(BaseModel):
    scopes: list[PartnershipScope] = Field(description="What the request would add")
    message: str
    created_at: datetime
    remote_committee_decision: str | None = None


class PartnershipOut(BaseModel):
    id: UUID
    remote_domain: str
    remote_actor: str
    direction: PartnershipDirection
    scopes: list[PartnershipScope]
    message: str
    status: PartnershipStatus
    created_at: datetime
    decided_at: datetime | None
    ended_at: datetime | None
    remote_committee_decision: str | None = Field(
        None, description="The other node's street committee decision behind its request or answer"
    )
    asked_to_share_more: ScopeRequestOut | None = Field(
        None, description="Our request to share more, waiting for the partner's answer"
    )
    asks_to_share_more: ScopeRequestOut | None = Field(
        None, description="The partner's request to share more, waiting for our answer"
    )


class PartnershipsOut(BaseModel):
    items: list[PartnershipOut]


def _request(offer: PartnershipScopeOffer | None) -> ScopeRequestOut | None:
    if offer is None:
        return None
    return ScopeRequestOut(
        scopes=[PartnershipScope(s) for s in offer.scope_list],
        message=offer.message,
        created_at=offer.created_at,
        remote_committee_decision=offer.remote_decision_iri,
    )


def _out(p: Partnership, offers: Sequence[PartnershipScopeOffer] = ()) -> PartnershipOut:
    by_direction = {o.direction: o for o in offers}
    return PartnershipOut(
        id=p.id,
        remote_domain=p.remote_domain,
        remote_actor=p.remote_actor_iri,
        direction=p.direction,
        scopes=[PartnershipScope(s) for s in p.scope_list],
        message=p.message,
        status=p.status,
        created_at=p.created_at,
        decided_at=p.decided_at,
        ended_at=p.ended_at,
        remote_committee_decision=p.remote_decision_iri,
        asked_to_share_more=_request(by_direction.get(PartnershipDirection.OUTGOING)),
        asks_to_share_more=_request(by_direction.get(PartnershipDirection.INCOMING)),
    )


async def _current(p: Partnership) -> PartnershipOut:
    return _out(p, (await partnership_scopes.pending_offers()).get(p.id, []))


@blueprint.post("")
@security_scheme(BEARER)
@validate_request(PartnershipIn)
@validate_response(PartnershipOut, 201)
async def request_partnership(data: PartnershipIn) -> tuple[PartnershipOut, int]:
    """Ask a remote node for a partnership (pending until its admins answer). 502: the node
    cannot be reached or found; 409: a partnership with it is already pending or active."""
    await require_node_admin()
    node = current_node()
    p = await partnerships.request_partnership(
        node,
        remote=await resolve(node, data.target),
        scopes=[s.value for s in data.scopes],
        message=data.message,
    )
    return _out(p), 201


@blueprint.get("")
@security_scheme(BEARER)
@validate_response(PartnershipsOut)
async def list_partnerships() -> PartnershipsOut:
    """Every partnership, asked or received, newest first (history included)."""
    await require_node_admin()
    offers = await partnership_scopes.pending_offers()
    rows = await partnerships.list_partnerships()
    return PartnershipsOut(items=[_out(p, offers.get(p.id, [])) for p in rows])


async def _decide(partnership_id: UUID, accept: bool) -> PartnershipOut:
    admin = await require_node_admin()
    p = await partnerships.get_partnership(partnership_id)
    p = await partnerships.decide_partnership(current_node(), p, accept=accept, decided_by=admin)
    return _out(p)


@blueprint.post("/<uuid:partnership_id>/accept")
@security_scheme(BEARER)
@validate_response(PartnershipOut)
async def accept_partnership(partnership_id: UUID) -> PartnershipOut:
    """Accept a request received from another node (409 if not pending or asked by us); 202
    with the proposal when the street committee decides on partnerships."""
    return await _decide(partnership_id, True)


@blueprint.post("/<uuid:partnership_id>/reject")
@security_scheme(BEARER)
@validate_response(PartnershipOut)
async def reject_partnership(partnership_id: UUID) -> PartnershipOut:
    """Refuse a request received from another node."""
    return await _decide(partnership_id, False)


@blueprint.delete("/<uuid:partnership_id>")
@security_scheme(BEARER)
@validate_response(PartnershipOut)
async def end_partnership(partnership_id: UUID) -> PartnershipOut:
    """End a partnership (or withdraw our pending request): the other side is told (``Undo``)
    and its content leaves the local feed."""
    admin = await require_node_admin()
    p = await partnerships.get_partnership(partnership_id)
    return _out(await partnerships.end_partnership(current_node(), p, by=admin))


@blueprint.patch("/<uuid:partnership_id>")
@security_scheme(BEARER)
@validate_request(ScopesIn)
@validate_response(PartnershipOut)
async def change_scopes(partnership_id: UUID, data: ScopesIn) -> PartnershipOut:
    """Change what an accepted partnership shares: the scopes left out stop at once (the partner
    is told), the new ones are asked of the partner (``asked_to_share_more`` until it answers).
    409: not accepted, or our earlier request waits; 422: the same scopes; 202 with the proposal
    when the street committee decides on partnerships."""
    admin = await require_node_admin()
    p = await partnerships.get_partnership(partnership_id)
    done = await partnership_scopes.change_scopes(
        current_node(), p, [s.value for s in data.scopes], message=data.message, by=admin
    )
    return await _current(done.partnership)


async def _decide_widening(partnership_id: UUID, accept: bool) -> PartnershipOut:
    admin = await require_node_admin()
    p = await partnerships.get_partnership(partnership_id)
    offer = await partnership_scopes.incoming_request(p)
    await partnership_scopes.decide_widening(current_node(), offer, accept=accept, decided_by=admin)
    return await _current(await partnerships.get_partnership(partnership_id))


@blueprint.post("/<uuid:partnership_id>/scopes/accept")
@security_scheme(BEARER)
@validate_response(PartnershipOut)
async def accept_scopes(partnership_id: UUID) -> PartnershipOut:
    """Accept the partner's request to share more (404 when none waits); 202 with the proposal
    when the street committee decides on partnerships."""
    return await _decide_widening(partnership_id, True)


@blueprint.post("/<uuid:partnership_id>/scopes/reject")
@security_scheme(BEARER)
@validate_response(PartnershipOut)
async def reject_scopes(partnership_id: UUID) -> PartnershipOut:
    """Refuse the partner's request to share more: nothing changes."""
    return await _decide_widening(partnership_id, False)


@blueprint.delete("/<uuid:partnership_id>/scopes/request")
@security_scheme(BEARER)
@validate_response(PartnershipOut)
async def withdraw_scopes_request(partnership_id: UUID) -> PartnershipOut:
    """Withdraw our request to share more before the partner answers (404 when none waits);
    the partner is told (``Undo`` of the Offer). Not gated: it shares nothing."""
    admin = await require_node_admin()
    p = await partnerships.get_partnership(partnership_id)
    await partnership_scopes.withdraw_request(current_node(), p, by=admin)
    return await _current(p)
