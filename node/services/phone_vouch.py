"""Moving an account to a new number through an association that knows the person.

Someone who lost their phone and has no (verified) email can go to an association they belong
to: one of its coordinators (or admins) vouches that the person in front of them is the member,
and the new number proves itself with a texted code that the coordinator types in. Because a
person of the association vouched face to face, the change takes effect at once (no waiting
time, unlike :mod:`node.services.phone_change`). As there, every session and token of the account
ends, and the member's verified email, if any, is told who made the change.

The coordinator learns nothing about the new number: the answer is the same whether or not it
has an account (a taken number is refused silently; its confirmation then fails like a wrong
code). Vouches are capped per coordinator and the SMS caps hold the new number.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from datetime import timedelta
from uuid import UUID

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from node import clock
from node.errors import BadRequest, Conflict, Forbidden, NotFound, TooManyRequests
from node.messaging.backends import OutgoingMail
from node.models import (
    Association,
    AssociationMembership,
    AssociationStatus,
    Member,
    PhoneChange,
)
from node.services import members, ratelimit, sessions, sms_caps
from node.services.associations import PROXY_MAKERS, membership_role
from node.services.phone import MAX_ATTEMPTS, hash_code, new_code, normalise_phone
from node.state import NodeState

log = logging.getLogger("entraide.phone_vouch")

CONFIRM_LIFETIME = timedelta(minutes=30)
# Vouches one coordinator may start in a day: a few people a day at a desk, not a sweep.
DAILY_VOUCHES = 10
WRONG = "Wrong code, or the change has expired; start again."


async def _coordinator_of(association: Association, by: Member) -> None:
    if association.status != AssociationStatus.APPROVED:
        raise Conflict("This association is not approved.")
    if await membership_role(by, association) not in PROXY_MAKERS:
        raise Forbidden("Only a coordinator of this association can vouch for a member.")


async def _member_of(association: Association, member_id: UUID) -> Member:
    row = await AssociationMembership.get_or_none(
        association_id=association.id, member_id=member_id
    ).select_related("member")
    if row is None or row.member.is_proxy:
        raise NotFound("This member does not belong to the association.")
    return row.member


async def vouch(
    node: NodeState, association: Association, member_id: UUID, raw_phone: str, *, by: Member
) -> PhoneChange:
    """Text a code to ``raw_phone`` for moving the member's account there. 403 unless ``by``
    coordinates the association, 404 for someone who is not its member, 409 when it is not
    approved, 422 for a number that cannot exist, 429 past the caps. The same row comes back
    whether or not the new number has an account."""
    await _coordinator_of(association, by)
    member = await _member_of(association, member_id)
    if member.id == by.id:
        raise Forbidden("Another coordinator has to vouch for you.")
    phone = normalise_phone(raw_phone)
    window = timedelta(days=1)
    count, start = await ratelimit.hit(f"phone-vouch:{by.id}", window)
    if count > DAILY_VOUCHES:
        raise TooManyRequests(
            "Too many number changes vouched for today.",
            headers={"Retry-After": ratelimit.retry_after(start, window)},
        )
    await sms_caps.reserve(node, phone)
    taken = member.phone == phone or await Member.exists(phone=phone)
    code = new_code()
    now = clock.now()
    async with in_transaction():
        await PhoneChange.filter(
            member_id=member.id, vouched_by_id__isnull=False, done_at=None, cancelled_at=None
        ).update(cancelled_at=now)
        row = await PhoneChange.create(
            member=member,
            new_phone=phone,
            link_hash=secrets.token_hex(32),  # no link: the coordinator confirms
            code_hash=hash_code(node.secret, code),
            created_at=now,
            expires_at=now + CONFIRM_LIFETIME,
            cancelled_at=now if taken else None,  # refused silently
            vouched_by=by,
            vouched_association=association,
        )
    if not taken:
        text = (
            f"Entraide: {association.name} moves your account to this number. Your code: {code}."
            if node.settings.default_language == "en"
            else f"Entraide : {association.name} passe votre compte sur ce numéro. "
            f"Votre code : {code}."
        )
        await members.send_text(node, phone, text)
    return row


def _mail(association: Association, by: Member, language: str) -> tuple[str, str]:
    if language == "en":
        return (
            "Entraide: your phone number was changed",
            f"Hello,\n\n{by.pseudonym}, of the association {association.name}, moved your "
            "account to a new phone number. Every session of your account has ended.\n\n"
            "If this was not you, answer this mail or contact the association at once.\n",
        )
    return (
        "Entraide : votre numéro de téléphone a changé",
        f"Bonjour,\n\n{by.pseudonym}, pour l'association {association.name}, a passé votre compte "
        "sur un nouveau numéro. Toutes les sessions de votre compte sont fermées.\n\n"
        "Si ce n'est pas vous, répondez à ce mail ou contactez l'association tout de suite.\n",
    )


async def confirm(
    node: NodeState, association: Association, change_id: int, code: str, *, by: Member
) -> Member:
    """The code texted to the new number, typed by a coordinator of the association: the account
    moves now and every session and token ends. 403/409 as :func:`vouch`; 404 for a change that
    is not this association's; 400 for a wrong, used or expired code (5 attempts), or a number
    that has an account."""
    await _coordinator_of(association, by)
    row = await PhoneChange.get_or_none(
        id=change_id, vouched_association_id=association.id
    ).select_related("member")
    if row is None:
        raise NotFound("No such change of number for this association.")
    now = clock.now()
    if row.done_at is not None or row.cancelled_at is not None or row.expires_at <= now:
        raise BadRequest.field("code", WRONG)
    counted = await PhoneChange.filter(id=row.id, attempts__lt=MAX_ATTEMPTS).update(
        attempts=F("attempts") + 1
    )
    if not counted or not hmac.compare_digest(row.code_hash, hash_code(node.secret, code)):
        raise BadRequest.field("code", WRONG)
    member = row.member
    if await Member.exists(phone=row.new_phone):  # taken meanwhile
        await PhoneChange.filter(id=row.id).update(cancelled_at=now)
        raise BadRequest.field("code", WRONG)
    async with in_transaction():
        await Member.filter(id=member.id).update(phone=row.new_phone, phone_verified_at=now)
        await PhoneChange.filter(id=row.id).update(effective_at=now, done_at=now)
        await sessions.log_out_everywhere(member)
    if member.email and member.email_verified_at is not None:
        subject, body = _mail(association, by, node.settings.default_language)
        try:
            await node.mail.send(OutgoingMail(to=member.email, subject=subject, body=body))
        except members.DELIVERY_ERRORS as exc:
            log.warning("could not tell of a vouched phone change: %s", type(exc))
    await member.refresh_from_db()
    return member
