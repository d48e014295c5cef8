"""The public record of the street committee's decisions (``GET /api/v1/decisions``, no token
needed), and how a decision is shown wherever it appears.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field
from quart import Blueprint
from quart_schema import validate_querystring, validate_response

from node.api.language import Lang, api_language
from node.api.types import Strict
from node.http_state import current_node
from node.models import CommitteeProposal, Decision, ProposalState
from node.services.committee import decisions

blueprint = Blueprint("decisions", __name__, url_prefix="/api/v1")


class TallyOut(BaseModel):
    votes_for: int
    votes_against: int
    votes_abstain: int


class DecisionOut(BaseModel):
    id: UUID
    proposal_id: UUID
    number: int
    title: str = Field(description="In the language asked (?lang=, Accept-Language)")
    title_fr: str
    title_en: str = Field(description="The French title when the proposal has none in English")
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


class PageQuery(Strict):
    limit: int = Field(50, ge=1, le=100)
    offset: int = Field(0, ge=0, le=100_000)
    lang: Lang | None = Field(None, description="Language of the titles (else Accept-Language)")


def node_url(path: str) -> str:
    return f"{current_node().settings.base_url.rstrip('/')}{path}"


def decision_out(d: Decision, proposal: CommitteeProposal) -> DecisionOut:
    return DecisionOut(
        id=d.id,
        proposal_id=proposal.id,
        number=proposal.number,
        title=proposal.title_in(api_language()),
        title_fr=proposal.title,
        title_en=proposal.title_in("en"),
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
        url=node_url(f"/decisions/{d.id}"),
    )


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
