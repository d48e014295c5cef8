"""Moving an account to a new phone number when the old one is lost.

The person proves the account with its verified email (a mailed link) and the new number with a
texted code; the change then waits ``phone_change_delay_hours`` (72 by default) before it takes
effect. The old number is told at once by SMS, with a code that cancels the change: if the phone
was not lost but someone is stealing the account by its mailbox, its owner stops it. The request
answers the same whatever the address or number. When the change takes effect, every session and
token of the account ends.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta
from urllib.parse import quote

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from node import clock
from node.errors import BadRequest
from node.messaging.backends import OutgoingMail
from node.models import Member, PhoneChange
from node.services import members, sessions, sms_caps
from node.services.phone import MAX_ATTEMPTS, hash_code, new_code, normalise_phone
from node.services.recovery import cap_mail
from node.state import NodeState

log = logging.getLogger("entraide.phone_change")

CONFIRM_LIFETIME = timedelta(hours=1)
BAD_REQUEST = "This change is not valid or has expired; ask again."


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _mail(link: str, language: str) -> tuple[str, str]:
    if language == "en":
        return (
            "Entraide: change your phone number",
            f"Hello,\n\nTo move your account to your new number, open this link (valid 1 hour) "
            f"and type the code we texted to the new number:\n\n{link}\n\nIf you did not ask, "
            "ignore this message.\n",
        )
    return (
        "Entraide : changer de numéro de téléphone",
        "Bonjour,\n\nPour passer votre compte sur votre nouveau numéro, ouvrez ce lien (valable "
        f"1 heure) et tapez le code envoyé par SMS au nouveau numéro :\n\n{link}\n\nSi vous "
        "n'avez rien demandé, ignorez ce message.\n",
    )


async def request_change(node: NodeState, *, email: str, new_phone: str) -> None:
    """Mail a link and text a code to ``new_phone`` when ``email`` is the verified address of
    an account; nothing otherwise (the same answer). The SMS caps hold the new number and the
    mail cap the address, counted for any of them (429)."""
    address = members.normalise_email(email)
    phone = normalise_phone(new_phone)
    await cap_mail(address)
    await sms_caps.reserve(node, phone)
    member = await Member.get_or_none(email=address, email_verified_at__isnull=False)
    if member is None or member.phone == phone or await Member.exists(phone=phone):
        return  # a taken number is refused silently: nothing tells whose it is
    token, code = secrets.token_urlsafe(32), new_code()
    now = clock.now()
    async with in_transaction():
        await PhoneChange.filter(member_id=member.id, effective_at=None, cancelled_at=None).update(
            cancelled_at=now
        )
        await PhoneChange.create(
            member=member,
            new_phone=phone,
            link_hash=_hash(token),
            code_hash=hash_code(node.secret, code),
            created_at=now,
            expires_at=now + CONFIRM_LIFETIME,
        )
    language = node.settings.default_language
    subject, body = _mail(f"{node.settings.base_url}/phone/change?token={quote(token)}", language)
    try:
        await node.mail.send(OutgoingMail(to=address, subject=subject, body=body))
    except members.DELIVERY_ERRORS as exc:
        log.warning("could not send a phone change mail: %s", type(exc))
    text = (
        f"Entraide: your code to move your account to this number is {code}."
        if language == "en"
        else f"Entraide : votre code pour passer votre compte sur ce numéro est {code}."
    )
    await members.send_text(node, phone, text)


async def confirm_change(node: NodeState, *, token: str, code: str) -> PhoneChange:
    """Both ends proved: the change takes effect after the delay; the old number is texted a
    code that cancels it. 400 for a wrong, used or expired link or code (5 attempts)."""
    row = await PhoneChange.get_or_none(link_hash=_hash(token)).select_related("member")
    now = clock.now()
    if row is None or row.effective_at is not None or row.cancelled_at is not None:
        raise BadRequest.field("token", BAD_REQUEST)
    if row.expires_at <= now:
        raise BadRequest.field("token", BAD_REQUEST)
    counted = await PhoneChange.filter(id=row.id, attempts__lt=MAX_ATTEMPTS).update(
        attempts=F("attempts") + 1
    )
    if not counted or not hmac.compare_digest(row.code_hash, hash_code(node.secret, code)):
        raise BadRequest.field("code", "Wrong code.")
    cancel = new_code() + new_code()
    row.effective_at = now + timedelta(hours=node.settings.phone_change_delay_hours)
    row.cancel_hash = _hash(cancel)
    await row.save(update_fields=["effective_at", "cancel_hash"])
    old = row.member.phone
    if old is not None and await sms_caps.allowed(node, old):
        when = row.effective_at.strftime("%d/%m/%Y %H:%M UTC")
        await members.send_text(
            node,
            old,
            f"Entraide : votre compte passera sur un autre numéro le {when}. Si ce n'est pas "
            f"vous, annulez : {node.settings.base_url}/phone/cancel?code={cancel}",
        )
    return row


async def cancel_change(code: str) -> None:
    """The old number's owner (or the person) stops a waiting change. 400 when nothing waits."""
    updated = await PhoneChange.filter(
        cancel_hash=_hash(code.strip()), cancelled_at=None, done_at=None
    ).update(cancelled_at=clock.now())
    if not updated:
        raise BadRequest.field("code", BAD_REQUEST)


async def apply_due_changes() -> int:
    """Move the accounts whose waiting time is over (a worker job); a number taken meanwhile
    cancels the change. Every session and token of a moved account ends."""
    now = clock.now()
    done = 0
    rows = await PhoneChange.filter(
        effective_at__lte=now, cancelled_at=None, done_at=None
    ).select_related("member")
    for row in rows:
        async with in_transaction():
            if await Member.exists(phone=row.new_phone):
                await PhoneChange.filter(id=row.id).update(cancelled_at=now)
                continue
            await Member.filter(id=row.member.id).update(phone=row.new_phone, phone_verified_at=now)
            await PhoneChange.filter(id=row.id).update(done_at=now)
            await sessions.log_out_everywhere(row.member)
        done += 1
    return done
