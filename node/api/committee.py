"""The street committee's API: its rules, its gated areas and its members. Members of the node
read the committee; node admins name members and propose rule changes (a committee decision
once the committee has members: 202 with the proposal).

Proposals and votes are in :mod:`node.api.committee_proposals`, meetings in
:mod:`node.api.committee_meetings`, the public record in :mod:`node.api.decisions`.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field
from quart import Blueprint
from quart_schema import security_scheme, validate_request, validate_response

from node.api.committee_proposals import Comment
from node.api.deps import require_member, require_node_admin
from node.api.types import BEARER, Strict
from node.errors import NotFound
from node.http_state import current_node
from node.models import CommitteeMember, CommitteeRole, Member
from node.services.committee import seats
from node.services.committee.changes import ChangeGates, ChangeRules, RemoveSeat
from node.services.committee.rules import Gate, get_committee, seat_count

blueprint = Blueprint("committee", __name__, url_prefix="/api/v1")


class CommitteeOut(BaseModel):
    quorum: int
    majority: str = Field(description="'simple': more for than against; abstentions aside")
    voting_days: int
    gates: list[Gate]
    members_count: int


class SeatOut(BaseModel):
    member_id: UUID
    pseudonym: str
    kind: str
    role: CommitteeRole
    proxy: bool
    consent_statement: str | None
    joined_at: datetime


class SeatsOut(BaseModel):
    items: list[SeatOut]


class SeatIn(Strict):
    member_id: UUID
    role: CommitteeRole = CommitteeRole.MEMBER
    consent_statement: Comment | None = Field(
        None, description="Required for a proxy profile: how the person gave their consent"
    )


class RulesIn(Strict):
    quorum: int = Field(ge=1, le=100)
    voting_days: int = Field(ge=1, le=60)


class GatesIn(Strict):
    gates: list[Gate] = Field(max_length=len(Gate))


def seat_out(seat: CommitteeMember) -> SeatOut:
    m = seat.member
    return SeatOut(
        member_id=m.id,
        pseudonym=m.display_name,
        kind=m.kind.value,
        role=seat.role,
        proxy=m.is_proxy,
        consent_statement=seat.consent_statement,
        joined_at=seat.joined_at,
    )


async def _committee_out() -> CommitteeOut:
    c = await get_committee()
    return CommitteeOut(
        quorum=c.quorum,
        majority="simple",
        voting_days=c.voting_days,
        gates=[Gate(g) for g in c.gate_list if g in {gate.value for gate in Gate}],
        members_count=await seat_count(),
    )


@blueprint.get("/committee")
@security_scheme(BEARER)
@validate_response(CommitteeOut)
async def committee() -> CommitteeOut:
    """The committee's rules and the gated areas."""
    await require_member()
    return await _committee_out()


@blueprint.get("/committee/members")
@security_scheme(BEARER)
@validate_response(SeatsOut)
async def members() -> SeatsOut:
    await require_member()
    return SeatsOut(items=[seat_out(s) for s in await seats.list_seats()])


@blueprint.post("/committee/members")
@security_scheme(BEARER)
@validate_request(SeatIn)
@validate_response(SeatOut, 201)
async def add_member(data: SeatIn) -> tuple[SeatOut, int]:
    """Node admin: seat a member. While the committee is empty this names its first members;
    afterwards it is a committee decision (202 with the proposal)."""
    admin = await require_node_admin()
    member = await Member.get_or_none(id=data.member_id)
    if member is None:
        raise NotFound("No such member.")
    change = await seats.seat_change(member, role=data.role, consent=data.consent_statement)
    seat = await seats.add_seat(current_node(), change, by=admin)
    await seat.fetch_related("member")
    return seat_out(seat), 201


@blueprint.delete("/committee/members/<uuid:member_id>")
@security_scheme(BEARER)
async def remove_member(member_id: UUID) -> tuple[str, int]:
    """Node admin: a member leaves the committee (a committee decision: 202)."""
    admin = await require_node_admin()
    member = await Member.get_or_none(id=member_id)
    if member is None:
        raise NotFound("No such member.")
    change = RemoveSeat(member_id=member.id, name=member.display_name)
    await seats.remove_seat(current_node(), change, by=admin)
    return "", 204


@blueprint.put("/committee/rules")
@security_scheme(BEARER)
@validate_request(RulesIn)
@validate_response(CommitteeOut)
async def put_rules(data: RulesIn) -> CommitteeOut:
    """Node admin: propose new rules (quorum, voting period); a committee decision (202)."""
    admin = await require_node_admin()
    change = ChangeRules(quorum=data.quorum, voting_days=data.voting_days)
    await seats.change_rules(current_node(), change, by=admin)
    return await _committee_out()


@blueprint.put("/committee/gates")
@security_scheme(BEARER)
@validate_request(GatesIn)
@validate_response(CommitteeOut)
async def put_gates(data: GatesIn) -> CommitteeOut:
    """Node admin: propose a new list of gated areas; a committee decision (202)."""
    admin = await require_node_admin()
    await seats.change_gates(current_node(), ChangeGates(gates=data.gates), by=admin)
    return await _committee_out()
