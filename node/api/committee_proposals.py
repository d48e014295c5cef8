"""The street committee's proposals and votes: members of the node read them, seated members
vote until the deadline, facilitators text vote links and ask partner committees for their
opinion.

A gated change answers 202 with the proposal it opened (:func:`proposal_json`, see
:mod:`node.services.committee`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, Field, StringConstraints
from quart import Blueprint
from quart_schema import security_scheme, validate_querystring, validate_request, validate_response

from node.api.decisions import DecisionOut, decision_out, node_url
from node.api.deps import require_member, require_verified_member
from node.api.language import Lang, api_language
from node.api.types import BEARER, MULTI_LINE, Strict
from node.errors import Forbidden
from node.http_state import current_node
from node.models import (
    CommitteeProposal,
    Decision,
    Member,
    ProposalState,
    Vote,
    VoteChannel,
    VoteChoice,
)
from node.services.committee import links, meetings, opinions, proposals, votes
from node.services.committee.rules import Gate

blueprint = Blueprint("committee_proposals", __name__, url_prefix="/api/v1")


Comment = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500), MULTI_LINE]


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
    title: str = Field(description="In the language asked (?lang=, Accept-Language)")
    title_fr: str
    title_en: str = Field(description="The French title when the proposal has none in English")
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
    lang: Lang | None = Field(None, description="Language of the titles (else Accept-Language)")


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


async def proposal_out(p: CommitteeProposal, viewer: Member | None = None) -> ProposalOut:
    decision = await Decision.get_or_none(proposal_id=p.id)
    mine = await votes.vote_of(p, viewer) if viewer is not None else None
    return ProposalOut(
        id=p.id,
        number=p.number,
        kind=p.kind,
        gate=Gate(p.gate),
        title=p.title_in(api_language()),
        title_fr=p.title,
        title_en=p.title_in("en"),
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
        url=node_url(f"/committee/proposals/{p.id}"),
    )


async def proposal_json(p: CommitteeProposal) -> dict[str, Any]:
    """The proposal a gated change opened (the body of a 202)."""
    return (await proposal_out(p)).model_dump(mode="json")


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


async def seat_or_admin(member: Member) -> None:
    if not member.is_admin and await votes.seat_of(member) is None:
        raise Forbidden("Only committee members and node admins can see this.")


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
    await seat_or_admin(await require_member())
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
