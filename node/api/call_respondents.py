"""API routes: who answered a call, for its association's coordinators: the respondents by
pseudonym with what they pledged, and the answers of partner nodes' members that the call
could not count, with the reason their node was given in its ``Reject``."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field
from quart import Blueprint
from quart_schema import security_scheme, validate_response

from federation.origin import InvalidOrigin, domain_of
from node.api.calls import PledgeOut, pledges_out
from node.api.deps import require_member
from node.api.types import BEARER
from node.services.calls import reading

blueprint = Blueprint("call_respondents", __name__, url_prefix="/api/v1")


class RespondentOut(BaseModel):
    answer_id: int
    pseudonym: str
    remote: bool
    pledges: list[PledgeOut]
    date: datetime | None = Field(
        description="A repeating call: the date they come on (one entry per date)"
    )
    created_at: datetime


class RespondentListOut(BaseModel):
    items: list[RespondentOut]


class RefusedAnswerOut(BaseModel):
    answer_id: int
    pseudonym: str
    origin_domain: str | None = Field(description="The partner node of the member")
    reason: str = Field(description="full, closed, over, duplicate or invalid")
    created_at: datetime


class RefusedAnswerListOut(BaseModel):
    items: list[RefusedAnswerOut]


@blueprint.get("/calls/<uuid:call_id>/answers")
@security_scheme(BEARER)
@validate_response(RespondentListOut)
async def list_answers(call_id: UUID) -> RespondentListOut:
    """Who answered, by pseudonym: the association's coordinators only (404 for others)."""
    member = await require_member()
    rows = await reading.respondents(await reading.get_call(call_id, member), member)
    return RespondentListOut(
        items=[
            RespondentOut(
                answer_id=row.id,
                pseudonym=row.name,
                remote=row.remote_actor_iri is not None,
                pledges=pledges_out(row),
                date=row.occurrence,
                created_at=row.created_at,
            )
            for row in rows
        ]
    )


@blueprint.get("/calls/<uuid:call_id>/answers/refused")
@security_scheme(BEARER)
@validate_response(RefusedAnswerListOut)
async def list_refused_answers(call_id: UUID) -> RefusedAnswerListOut:
    """Partner members' answers the call could not count, and why (coordinators only)."""
    member = await require_member()
    rows = await reading.refused_answers(await reading.get_call(call_id, member), member)
    return RefusedAnswerListOut(
        items=[
            RefusedAnswerOut(
                answer_id=row.id,
                pseudonym=row.name,
                origin_domain=_domain(row.remote_actor_iri or ""),
                reason=row.refusal or "invalid",
                created_at=row.created_at,
            )
            for row in rows
        ]
    )


def _domain(iri: str) -> str | None:
    try:
        return domain_of(iri)
    except InvalidOrigin:
        return None
