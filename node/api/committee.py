"""The street committee's API: rules and members, proposals and votes, meetings, and the public
record of decisions (``GET /api/v1/decisions``, no token needed).

A gated change answers 202 with the proposal it opened (see :mod:`node.services.committee`).
Members of the node read the committee; seated members vote; facilitators record meetings;
node admins name members and propose rule changes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, Field, StringConstraints
from quart import Blueprint
from quart_schema import security_scheme, validate_querystring, validate_request, validate_response

from node.api.deps import require_member, require_node_admin, require_verified_member
from node.api.types import BEARER, MULTI_LINE, ONE_LINE, Moment, Strict
from node.errors import Forbidden, NotFound
from node.http_state import current_node
from node.models import (
    CommitteeMember,
    CommitteeProposal,
    CommitteeRole,
    Decision,
    Meeting,
    Member,
    ProposalState,
    Vote,
    VoteChannel,
    VoteChoice,
)
from node.services.committee import (
    decisions,
    links,
    meetings,
    opinions,
    proposals,
    seats,
    votes,
)
from node.services.committee.changes import ChangeGates, ChangeRules, RemoveSeat
from node.services.committee.rules import Gate, get_committee, seat_count

blueprint = Blueprint("committee", __name__, url_prefix="/api/v1")
Comment = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500), MULTI_LINE]


# --- shapes ---------------------------------------------------------------------------------


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


class TallyOut(BaseModel):
    votes_for: int
    votes_against: int
    votes_abstain: int


class DecisionOut(BaseModel):
    id: UUID
    proposal_id: UUID
    number: int
    title: str
    summary_fr: str
    summary_en: str
    kind: str
    emergency: bool
    outcome: ProposalState
    tally: TallyOut
    quorum: int
    decided_at: datetime
    executed: bool
    executed_at: datetime | None
    execution_error: str | None
    url: str


class DecisionsOut(BaseModel):
    items: list[DecisionOut]


class OpinionOut(BaseModel):
    domain: str
    answer: VoteChoice | None = Field(description="None until the partner's committee answers")
    asked_at: datetime
    answered_at: datetime | None


class ProposalOut(BaseModel):
    id: UUID
    number: int
    kind: str
    gate: Gate
    title: str
    summary_fr: str
    summary_en: str
    before: dict[str, str]
    after: dict[str, str]
    change: dict[str, Any] = Field(description="The exact change the node carries out")
    origin: str
    state: ProposalState
    created_at: datetime
    deadline: datetime
    closed_at: datetime | None
    votes_cast: int = Field(description="Counted votes so far")
    my_vote: VoteChoice | None = None
    decision: DecisionOut | None = None
    opinions: list[OpinionOut] = Field(
        default_factory=list, description="Partner committees' opinions (not binding)"
    )
    url: str


class ProposalsOut(BaseModel):
    items: list[ProposalOut]


class ProposalQuery(Strict):
    state: ProposalState | None = None
    limit: int = Field(50, ge=1, le=100)
    offset: int = Field(0, ge=0, le=100_000)


class PageQuery(Strict):
    limit: int = Field(50, ge=1, le=100)
    offset: int = Field(0, ge=0, le=100_000)


class VoteIn(Strict):
    choice: VoteChoice
    comment: Comment = ""


class VoteOut(BaseModel):
    id: int
    member_id: UUID
    pseudonym: str
    choice: VoteChoice
    comment: str
    channel: VoteChannel
    meeting_id: UUID | None
    counted: bool = Field(description="False while a meeting vote waits for confirmation")
    confirmed_how: str
    cast_at: datetime


class VotesOut(BaseModel):
    items: list[VoteOut]


class SentOut(BaseModel):
    sent: int


class MeetingIn(Strict):
    held_at: Moment
    place: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), ONE_LINE] = ""
    notes: Annotated[str, StringConstraints(max_length=5000), MULTI_LINE] = ""
    present: list[UUID] = Field(min_length=1, max_length=100)


class PresentOut(BaseModel):
    member_id: UUID
    pseudonym: str


class MeetingOut(BaseModel):
    id: UUID
    held_at: datetime
    place: str
    notes: str
    present: list[PresentOut]
    votes: list[VoteOut]


class MeetingsOut(BaseModel):
    items: list[MeetingOut]


class MeetingVoteIn(Strict):
    proposal_id: UUID
    member_id: UUID
    choice: VoteChoice
    comment: Comment = ""


class ConfirmIn(Strict):
    code: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=6, max_length=6)] | None
    ) = None
    in_person: bool = False


# --- conversions ----------------------------------------------------------------------------


def _public_url(path: str) -> str:
    return f"{current_node().settings.base_url.rstrip('/')}{path}"


def decision_out(d: Decision, proposal: CommitteeProposal) -> DecisionOut:
    return DecisionOut(
        id=d.id,
        proposal_id=proposal.id,
        number=proposal.number,
        title=proposal.title,
        summary_fr=proposal.summary_fr,
        summary_en=proposal.summary_en,
        kind=proposal.kind,
        emergency=proposal.origin == "emergency",
        outcome=d.outcome,
        tally=TallyOut(
            votes_for=d.votes_for, votes_against=d.votes_against, votes_abstain=d.votes_abstain
        ),
        quorum=d.quorum,
        decided_at=d.decided_at,
        executed=d.executed_at is not None,
        executed_at=d.executed_at,
        execution_error=d.execution_error,
        url=_public_url(f"/decisions/{d.id}"),
    )


async def proposal_out(p: CommitteeProposal, viewer: Member | None = None) -> ProposalOut:
    decision = await Decision.get_or_none(proposal_id=p.id)
    mine = await votes.vote_of(p, viewer) if viewer is not None else None
    return ProposalOut(
        id=p.id,
        number=p.number,
        kind=p.kind,
        gate=Gate(p.gate),
        title=p.title,
        summary_fr=p.summary_fr,
        summary_en=p.summary_en,
        before=p.before,
        after=p.after,
        change=p.change,
        origin=p.origin.value,
        state=p.state,
        created_at=p.created_at,
        deadline=p.deadline,
        closed_at=p.closed_at,
        votes_cast=(await votes.tally_of(p)).turnout,
        my_vote=mine.choice if mine is not None else None,
        decision=decision_out(decision, p) if decision is not None else None,
        opinions=[
            OpinionOut(
                domain=o.remote_domain,
                answer=VoteChoice(o.answer) if o.answer else None,
                asked_at=o.asked_at,
                answered_at=o.answered_at,
            )
            for o in await opinions.opinions_of(p)
        ],
        url=_public_url(f"/committee/proposals/{p.id}"),
    )


async def proposal_json(p: CommitteeProposal) -> dict[str, Any]:
    """The proposal a gated change opened (the body of a 202)."""
    return (await proposal_out(p)).model_dump(mode="json")


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


def vote_out(v: Vote) -> VoteOut:
    return VoteOut(
        id=v.id,
        member_id=v.member.id,
        pseudonym=v.member.display_name,
        choice=v.choice,
        comment=v.comment,
        channel=v.channel,
        meeting_id=v.meeting_id,  # type: ignore[attr-defined]
        counted=v.confirmed_at is not None,
        confirmed_how=v.confirmed_how,
        cast_at=v.cast_at,
    )


async def _meeting_out(meeting: Meeting) -> MeetingOut:
    people = await meetings.attendees(meeting)
    return MeetingOut(
        id=meeting.id,
        held_at=meeting.held_at,
        place=meeting.place,
        notes=meeting.notes,
        present=[PresentOut(member_id=m.id, pseudonym=m.display_name) for m in people],
        votes=[vote_out(v) for v in await meetings.meeting_votes(meeting)],
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


async def _seat_or_admin(member: Member) -> None:
    if not member.is_admin and await votes.seat_of(member) is None:
        raise Forbidden("Only committee members and node admins can see this.")


# --- the committee --------------------------------------------------------------------------


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


# --- proposals and votes --------------------------------------------------------------------


@blueprint.get("/committee/proposals")
@security_scheme(BEARER)
@validate_querystring(ProposalQuery)
@validate_response(ProposalsOut)
async def list_proposals(query_args: ProposalQuery) -> ProposalsOut:
    """Proposals, newest first (members of the node)."""
    viewer = await require_member()
    rows = await proposals.list_proposals(query_args.state, query_args.limit, query_args.offset)
    return ProposalsOut(items=[await proposal_out(p, viewer) for p in rows])


@blueprint.get("/committee/proposals/<uuid:proposal_id>")
@security_scheme(BEARER)
@validate_response(ProposalOut)
async def get_proposal(proposal_id: UUID) -> ProposalOut:
    viewer = await require_member()
    return await proposal_out(await proposals.get_proposal(proposal_id), viewer)


@blueprint.put("/committee/proposals/<uuid:proposal_id>/vote")
@security_scheme(BEARER)
@validate_request(VoteIn)
@validate_response(VoteOut)
async def vote(proposal_id: UUID, data: VoteIn) -> VoteOut:
    """A seated member votes, or changes their vote, until the deadline (409 once closed)."""
    member = await require_verified_member()
    proposal = await proposals.get_proposal(proposal_id)
    row = await votes.cast_vote(
        current_node(), proposal, member, data.choice, comment=data.comment, channel=VoteChannel.API
    )
    row.member = member
    return vote_out(row)


@blueprint.get("/committee/proposals/<uuid:proposal_id>/votes")
@security_scheme(BEARER)
@validate_response(VotesOut)
async def list_votes(proposal_id: UUID) -> VotesOut:
    """Who voted what (committee members and node admins)."""
    await _seat_or_admin(await require_member())
    proposal = await proposals.get_proposal(proposal_id)
    return VotesOut(items=[vote_out(v) for v in await votes.list_votes(proposal)])


@blueprint.post("/committee/proposals/<uuid:proposal_id>/sms-links")
@security_scheme(BEARER)
@validate_response(SentOut)
async def send_links(proposal_id: UUID) -> SentOut:
    """Facilitator: text a one-time vote link to every member who has not voted."""
    await meetings.require_facilitator(await require_member())
    proposal = await proposals.get_proposal(proposal_id)
    return SentOut(sent=await links.send_vote_links(current_node(), proposal))


class AskedOut(BaseModel):
    asked: int


@blueprint.post("/committee/proposals/<uuid:proposal_id>/opinions")
@security_scheme(BEARER)
@validate_response(AskedOut)
async def ask_opinions(proposal_id: UUID) -> AskedOut:
    """Facilitator: ask every partner node's committee for its opinion (an AS2 ``Question``);
    their answers appear in ``opinions``, they do not decide."""
    by = await require_member()
    proposal = await proposals.get_proposal(proposal_id)
    return AskedOut(asked=await opinions.ask_partners(current_node(), proposal, by=by))


# --- meetings -------------------------------------------------------------------------------


@blueprint.post("/committee/meetings")
@security_scheme(BEARER)
@validate_request(MeetingIn)
@validate_response(MeetingOut, 201)
async def record_meeting(data: MeetingIn) -> tuple[MeetingOut, int]:
    """Facilitator: record a meeting that took place and who was there."""
    by = await require_member()
    meeting = await meetings.record_meeting(
        current_node(),
        held_at=data.held_at,
        present=data.present,
        by=by,
        place=data.place,
        notes=data.notes,
    )
    return await _meeting_out(meeting), 201


@blueprint.get("/committee/meetings")
@security_scheme(BEARER)
@validate_response(MeetingsOut)
async def list_meetings() -> MeetingsOut:
    await _seat_or_admin(await require_member())
    return MeetingsOut(items=[await _meeting_out(m) for m in await meetings.list_meetings()])


@blueprint.get("/committee/meetings/<uuid:meeting_id>")
@security_scheme(BEARER)
@validate_response(MeetingOut)
async def get_meeting(meeting_id: UUID) -> MeetingOut:
    await _seat_or_admin(await require_member())
    return await _meeting_out(await meetings.get_meeting(meeting_id))


@blueprint.post("/committee/meetings/<uuid:meeting_id>/votes")
@security_scheme(BEARER)
@validate_request(MeetingVoteIn)
@validate_response(VoteOut, 201)
async def record_meeting_vote(meeting_id: UUID, data: MeetingVoteIn) -> tuple[VoteOut, int]:
    """Facilitator: write down a vote taken in the meeting; it counts once the member confirms
    it (a code is texted to them when they have a phone)."""
    by = await require_member()
    meeting = await meetings.get_meeting(meeting_id)
    proposal = await proposals.get_proposal(data.proposal_id)
    voter = await Member.get_or_none(id=data.member_id)
    if voter is None:
        raise NotFound("No such member.")
    row = await meetings.record_meeting_vote(
        current_node(), meeting, proposal, voter, data.choice, by=by, comment=data.comment
    )
    row.member = voter
    return vote_out(row), 201


@blueprint.post("/committee/meetings/<uuid:meeting_id>/votes/<int:vote_id>/confirm")
@security_scheme(BEARER)
@validate_request(ConfirmIn)
@validate_response(VoteOut)
async def confirm_meeting_vote(meeting_id: UUID, vote_id: int, data: ConfirmIn) -> VoteOut:
    """Facilitator's device: the member confirms their vote with the code they received, or in
    person (``in_person: true``)."""
    by = await require_member()
    meeting = await meetings.get_meeting(meeting_id)
    row = await meetings.get_vote(vote_id)
    if row.meeting_id != meeting.id:  # type: ignore[attr-defined]
        raise NotFound("No such vote in this meeting.")
    row = await meetings.confirm_meeting_vote(
        row, by=by, code=data.code, in_person=data.in_person and data.code is None
    )
    await row.fetch_related("member")
    return vote_out(row)


# --- the public record ----------------------------------------------------------------------


@blueprint.get("/decisions")
@validate_querystring(PageQuery)
@validate_response(DecisionsOut)
async def list_decisions(query_args: PageQuery) -> DecisionsOut:
    """The committee's decisions, newest first: public, no token needed."""
    rows = await decisions.list_decisions(query_args.limit, query_args.offset)
    return DecisionsOut(items=[decision_out(d, d.proposal) for d in rows])


@blueprint.get("/decisions/<uuid:decision_id>")
@validate_response(DecisionOut)
async def get_decision(decision_id: UUID) -> DecisionOut:
    d = await decisions.get_decision(decision_id)
    return decision_out(d, d.proposal)
