"""API routes: members, verification, log-in and the caller's own account (under /api/v1).

Only the member themself ever sees their phone number and email address.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal, ParamSpec, TypeVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from quart import Blueprint, Response, request, url_for
from quart_schema import security_scheme, validate_querystring, validate_request, validate_response

from node.api.deps import require_member
from node.api.types import BEARER, ONE_LINE, Phone, Pseudonym, Strict
from node.errors import NotFound, Unauthorized, Unprocessable
from node.http_state import current_node
from node.models import ApiToken, AssociationMembership, Member, MemberKind
from node.passwords import MAX_LENGTH, MIN_LENGTH
from node.services import members as service
from node.services import ratelimit
from node.services import sessions as service_sessions
from node.services.charter_text import charter_in_force
from node.services.export import export_member
from node.services.login_throttle import device_token
from node.services.my_actions import calendar_url
from node.services.sessions import sessions_of
from node.services.tokens import hash_token, refresh_token, revoke_token

blueprint = Blueprint("members", __name__, url_prefix="/api/v1")

P = ParamSpec("P")
R = TypeVar("R")

Email = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=254), ONE_LINE
]
Password = Annotated[str, StringConstraints(min_length=MIN_LENGTH, max_length=MAX_LENGTH)]
AnyPassword = Annotated[str, StringConstraints(min_length=1, max_length=MAX_LENGTH)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{6}$")]

# --- request bodies ----------------------------------------------------------------------------


class SignUpIn(Strict):
    """A phone number (any usual format, French by default), an email address, a password."""

    phone: Phone
    email: Email
    password: Password
    pseudonym: Pseudonym | None = None
    kind: MemberKind = MemberKind.RESIDENT
    accept_charter: bool = Field(
        False, description="The person read the node's charter (GET /api/v1/charter) and accepts it"
    )
    charter_version: int | None = Field(
        None, ge=1, description="The version they read (default: the one in force)"
    )


class VerifyPhoneIn(Strict):
    phone: Phone
    code: Code


class ResendIn(Strict):
    phone: Phone


class EmailTokenQuery(Strict):
    token: Annotated[str, StringConstraints(min_length=1, max_length=1000), ONE_LINE]


class LogInIn(Strict):
    phone: Phone
    password: AnyPassword
    name: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=100), ONE_LINE] | None
    ) = Field(None, description="A label for the token, such as the device's name")
    device: Annotated[str, StringConstraints(max_length=200), ONE_LINE] | None = Field(
        None,
        description="The device token of an earlier log-in from this device: failed log-ins "
        "by others do not lock it out",
    )


class UpdateMeIn(Strict):
    """Only the keys present are changed; ``pseudonym: null`` removes the pseudonym."""

    pseudonym: Pseudonym | None = None
    email: Email | None = None
    password: Password | None = None
    current_password: AnyPassword | None = None


class PasswordIn(Strict):
    password: AnyPassword


# --- responses ---------------------------------------------------------------------------------


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


class VerifiedOut(BaseModel):
    phone_verified: bool
    email_verified: bool


class AcceptedOut(BaseModel):
    detail: str


class TokenPairOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    token_id: int
    expires_at: datetime | None = Field(
        None, description="Renew it before then with POST /api/v1/auth/refresh"
    )
    device: str = Field(description="Keep it and send it with the next log-ins from this device")


class RefreshedOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    token_id: int
    expires_at: datetime | None


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


# --- helpers -----------------------------------------------------------------------------------


def client_ip() -> str:
    return request.remote_addr or "unknown"


def rate_limited(name: str) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Count the request per client IP before anything else (even a malformed body counts)."""

    def decorate(func: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(func)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            limit = current_node().settings.rate_limit_per_minute
            await ratelimit.check(f"{name}:ip:{client_ip()}", limit)
            return await func(*args, **kwargs)

        return wrapper

    return decorate


async def limit_phone(name: str, raw_phone: str) -> str:
    """Normalise the phone (422 when impossible) and count the request against it."""
    phone = service.normalise_phone(raw_phone)
    await ratelimit.check(f"{name}:phone:{phone}", current_node().settings.rate_limit_per_minute)
    return phone


async def current_token_id() -> int | None:
    """The id of the token that authenticated this request (after :func:`require_member`)."""
    secret = request.headers.get("Authorization", "").partition(" ")[2].strip()
    row = await ApiToken.get_or_none(token_hash=hash_token(secret))
    return None if row is None else row.id


# --- sign-up and verification ------------------------------------------------------------------


@blueprint.post("/members")
@rate_limited("signup")
@validate_request(SignUpIn)
@validate_response(ProfileOut, 201)
async def sign_up(data: SignUpIn) -> tuple[ProfileOut, int]:
    """Create an account. A 6-digit code is texted to the phone and a link mailed to the address.

    The answer is the same when the number or the address already has an account: the number's
    owner is then told by SMS (no one learns here who has an account). 429 past the SMS caps.
    422 without ``"accept_charter": true``; 409 when ``charter_version`` is no longer in force.
    """
    if not data.accept_charter:
        raise Unprocessable.field(
            "accept_charter",
            'Read the node\'s charter (GET /api/v1/charter) and accept it: "accept_charter": true.',
        )
    version = data.charter_version or (await charter_in_force()).version
    result = await service.sign_up(
        current_node(),
        phone=data.phone,
        email=data.email,
        password=data.password,
        pseudonym=data.pseudonym,
        kind=data.kind,
        charter_version=version,
    )
    return (
        ProfileOut(
            id=result.id,
            phone=result.phone,
            email=result.email,
            pseudonym=result.pseudonym,
            kind=result.kind,
            is_admin=False,
            phone_verified=False,
            email_verified=False,
            created_at=result.created_at,
        ),
        201,
    )


@blueprint.post("/members/verify")
@rate_limited("verify")
@validate_request(VerifyPhoneIn)
@validate_response(VerifiedOut)
async def verify_phone(data: VerifyPhoneIn) -> VerifiedOut:
    """Verify the phone with the texted code.

    A wrong code is a 400 whose body has ``remaining_attempts``; after 5 wrong attempts, or after
    10 minutes, the code is dead (400, ``remaining_attempts: 0``): ask for a new one.
    """
    await limit_phone("verify", data.phone)
    member = await service.verify_phone(data.phone, data.code, current_node())
    return VerifiedOut(phone_verified=True, email_verified=member.email_verified_at is not None)


@blueprint.post("/members/verify/resend")
@rate_limited("resend")
@validate_request(ResendIn)
@validate_response(AcceptedOut, 202)
async def resend_code(data: ResendIn) -> tuple[AcceptedOut, int]:
    """Text a new code (older codes stop working); the same answer for any number."""
    await limit_phone("resend", data.phone)
    await service.resend_phone_code(data.phone, current_node())
    return AcceptedOut(detail="If this number awaits verification, a new code was sent."), 202


def _browsers_to_the_page(func: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R | Response]]:
    """A mailed link is opened by a browser: one that prefers HTML is sent (303) to the web
    page that verifies and says so in its reader's language; API clients get JSON here."""

    @functools.wraps(func)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | Response:
        accept = request.accept_mimetypes
        if accept.best_match(["application/json", "text/html"]) == "text/html":
            page = url_for("web_email.verify", token=request.args.get("token", "")[:4096])
            return Response("", status=303, headers={"Location": page})
        return await func(*args, **kwargs)

    return wrapper


@blueprint.get("/members/verify-email")
@_browsers_to_the_page
@rate_limited("verify-email")
@validate_querystring(EmailTokenQuery)
@validate_response(VerifiedOut)
async def verify_email(query_args: EmailTokenQuery) -> VerifiedOut:
    """The link mailed at sign-up (valid 48 hours): marks the email address verified."""
    member = await service.verify_email(query_args.token, current_node())
    return VerifiedOut(phone_verified=member.is_verified, email_verified=True)


# --- log-in and tokens -------------------------------------------------------------------------


@blueprint.post("/auth/token")
@rate_limited("login")
@validate_request(LogInIn)
@validate_response(TokenPairOut)
async def log_in(data: LogInIn) -> TokenPairOut:
    """Exchange phone and password for a bearer token; 401 with one message for any mistake.

    After 5 failures in 15 minutes (10 an hour, 20 a day) with a number, 429 with Retry-After,
    except for a ``device`` token from an earlier log-in to the account."""
    await limit_phone("login", data.phone)
    node = current_node()
    row, secret = await service.log_in(
        data.phone, data.password, data.name or "api", node=node, device=data.device
    )
    device = device_token(row.member_id, node.secret)  # type: ignore[attr-defined]
    return TokenPairOut(
        access_token=secret, token_id=row.id, expires_at=row.expires_at, device=device
    )


@blueprint.post("/auth/refresh")
@security_scheme(BEARER)
@rate_limited("login")
@validate_response(RefreshedOut)
async def refresh() -> RefreshedOut:
    """A new token for the one this request carries, which stops working at once. An expired
    or revoked token cannot be refreshed (401): log in again."""
    await require_member()
    secret = request.headers.get("Authorization", "").partition(" ")[2].strip()
    days = current_node().settings.api_token_days
    renewed = await refresh_token(secret, lifetime=timedelta(days=days))
    if renewed is None:
        raise Unauthorized("The token is unknown, expired or revoked.")
    row, new_secret = renewed
    return RefreshedOut(access_token=new_secret, token_id=row.id, expires_at=row.expires_at)


@blueprint.post("/auth/logout")
@security_scheme(BEARER)
async def log_out() -> tuple[str, int]:
    """Revoke the token used for this request."""
    member = await require_member()
    token_id = await current_token_id()
    if token_id is not None:
        await revoke_token(member, token_id)
    return "", 204


@blueprint.post("/me/logout-everywhere")
@security_scheme(BEARER)
async def log_out_everywhere() -> tuple[str, int]:
    """End every web session and revoke every token of the caller, this one included."""
    await service_sessions.log_out_everywhere(await require_member())
    return "", 204


@blueprint.delete("/me/tokens/<int:token_id>")
@security_scheme(BEARER)
async def delete_token(token_id: int) -> tuple[str, int]:
    """Revoke one of the caller's tokens (404 when it is not theirs or already revoked)."""
    member = await require_member()
    if not await revoke_token(member, token_id):
        raise NotFound("No such live token.")
    return "", 204


# --- me ----------------------------------------------------------------------------------------


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
