"""API routes: the caller's own account (under /api/v1/me): profile, live tokens and web
sessions, memberships, changes, the export of their data, deletion.

Only the member themself ever sees their phone number and email address.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field
from quart import Blueprint, request
from quart_schema import security_scheme, validate_request, validate_response

from node.api.credentials import AnyPassword, Email, Password
from node.api.deps import require_member
from node.api.types import BEARER, Pseudonym, Strict
from node.http_state import current_node
from node.models import ApiToken, AssociationMembership, Member, MemberKind
from node.services import members as service
from node.services.export import export_member
from node.services.my_actions import calendar_url
from node.services.sessions import sessions_of
from node.services.tokens import hash_token

blueprint = Blueprint("my_account", __name__, url_prefix="/api/v1")


class UpdateMeIn(Strict):
    """Only the keys present are changed; ``pseudonym: null`` removes the pseudonym."""

    pseudonym: Pseudonym | None = None
    email: Email | None = None
    password: Password | None = None
    current_password: AnyPassword | None = None


class PasswordIn(Strict):
    password: AnyPassword


class ProfileOut(BaseModel):
    id: UUID
    phone: str | None
    email: str | None
    pseudonym: str | None
    kind: MemberKind
    is_admin: bool
    phone_verified: bool
    email_verified: bool
    created_at: datetime


class TokenOut(BaseModel):
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    current: bool


class SessionOut(BaseModel):
    """A logged-in web browser (its secret is never shown)."""

    id: int
    label: str
    created_at: datetime
    last_seen_at: datetime | None
    expires_at: datetime


class MyMembershipOut(BaseModel):
    association_id: UUID
    association_name: str
    association_slug: str
    association_status: str
    role: str


class MeOut(ProfileOut):
    tokens: list[TokenOut]
    sessions: list[SessionOut]
    memberships: list[MyMembershipOut]
    calendar_url: str = Field(
        description="Private iCalendar feed of my outings and my associations' rounds; "
        "POST /api/v1/me/calendar/reset makes a new one"
    )


class ExportOut(BaseModel):
    """Everything the node stores about the member (DESIGN §5): the fields below, and one list
    of rows per further section of ``node.services.export.SECTIONS``."""

    model_config = ConfigDict(extra="allow")

    exported_at: datetime
    profile: dict[str, Any]
    tokens: list[dict[str, Any]]
    phone_verifications: list[dict[str, Any]]
    memberships: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    participations: list[dict[str, Any]]
    messages: list[dict[str, Any]]


def profile_out(member: Member) -> ProfileOut:
    return ProfileOut(
        id=member.id,
        phone=member.phone,
        email=member.email,
        pseudonym=member.pseudonym,
        kind=member.kind,
        is_admin=member.is_admin,
        phone_verified=member.phone_verified_at is not None,
        email_verified=member.email_verified_at is not None,
        created_at=member.created_at,
    )


async def current_token_id() -> int | None:
    """The id of the token that authenticated this request (after :func:`require_member`)."""
    secret = request.headers.get("Authorization", "").partition(" ")[2].strip()
    row = await ApiToken.get_or_none(token_hash=hash_token(secret))
    return None if row is None else row.id


async def me_out(member: Member) -> MeOut:
    current = await current_token_id()
    tokens = await ApiToken.filter(member_id=member.id, revoked_at=None).order_by("id")
    memberships = (
        await AssociationMembership.filter(member_id=member.id)
        .select_related("association")
        .order_by("created_at")
    )
    return MeOut(
        **profile_out(member).model_dump(),
        tokens=[
            TokenOut(
                id=t.id,
                name=t.name,
                created_at=t.created_at,
                last_used_at=t.last_used_at,
                expires_at=t.expires_at,
                current=t.id == current,
            )
            for t in tokens
        ],
        sessions=[
            SessionOut(
                id=row.id,
                label=row.label,
                created_at=row.created_at,
                last_seen_at=row.last_seen_at,
                expires_at=row.expires_at,
            )
            for row in await sessions_of(member)
        ],
        memberships=[
            MyMembershipOut(
                association_id=m.association.id,
                association_name=m.association.name,
                association_slug=m.association.slug,
                association_status=m.association.status,
                role=m.role,
            )
            for m in memberships
        ],
        calendar_url=await calendar_url(current_node(), member),
    )


@blueprint.get("/me")
@security_scheme(BEARER)
@validate_response(MeOut)
async def get_me() -> MeOut:
    """The caller's profile, live tokens (never their secrets) and association memberships."""
    return await me_out(await require_member())


@blueprint.patch("/me")
@security_scheme(BEARER)
@validate_request(UpdateMeIn)
@validate_response(MeOut)
async def update_me(data: UpdateMeIn) -> MeOut:
    """Change the pseudonym, the email (mailed a new link, unverified until followed) or the
    password (``current_password`` required; the caller's other tokens are revoked)."""
    member = await require_member()
    changes = data.model_dump(include=data.model_fields_set)
    for key in ("email", "password", "current_password"):
        if key in changes and changes[key] is None:
            del changes[key]
    await service.update_profile(member, changes, current_node(), await current_token_id())
    return await me_out(member)


@blueprint.get("/me/export")
@security_scheme(BEARER)
@validate_response(ExportOut)
async def export_me() -> ExportOut:
    """Everything stored about the caller, as JSON."""
    member = await require_member()
    return ExportOut(**await export_member(member))


@blueprint.delete("/me")
@security_scheme(BEARER)
@validate_request(PasswordIn)
async def delete_me(data: PasswordIn) -> tuple[str, int]:
    """Delete the account and everything attached to it; the password confirms it (403 if wrong)."""
    member = await require_member()
    await service.delete_member(member, data.password, current_node())
    return "", 204
