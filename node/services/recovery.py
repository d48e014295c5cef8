"""Getting back into an account: a new password by a code texted to the verified number or a
link mailed to the verified address.

The request answers the same whether or not the number or address has an account (the caller
learns nothing; only the owner receives something), and is held by the SMS caps for a number and
by a cap per address for mail, counted for every number or address. Choosing the new password
ends every web session and revokes every API token of the account: whoever had the old password
is out.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from node import clock, passwords
from node.errors import BadRequest, TooManyRequests, Unprocessable
from node.messaging.backends import OutgoingMail
from node.models import Member, PasswordReset
from node.services import login_throttle, members, ratelimit, sessions, sms_caps
from node.services.phone import MAX_ATTEMPTS, CodeRejected, hash_code, new_code, normalise_phone
from node.state import NodeState

log = logging.getLogger("entraide.recovery")

CODE_LIFETIME = timedelta(minutes=15)
LINK_LIFETIME = timedelta(hours=1)
MAIL_CAP = (timedelta(minutes=15), 3)  # reset mails to one address
SMS = "sms"
EMAIL = "email"
BAD_LINK = "This link is not valid or has expired; ask for a new one."


@dataclass(frozen=True)
class Channel:
    phone: str | None = None
    email: str | None = None


def reset_sms_text(code: str, language: str = "fr") -> str:
    if language == "en":
        return (
            f"Entraide: your code to choose a new password is {code}. It expires in 15 minutes. "
            "If you did not ask, ignore this message: your password stays the same."
        )
    return (
        f"Entraide : votre code pour choisir un nouveau mot de passe est {code}. Il expire dans "
        "15 minutes. Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne "
        "change pas."
    )


def reset_mail_text(link: str, language: str = "fr") -> tuple[str, str]:
    if language == "en":
        return (
            "Entraide: choose a new password",
            f"Hello,\n\nTo choose a new password, open this link (valid 1 hour):\n\n{link}\n\n"
            "If you did not ask, ignore this message: your password stays the same.\n",
        )
    return (
        "Entraide : choisir un nouveau mot de passe",
        "Bonjour,\n\nPour choisir un nouveau mot de passe, ouvrez ce lien (valable 1 heure) :"
        f"\n\n{link}\n\nSi vous n'avez rien demandé, ignorez ce message : votre mot de passe ne "
        "change pas.\n",
    )


def _link_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse_channel(phone: str | None, email: str | None) -> Channel:
    """Exactly one of a phone number (E.164 after normalising) and an address; 422 otherwise."""
    if bool(phone) == bool(email):
        raise Unprocessable.field("phone", "Give your phone number or your email address.")
    if phone:
        return Channel(phone=normalise_phone(phone))
    assert email is not None
    return Channel(email=members.normalise_email(email))


async def cap_mail(email: str) -> None:
    window, limit = MAIL_CAP
    count, start = await ratelimit.hit(f"reset-mail:{email}", window)
    if count > limit:
        raise TooManyRequests(
            "Too many messages were sent to this address; try again later.",
            headers={"Retry-After": ratelimit.retry_after(start, window)},
        )


async def _new_reset(member: Member, channel: str, secret_hash: str, lifetime: timedelta) -> None:
    now = clock.now()
    async with in_transaction():
        await PasswordReset.filter(member_id=member.id, consumed_at=None).update(consumed_at=now)
        await PasswordReset.create(
            member=member,
            channel=channel,
            secret_hash=secret_hash,
            expires_at=now + lifetime,
            created_at=now,
        )


async def request_reset(node: NodeState, *, phone: str | None, email: str | None) -> None:
    """Send a code (number) or a link (address) when it belongs to an account whose number or
    address is verified; nothing otherwise. The caps count every request first (429)."""
    channel = parse_channel(phone, email)
    language = node.settings.default_language
    if channel.phone is not None:
        await sms_caps.reserve(node, channel.phone)
        member = await Member.get_or_none(phone=channel.phone, phone_verified_at__isnull=False)
        if member is None:
            return
        code = new_code()
        await _new_reset(member, SMS, hash_code(node.secret, code), CODE_LIFETIME)
        await members.send_text(node, channel.phone, reset_sms_text(code, language))
        return
    assert channel.email is not None
    await cap_mail(channel.email)
    member = await Member.get_or_none(email=channel.email, email_verified_at__isnull=False)
    if member is None:
        return
    token = secrets.token_urlsafe(32)
    await _new_reset(member, EMAIL, _link_hash(token), LINK_LIFETIME)
    link = f"{node.settings.base_url}/password/reset?token={quote(token)}"
    subject, body = reset_mail_text(link, language)
    try:
        await node.mail.send(OutgoingMail(to=channel.email, subject=subject, body=body))
    except members.DELIVERY_ERRORS as exc:
        log.warning("could not send a reset mail: %s", type(exc))


async def _live(member_id: object, channel: str) -> PasswordReset | None:
    return (
        await PasswordReset.filter(member_id=member_id, channel=channel, consumed_at=None)
        .order_by("-id")
        .first()
    )


async def _code_reset(raw_phone: str, code: str, node: NodeState) -> PasswordReset:
    """The live reset the code proves; :class:`CodeRejected` (400) for an unknown number, no
    code waiting, a wrong, expired or dead code: the same answer whether the number has an
    account or not."""
    phone = normalise_phone(raw_phone)
    member = await Member.get_or_none(phone=phone)
    row = None if member is None else await _live(member.id, SMS)
    if row is None or row.expires_at <= clock.now():
        raise CodeRejected("No code is waiting for this number; ask for a new one.", 0)
    # Count the attempt first, atomically, as the verification codes do.
    counted = await PasswordReset.filter(
        id=row.id, consumed_at=None, attempts__lt=MAX_ATTEMPTS
    ).update(attempts=F("attempts") + 1)
    if not counted:
        raise CodeRejected("Too many wrong attempts; ask for a new code.", 0)
    remaining = MAX_ATTEMPTS - (await PasswordReset.get(id=row.id)).attempts
    if not hmac.compare_digest(row.secret_hash, hash_code(node.secret, code)):
        if remaining <= 0:
            raise CodeRejected("Wrong code, and no attempt is left; ask for a new code.", 0)
        raise CodeRejected(f"Wrong code; {remaining} attempt(s) left.", remaining)
    return row


async def _link_reset(token: str) -> PasswordReset:
    row = await PasswordReset.get_or_none(
        secret_hash=_link_hash(token), channel=EMAIL, consumed_at=None
    )
    if row is None or row.expires_at <= clock.now():
        raise BadRequest.field("token", BAD_LINK)
    return row


async def check_link(token: str) -> None:
    """400 unless ``token`` is a live reset link (the page shows the form only then)."""
    await _link_reset(token)


async def confirm_reset(
    node: NodeState,
    *,
    password: str,
    phone: str | None = None,
    code: str | None = None,
    token: str | None = None,
) -> Member:
    """Set the new password with the texted code (``phone`` and ``code``) or the mailed link
    (``token``); every session and token of the account ends. 422 for a password out of bounds
    or a missing proof, 400 for a wrong or dead code or link."""
    if not passwords.MIN_LENGTH <= len(password) <= passwords.MAX_LENGTH:
        raise Unprocessable.field(
            "password", f"Use {passwords.MIN_LENGTH} to {passwords.MAX_LENGTH} characters."
        )
    if token:
        row = await _link_reset(token)
    elif phone and code:
        row = await _code_reset(phone, code, node)
    else:
        raise Unprocessable.field("code", "Give the code you received, or open the link.")
    password_hash = await node.passwords.hash(password)
    now = clock.now()
    async with in_transaction():
        if not await PasswordReset.filter(id=row.id, consumed_at=None).update(consumed_at=now):
            raise BadRequest.field("token" if token else "code", BAD_LINK)
        member = await Member.get(id=row.member_id)  # type: ignore[attr-defined]
        member.password_hash = password_hash
        await member.save(update_fields=["password_hash"])
        await PasswordReset.filter(member_id=member.id, consumed_at=None).update(consumed_at=now)
        await sessions.log_out_everywhere(member)
        if member.phone:
            await login_throttle.forgive(member.phone)
    return member
