"""API routes: a coordinator of an association vouches for a member who lost their phone, and
types the code texted to the new number (:mod:`node.services.phone_vouch`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, StringConstraints
from quart import Blueprint
from quart_schema import security_scheme, validate_request, validate_response

from node.api.deps import require_member
from node.api.types import BEARER, Phone, Strict
from node.http_state import current_node
from node.services import associations, phone_vouch

blueprint = Blueprint("phone_vouch", __name__, url_prefix="/api/v1")

Code = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{6}$")]


class VouchIn(Strict):
    member_id: UUID
    new_phone: Phone


class VouchOut(BaseModel):
    """The same whether or not the new number has an account."""

    id: int
    status: str
    expires_at: datetime


class ConfirmIn(Strict):
    code: Code


class ChangedOut(BaseModel):
    member_id: UUID
    status: str


@blueprint.post("/associations/<uuid:association_id>/phone-changes")
@security_scheme(BEARER)
@validate_request(VouchIn)
@validate_response(VouchOut, 202)
async def vouch(association_id: UUID, data: VouchIn) -> tuple[VouchOut, int]:
    """Coordinator or admin of the association: text a code to the member's new number. 403
    for anyone else (node admins too: the association vouches), 404 not its member, 409 not
    approved, 422 bad number, 429 past 10 a day per coordinator or the SMS caps."""
    me = await require_member()
    association = await associations.get_association(association_id)
    row = await phone_vouch.vouch(
        current_node(), association, data.member_id, data.new_phone, by=me
    )
    return VouchOut(id=row.id, status="code_sent", expires_at=row.expires_at), 202


@blueprint.post("/associations/<uuid:association_id>/phone-changes/<int:change_id>/confirm")
@security_scheme(BEARER)
@validate_request(ConfirmIn)
@validate_response(ChangedOut)
async def confirm(association_id: UUID, change_id: int, data: ConfirmIn) -> ChangedOut:
    """The code the person received on the new number: the account moves now; every session
    and token ends; the member's email is told. 400 wrong or expired code (5 tries)."""
    me = await require_member()
    association = await associations.get_association(association_id)
    member = await phone_vouch.confirm(current_node(), association, change_id, data.code, by=me)
    return ChangedOut(member_id=member.id, status="changed")
