"""API routes: the invitations an association sent to my number (under /api/v1/me).

An invitation shows the association's name and the role offered; nothing of who else was
invited. Accepting makes me a member of the association; declining or letting it expire does not.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, StringConstraints
from quart import Blueprint
from quart_schema import security_scheme, validate_request, validate_response

from node.api.deps import require_member
from node.api.types import BEARER, Strict
from node.http_state import current_node
from node.models import AssociationInvitation, AssociationRole
from node.services import association_invitations as service

blueprint = Blueprint("invitations", __name__, url_prefix="/api/v1")

Code = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{6}$")]


class InvitationOut(BaseModel):
    id: UUID
    association_id: UUID
    association_name: str
    role: AssociationRole
    expires_at: datetime


class InvitationListOut(BaseModel):
    items: list[InvitationOut]


class CodeIn(Strict):
    code: Code


class JoinedOut(BaseModel):
    association_id: UUID
    association_name: str


def invitation_out(row: AssociationInvitation) -> InvitationOut:
    return InvitationOut(
        id=row.id,
        association_id=row.association.id,
        association_name=row.association.name,
        role=row.role,
        expires_at=row.expires_at,
    )


@blueprint.get("/me/invitations")
@security_scheme(BEARER)
@validate_response(InvitationListOut)
async def list_invitations() -> InvitationListOut:
    """Live invitations to my verified phone number, newest first."""
    member = await require_member()
    rows = await service.pending_invitations(member)
    return InvitationListOut(items=[invitation_out(row) for row in rows])


@blueprint.post("/me/invitations/<uuid:invitation_id>/accept")
@security_scheme(BEARER)
@validate_response(JoinedOut)
async def accept(invitation_id: UUID) -> JoinedOut:
    """Join the association (404: not addressed to my number; 409: answered or expired)."""
    association = await service.accept(await require_member(), invitation_id)
    return JoinedOut(association_id=association.id, association_name=association.name)


@blueprint.post("/me/invitations/<uuid:invitation_id>/decline")
@security_scheme(BEARER)
async def decline(invitation_id: UUID) -> tuple[str, int]:
    """Say no (404: not addressed to my number; 409: answered or expired)."""
    await service.decline(await require_member(), invitation_id)
    return "", 204


@blueprint.post("/me/invitations/accept")
@security_scheme(BEARER)
@validate_request(CodeIn)
@validate_response(JoinedOut)
async def accept_by_code(data: CodeIn) -> JoinedOut:
    """Accept with the code the text carried (422 wrong code, 404 no invitation waiting)."""
    association = await service.accept_by_code(await require_member(), data.code, current_node())
    return JoinedOut(association_id=association.id, association_name=association.name)
