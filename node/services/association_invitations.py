"""Invitations to join an association (DESIGN §1, §5): nobody becomes a member of an association
without saying yes.

An association admin types a phone number; the node answers the same whatever the number: an
invitation row is written and a text goes out (through the SMS caps) in every case, so the
answer, its timing and its shape tell nothing about whether the number has an account, nor what
kind of member owns it. The person accepts on their page (the invitations addressed to their
verified number) or with the code of the text; an invitation expires after a week.
"""

from __future__ import annotations

import hmac
from datetime import timedelta
from uuid import UUID

from tortoise.expressions import F
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from node import clock
from node.errors import Conflict, NotFound, Unprocessable
from node.models import (
    Association,
    AssociationInvitation,
    AssociationMembership,
    AssociationRole,
    AssociationStatus,
    Member,
)
from node.services import members, sms_caps
from node.services.phone import MAX_ATTEMPTS, hash_code, new_code, normalise_phone
from node.state import NodeState

INVITATION_LIFETIME = timedelta(days=7)


def invitation_text(association: Association, code: str, language: str = "fr") -> str:
    if language == "en":
        return (
            f"Entraide: the association {association.name} invites you to join it. "
            f"To accept, open your page or enter the code {code} (valid 7 days). "
            "If you do not want to, ignore this message."
        )
    return (
        f"Entraide : l'association {association.name} vous invite à la rejoindre. "
        f"Pour accepter, ouvrez votre page ou tapez le code {code} (valable 7 jours). "
        "Si vous ne voulez pas, ignorez ce message."
    )


async def invite(
    node: NodeState,
    association: Association,
    raw_phone: str,
    role: AssociationRole,
    *,
    by: Member,
) -> AssociationInvitation:
    """Invite ``raw_phone`` to join with ``role``. The same work is done, and the same
    invitation returned, whether or not the number has an account or already belongs to the
    association: what the admin learns is only that a text was sent. A new invitation to the same
    number replaces the older pending one (its code dies). 409 when the association is not
    approved, 422 for a number that cannot exist, 429 past the SMS caps."""
    if association.status != AssociationStatus.APPROVED:
        raise Conflict("This association is not approved.")
    phone = normalise_phone(raw_phone)
    await sms_caps.reserve(node, phone)
    code = new_code()
    now = clock.now()
    async with in_transaction():
        await AssociationInvitation.filter(
            association_id=association.id, phone=phone, answered_at=None
        ).delete()
        invitation = await AssociationInvitation.create(
            association=association,
            phone=phone,
            role=role,
            code_hash=hash_code(node.secret, code),
            invited_by=by,
            created_at=now,
            expires_at=now + INVITATION_LIFETIME,
        )
    await members.send_text(
        node, phone, invitation_text(association, code, node.settings.default_language)
    )
    return invitation


def _pending_for(member: Member) -> QuerySet[AssociationInvitation]:
    return AssociationInvitation.filter(
        phone=member.phone or "", answered_at=None, expires_at__gt=clock.now()
    )


async def pending_invitations(member: Member) -> list[AssociationInvitation]:
    """The live invitations addressed to the member's verified number, newest first."""
    if member.phone is None or not member.is_verified:
        return []
    return await _pending_for(member).select_related("association").order_by("-created_at")


async def _invitation_of(member: Member, invitation_id: UUID) -> AssociationInvitation:
    """The member's invitation: 404 when it is not addressed to their verified number, 409 when
    it was answered or has expired."""
    row = await AssociationInvitation.get_or_none(id=invitation_id).select_related("association")
    if row is None or member.phone is None or not member.is_verified or row.phone != member.phone:
        raise NotFound("No such invitation.")
    if row.answered_at is not None:
        raise Conflict("This invitation was already answered.")
    if row.expires_at <= clock.now():
        raise Conflict("This invitation has expired; ask the association for a new one.")
    return row


async def _answer(member: Member, row: AssociationInvitation, accept: bool) -> None:
    now = clock.now()
    async with in_transaction():
        answered = await AssociationInvitation.filter(id=row.id, answered_at=None).update(
            answered_at=now, accepted=accept
        )
        if not answered:  # a parallel answer won
            raise Conflict("This invitation was already answered.")
        if not accept:
            return
        if row.association.status != AssociationStatus.APPROVED:
            raise Conflict("This association is not approved.")
        if await AssociationMembership.filter(
            association_id=row.association.id, member_id=member.id
        ).exists():
            return  # already inside: saying yes again changes nothing
        await AssociationMembership.create(
            association=row.association, member=member, role=row.role, created_at=now
        )


async def accept(member: Member, invitation_id: UUID) -> Association:
    row = await _invitation_of(member, invitation_id)
    await _answer(member, row, True)
    return row.association


async def decline(member: Member, invitation_id: UUID) -> None:
    row = await _invitation_of(member, invitation_id)
    await _answer(member, row, False)


async def accept_by_code(member: Member, code: str, node: NodeState) -> Association:
    """Accept the live invitation whose texted code is ``code``. Each invitation survives
    :data:`~node.services.phone.MAX_ATTEMPTS` wrong codes, then only the page can accept it;
    422 for a wrong code, 404 when no invitation waits for the member's verified number."""
    rows = (
        await pending_invitations(member) if member.phone is not None and member.is_verified else []
    )
    live = [row for row in rows if row.attempts < MAX_ATTEMPTS]
    if not live:
        raise NotFound("No invitation is waiting for your number.")
    wanted = hash_code(node.secret, code.strip())
    for row in live:
        if hmac.compare_digest(row.code_hash, wanted):
            await _answer(member, row, True)
            return row.association
    await AssociationInvitation.filter(
        id__in=[row.id for row in live], attempts__lt=MAX_ATTEMPTS
    ).update(attempts=F("attempts") + 1)
    raise Unprocessable.field("code", "Wrong code.")


async def purge_expired() -> int:
    """Forget invitations that expired more than a week ago (nobody can answer them)."""
    return await AssociationInvitation.filter(
        expires_at__lt=clock.now() - INVITATION_LIFETIME
    ).delete()
