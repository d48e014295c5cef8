"""Phone numbers (E.164 via ``phonenumbers``) and the 6-digit codes that verify them.

A code is random (``secrets``), stored as HMAC-SHA256 under the node secret, lives 10 minutes and
survives 5 attempts: the attempt counter is incremented atomically *before* the comparison, so
parallel guesses from several workers cannot exceed the limit. Asking for a new code kills the
older ones. After the 5th wrong attempt the code is dead and the answer is a 400 telling the client
to ask for a new one (429 is kept for rate limits, which come with a ``Retry-After``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

import phonenumbers
from tortoise.expressions import F

from node import clock
from node.errors import BadRequest, Unprocessable
from node.models import Member, PhoneVerification

CODE_LIFETIME = timedelta(minutes=10)
MAX_ATTEMPTS = 5
CODE_DIGITS = 6


def normalise_phone(raw: str, region: str = "FR") -> str:
    """``raw`` in any usual format (``06 12 34 56 78``, ``+33 6…``, ``0033…``) → E.164.

    Raises :class:`Unprocessable` (field ``phone``) when the number cannot exist.
    """
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise Unprocessable.field("phone", "This is not a phone number.") from None
    if not phonenumbers.is_valid_number(number):
        raise Unprocessable.field("phone", "This phone number does not exist.")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def hash_code(secret: bytes, code: str) -> str:
    return hmac.new(secret, code.encode(), hashlib.sha256).hexdigest()


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def sms_text(code: str, language: str = "fr") -> str:
    if language == "en":
        return f"Entraide: your code is {code}. It expires in 10 minutes."
    return f"Entraide : votre code est {code}. Il expire dans 10 minutes."


async def issue_code(member: Member, secret: bytes) -> str:
    """A fresh code for ``member``; every older live code is invalidated. Returns the code."""
    code = new_code()
    now = clock.now()
    await PhoneVerification.filter(member_id=member.id, consumed_at=None).update(consumed_at=now)
    await PhoneVerification.create(
        member_id=member.id,
        code_hash=hash_code(secret, code),
        expires_at=now + CODE_LIFETIME,
        created_at=now,
    )
    return code


class CodeRejected(BadRequest):
    """A wrong, expired or dead code; the body says how many attempts are left."""

    def __init__(self, detail: str, remaining_attempts: int) -> None:
        super().__init__(detail, errors=[{"field": "code", "message": detail}])
        self.remaining_attempts = remaining_attempts

    def body(self) -> dict[str, Any]:
        body = super().body()
        body["remaining_attempts"] = self.remaining_attempts
        return body


async def check_code(member: Member, code: str, secret: bytes) -> None:
    """Consume the member's live code when ``code`` matches it; :class:`CodeRejected` otherwise."""
    now = clock.now()
    row = (
        await PhoneVerification.filter(member_id=member.id, consumed_at=None)
        .order_by("-id")
        .first()
    )
    if row is None:
        raise CodeRejected("No code is waiting for this number; ask for a new one.", 0)
    if row.expires_at <= now:
        raise CodeRejected("This code has expired; ask for a new one.", 0)
    # Count the attempt first, atomically and only while attempts remain.
    counted = await PhoneVerification.filter(
        id=row.id, consumed_at=None, attempts__lt=MAX_ATTEMPTS
    ).update(attempts=F("attempts") + 1)
    if not counted:
        raise CodeRejected("Too many wrong attempts; ask for a new code.", 0)
    fresh = await PhoneVerification.get(id=row.id)
    remaining = MAX_ATTEMPTS - fresh.attempts
    if not hmac.compare_digest(row.code_hash, hash_code(secret, code)):
        if remaining <= 0:
            raise CodeRejected("Wrong code, and no attempt is left; ask for a new code.", 0)
        raise CodeRejected(f"Wrong code; {remaining} attempt(s) left.", remaining)
    consumed = await PhoneVerification.filter(id=row.id, consumed_at=None).update(consumed_at=now)
    if not consumed:  # a parallel request used it, or a resend killed it, meanwhile
        raise CodeRejected("No code is waiting for this number; ask for a new one.", 0)
