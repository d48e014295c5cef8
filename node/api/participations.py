"""API routes: joining an action, the author's decisions, leaving (under /api/v1)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel
from quart import Blueprint
from quart_schema import security_scheme, validate_request, validate_response

from node.api.action_views import PersonOut, person_out
from node.api.deps import require_member, require_verified_member
from node.api.types import BEARER, Strict
from node.http_state import current_node
from node.models import Participation, ParticipationStatus
from node.services import participations
from node.services.inputs.actions import JoinRequest

blueprint = Blueprint("participations", __name__, url_prefix="/api/v1")


class DecisionIn(Strict):
    status: Literal["accepted", "declined"]


class ParticipationOut(BaseModel):
    id: int
    action_id: UUID
    member: PersonOut
    status: ParticipationStatus
    message: str
    created_at: datetime
    updated_at: datetime


class ParticipationsOut(BaseModel):
    items: list[ParticipationOut]


def participation_out(row: Participation) -> ParticipationOut:
    return ParticipationOut(
        id=row.id,
        action_id=row.action_id,  # type: ignore[attr-defined]
        member=person_out(row.member, getattr(row, "remote_name", None)),
        status=row.status,
        message=row.message,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


@blueprint.post("/actions/<uuid:action_id>/participations")
@security_scheme(BEARER)
@validate_request(JoinRequest)
@validate_response(ParticipationOut, 201)
async def join_action(action_id: UUID, data: JoinRequest) -> tuple[ParticipationOut, int]:
    """Join an action: pending until the author accepts, or accepted at once (auto_accept).
    409: your own action, already joined, not open, or a full outing."""
    member = await require_verified_member()
    row = await participations.join(action_id, member, current_node(), data.message)
    return participation_out(row), 201


@blueprint.get("/actions/<uuid:action_id>/participations")
@security_scheme(BEARER)
@validate_response(ParticipationsOut)
async def list_participations(action_id: UUID) -> ParticipationsOut:
    """Everyone's participations for the author, your own otherwise."""
    member = await require_member()
    rows = await participations.list_participations(action_id, member)
    return ParticipationsOut(items=[participation_out(row) for row in rows])


@blueprint.patch("/actions/<uuid:action_id>/participations/<int:participation_id>")
@security_scheme(BEARER)
@validate_request(DecisionIn)
@validate_response(ParticipationOut)
async def decide_participation(
    action_id: UUID, participation_id: int, data: DecisionIn
) -> ParticipationOut:
    """The author accepts or declines a participation (409 when accepting into a full outing)."""
    member = await require_member()
    row = await participations.decide(
        action_id, participation_id, member, ParticipationStatus(data.status), current_node()
    )
    return participation_out(row)


@blueprint.delete("/actions/<uuid:action_id>/participations/<int:participation_id>")
@security_scheme(BEARER)
async def leave_action(action_id: UUID, participation_id: int) -> tuple[str, int]:
    """Leave an action (your own participation)."""
    member = await require_member()
    await participations.leave(action_id, participation_id, member, current_node())
    return "", 204


@blueprint.delete("/actions/<uuid:action_id>/participations/me")
@security_scheme(BEARER)
async def leave_action_me(action_id: UUID) -> tuple[str, int]:
    """Leave an action without knowing your participation's id."""
    member = await require_member()
    await participations.leave(action_id, None, member, current_node())
    return "", 204
