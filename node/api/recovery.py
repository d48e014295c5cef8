"""API routes: a forgotten password (under /api/v1/auth).

``POST /auth/reset`` with a phone number texts a code, with an email address mails a link; the
answer is the same whatever the number or address. ``POST /auth/reset/confirm`` sets the new
password with the code or the link's token and ends every session and token of the account.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, StringConstraints
from quart import Blueprint
from quart_schema import validate_request, validate_response

from node.api.credentials import Code, Email, Password, limit_phone, rate_limited
from node.api.types import Phone, Strict
from node.http_state import current_node
from node.services import phone_change, recovery

blueprint = Blueprint("recovery", __name__, url_prefix="/api/v1")

Token = Annotated[
    str, StringConstraints(min_length=10, max_length=200, pattern=r"^[A-Za-z0-9_-]+$")
]


class ResetIn(Strict):
    phone: Phone | None = None
    email: Email | None = None


class ConfirmIn(Strict):
    password: Password
    phone: Phone | None = None
    code: Code | None = None
    token: Token | None = None


class SentOut(BaseModel):
    detail: str


class ResetDoneOut(BaseModel):
    detail: str


@blueprint.post("/auth/reset")
@rate_limited("reset")
@validate_request(ResetIn)
@validate_response(SentOut, 202)
async def ask_reset(data: ResetIn) -> tuple[SentOut, int]:
    """``{phone}`` or ``{email}``: a code by SMS (15 minutes) or a link by mail (1 hour) when
    the verified number or address has an account. The same 202 for any number or address;
    422 without exactly one of them; 429 past the SMS caps or 3 mails per address in 15 minutes
    (``Retry-After``)."""
    if data.phone:
        await limit_phone("reset", data.phone)
    await recovery.request_reset(current_node(), phone=data.phone, email=data.email)
    return SentOut(detail="If this belongs to an account, a code or a link was sent."), 202


@blueprint.post("/auth/reset/confirm")
@rate_limited("reset-confirm")
@validate_request(ConfirmIn)
@validate_response(ResetDoneOut)
async def confirm_reset(data: ConfirmIn) -> ResetDoneOut:
    """``{phone, code, password}`` or ``{token, password}``: the new password. Every web
    session and API token of the account ends (log in again). 400 wrong, expired or used code
    or link (a code survives 5 wrong attempts; the body has ``remaining_attempts``); 422 a
    password out of 8–128 characters or no proof."""
    if data.phone:
        await limit_phone("reset-confirm", data.phone)
    await recovery.confirm_reset(
        current_node(), password=data.password, phone=data.phone, code=data.code, token=data.token
    )
    return ResetDoneOut(detail="Your password is changed; log in again on every device.")


class PhoneChangeIn(Strict):
    email: Email
    new_phone: Phone


class PhoneChangeConfirmIn(Strict):
    token: Token
    code: Code


class CancelIn(Strict):
    code: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{12}$")]


class PhoneChangeOut(BaseModel):
    effective_at: datetime


@blueprint.post("/auth/phone-change")
@rate_limited("phone-change")
@validate_request(PhoneChangeIn)
@validate_response(SentOut, 202)
async def ask_phone_change(data: PhoneChangeIn) -> tuple[SentOut, int]:
    """A lost phone: ``{email, new_phone}``. When the address is the verified one of an account,
    a link is mailed and a code texted to the new number. The same 202 for any address or
    number (a number that already has an account is refused silently); 422 bad input; 429 past
    the mail cap or the SMS caps (``Retry-After``)."""
    await limit_phone("phone-change", data.new_phone)
    await phone_change.request_change(current_node(), email=data.email, new_phone=data.new_phone)
    return SentOut(
        detail="If this address belongs to an account, a link and a code were sent."
    ), 202


@blueprint.post("/auth/phone-change/confirm")
@rate_limited("phone-change-confirm")
@validate_request(PhoneChangeConfirmIn)
@validate_response(PhoneChangeOut, 202)
async def confirm_phone_change(data: PhoneChangeConfirmIn) -> tuple[PhoneChangeOut, int]:
    """``{token, code}``: the mailed link's token and the code texted to the new number. The
    change takes effect after ``phone_change_delay_hours`` (72 by default); the old number is
    texted a 12-digit code that cancels it. 400 wrong, used or expired link or code."""
    row = await phone_change.confirm_change(current_node(), token=data.token, code=data.code)
    assert row.effective_at is not None
    return PhoneChangeOut(effective_at=row.effective_at), 202


@blueprint.post("/auth/phone-change/cancel")
@rate_limited("phone-change-cancel")
@validate_request(CancelIn)
async def cancel_phone_change(data: CancelIn) -> tuple[str, int]:
    """``{code}``: the code texted to the old number stops a waiting change (204; 400 when no
    change waits for it)."""
    await phone_change.cancel_change(data.code)
    return "", 204
