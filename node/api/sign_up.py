"""API routes: signing up, then verifying the number (a texted code) and the email address (a
mailed link). The answers never say who already has an account.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints
from quart import Blueprint, Response, request, url_for
from quart_schema import validate_querystring, validate_request, validate_response

from node.api.credentials import Code, Email, P, Password, R, limit_phone, rate_limited
from node.api.my_account import ProfileOut
from node.api.types import ONE_LINE, Phone, Pseudonym, Strict
from node.errors import Unprocessable
from node.http_state import current_node
from node.models import MemberKind
from node.services import members as service
from node.services.charter_text import charter_in_force

blueprint = Blueprint("sign_up", __name__, url_prefix="/api/v1")


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


class VerifiedOut(BaseModel):
    phone_verified: bool
    email_verified: bool


class AcceptedOut(BaseModel):
    detail: str


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
