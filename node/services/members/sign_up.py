"""Signing up: the same answer whether or not the number or the address already has an account
(no enumeration), an SMS to the number's owner in every case, and sign-ups nobody verified
removed after a day.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID, uuid4

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from node import clock, passwords
from node.errors import Conflict, Unprocessable
from node.models import Member, MemberKind
from node.services import charter, sms_caps
from node.services.members.accounts import normalise_email
from node.services.members.email_links import send_email_link
from node.services.members.outgoing import send_text
from node.services.members.phone_codes import SIGN_UP_LIFETIME, text_code
from node.services.phone import normalise_phone
from node.state import NodeState


@dataclass(frozen=True)
class SignUp:
    """The answer to a sign-up, the same whether or not the number or the address already had an
    account (no enumeration): ``member`` is the new account, None when none was created."""

    id: UUID
    phone: str
    email: str
    pseudonym: str | None
    kind: MemberKind
    created_at: datetime
    member: Member | None


def _unverified() -> Q:
    """Accounts from a sign-up whose number is not verified (not proxy profiles, which have no
    number, nor accounts made by an administrator)."""
    return Q(phone_verified_at=None, phone__isnull=False, managed_by_id=None, is_admin=False)


async def purge_unverified_sign_ups() -> int:
    """Delete the sign-ups nobody verified within :data:`SIGN_UP_LIFETIME` (a periodic job)."""
    deadline = clock.now() - SIGN_UP_LIFETIME
    return await Member.filter(_unverified(), created_at__lt=deadline).delete()


async def sign_up(
    node: NodeState,
    *,
    phone: str,
    email: str,
    password: str,
    pseudonym: str | None,
    kind: MemberKind,
    charter_version: int,
) -> SignUp:
    """Sign up; the phone's owner gets an SMS either way, the answer never says which case.

    ``charter_version``: the version of the charter the person read and accepted (409 when it
    is no longer the one in force); the new account records its acceptance.

    - a free number and address: an unverified account, a code by SMS, a link by mail;
    - the number of a verified account: its owner is told by SMS that they already have one;
    - a number or an address held by another *unverified* sign-up: nobody may hold it then (a
      squatter cannot keep the real owner out, nor get the owner's code verify the squatter's
      password): that sign-up is deleted, nothing is created, and the SMS says to start again;
    - an address of a verified account with another number: nothing is created, the SMS says
      the sign-up did not go through.
    Unverified sign-ups older than 24 hours no longer exist (:func:`purge_unverified_sign_ups`).
    """
    phone = normalise_phone(phone)
    email = normalise_email(email)
    if not passwords.MIN_LENGTH <= len(password) <= passwords.MAX_LENGTH:
        raise Unprocessable.field(
            "password",
            f"Use {passwords.MIN_LENGTH} to {passwords.MAX_LENGTH} characters.",
        )
    in_force = await charter.charter_in_force()
    if charter_version != in_force.version:
        raise Conflict.field(
            "charter_version",
            f"The charter changed (version {in_force.version}); read it and accept it again.",
        )
    await sms_caps.reserve(node, phone)  # before anything: the caps count every attempt
    await purge_unverified_sign_ups()
    now = clock.now()
    password_hash = await node.passwords.hash(password)  # the same work in every case
    holders = await Member.filter(Q(phone=phone) | Q(email=email))
    answer = SignUp(
        id=uuid4(),
        phone=phone,
        email=email,
        pseudonym=pseudonym or None,
        kind=kind,
        created_at=now,
        member=None,
    )
    if not holders:
        try:
            member = await Member.create(
                phone=phone,
                email=email,
                password_hash=password_hash,
                pseudonym=pseudonym or None,
                kind=kind,
                created_at=now,
            )
        except IntegrityError:  # a parallel sign-up took the number or the address
            await send_text(node, phone, _sign_up_failed_text(node))
            return answer
        await charter.record_acceptance(member, charter_version)
        await text_code(node, member)
        await send_email_link(member, node)
        return replace(answer, id=member.id, member=member)
    owner = next((h for h in holders if h.phone == phone and h.is_verified), None)
    contested = [h for h in holders if not (h.is_verified or h.is_proxy or h.is_admin)]
    if contested:
        await Member.filter(id__in=[h.id for h in contested]).filter(_unverified()).delete()
    if owner is not None:
        await send_text(node, phone, _already_member_text(node))
    else:
        await send_text(node, phone, _sign_up_failed_text(node))
    return answer


def _already_member_text(node: NodeState) -> str:
    if node.settings.default_language == "en":
        return (
            "Entraide: this number already has an account. Log in with your password. "
            "If you did not try to sign up, ignore this message."
        )
    return (
        "Entraide : ce numéro a déjà un compte. Connectez-vous avec votre mot de passe. "
        "Si vous n'avez rien demandé, ignorez ce message."
    )


def _sign_up_failed_text(node: NodeState) -> str:
    if node.settings.default_language == "en":
        return (
            "Entraide: the sign-up with this number did not go through. Start again, with an "
            "email address that has no account yet. If you did not try, ignore this message."
        )
    return (
        "Entraide : l'inscription avec ce numéro n'a pas abouti. Recommencez, avec une adresse "
        "e-mail qui n'a pas encore de compte. Si vous n'avez rien demandé, ignorez ce message."
    )
