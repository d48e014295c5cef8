"""Members: sign-up, phone and email verification, log-in, profile changes, deletion.

Only a phone number, an email address and an optional pseudonym are stored (DESIGN §5).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote
from uuid import UUID, uuid4

import aiosmtplib
import httpx
from email_validator import EmailNotValidError, validate_email
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from node import clock, passwords
from node.caches import actions_changed
from node.errors import BadRequest, Conflict, Forbidden, Unauthorized, Unprocessable
from node.events import MemberDeleted
from node.messaging.backends import OutgoingMail, OutgoingSms
from node.models import Action, ApiToken, EmailVerification, Member, MemberKind
from node.services import charter, login_throttle, sessions, sms_caps
from node.services.phone import CodeRejected, check_code, issue_code, normalise_phone, sms_text
from node.services.tokens import issue_token
from node.state import NodeState

__all__ = [
    "authenticate",
    "create_member",
    "delete_member",
    "erase_member",
    "log_in",
    "normalise_email",
    "normalise_phone",
    "purge_unverified_sign_ups",
    "resend_phone_code",
    "send_email_link",
    "send_phone_code",
    "send_text",
    "sign_up",
    "update_profile",
    "verify_email",
    "verify_phone",
]

log = logging.getLogger("entraide.members")

# An account whose number nobody verified within this time is deleted: it holds no number.
SIGN_UP_LIFETIME = timedelta(hours=24)
EMAIL_LIFETIME = timedelta(hours=48)
_BAD_CREDENTIALS = "Wrong phone number or password."
# Delivery failures of an SMS gateway or SMTP server: the account exists, the client can resend.
DELIVERY_ERRORS = (OSError, aiosmtplib.SMTPException, httpx.HTTPError)


def normalise_email(raw: str) -> str:
    """A syntactically valid address, lower-cased (no DNS lookup); 422 on field ``email``."""
    try:
        result = validate_email(raw, check_deliverability=False)
    except EmailNotValidError as exc:
        raise Unprocessable.field("email", str(exc)) from None
    return result.normalized.lower()


async def _ensure_free(phone: str | None, email: str | None, exclude: UUID | None = None) -> None:
    if phone is not None:
        query = Member.filter(phone=phone)
        if exclude is not None:
            query = query.exclude(id=exclude)
        if await query.exists():
            raise Conflict.field("phone", "This phone number already has an account.")
    if email is not None:
        query = Member.filter(email=email)
        if exclude is not None:
            query = query.exclude(id=exclude)
        if await query.exists():
            raise Conflict.field("email", "This email address already has an account.")


async def create_member(
    node: NodeState,
    *,
    phone: str,
    email: str,
    password: str,
    pseudonym: str | None,
    kind: MemberKind,
    is_admin: bool = False,
    verified: bool = False,
) -> Member:
    """Create an account: normalises phone and email, hashes the password; 409 on duplicates.

    For accounts an operator makes (``entraide init``, the demo): the operator who installs the
    node takes its charter in force as accepted for them."""
    phone = normalise_phone(phone)
    email = normalise_email(email)
    if not passwords.MIN_LENGTH <= len(password) <= passwords.MAX_LENGTH:
        raise Unprocessable.field(
            "password",
            f"Use {passwords.MIN_LENGTH} to {passwords.MAX_LENGTH} characters.",
        )
    await _ensure_free(phone, email)
    password_hash = await node.passwords.hash(password)
    now = clock.now()
    try:
        member = await Member.create(
            phone=phone,
            email=email,
            password_hash=password_hash,
            pseudonym=pseudonym or None,
            kind=kind,
            is_admin=is_admin,
            phone_verified_at=now if verified else None,
            email_verified_at=now if verified else None,
            created_at=now,
        )
    except IntegrityError:  # a parallel sign-up took the phone or the email
        raise Conflict("This phone number or email address already has an account.") from None
    await charter.record_acceptance(member, (await charter.charter_in_force()).version)
    return member


# --- sign-up -----------------------------------------------------------------------------------


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
        await _text_code(node, member)
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


# --- phone -------------------------------------------------------------------------------------


async def send_text(node: NodeState, phone: str, body: str) -> bool:
    """Text ``body`` to ``phone``; False (logged, without the text) when the gateway failed."""
    try:
        await node.sms.send(OutgoingSms(to=phone, body=body))
    except DELIVERY_ERRORS as exc:
        log.warning("could not send an SMS: %s", type(exc))
        return False
    return True


async def _text_code(node: NodeState, member: Member) -> bool:
    assert member.phone is not None
    code = await issue_code(member, node.secret)
    return await send_text(node, member.phone, sms_text(code, node.settings.default_language))


async def send_phone_code(member: Member, node: NodeState) -> bool:
    """Issue a code and text it (429 past the SMS caps); False (logged, without the code) when
    the gateway failed."""
    if member.phone is None:
        return False
    await sms_caps.reserve(node, member.phone)
    return await _text_code(node, member)


async def member_by_phone(raw_phone: str) -> Member | None:
    return await Member.get_or_none(phone=normalise_phone(raw_phone))


async def verify_phone(raw_phone: str, code: str, node: NodeState) -> Member:
    """Check the code texted to ``raw_phone`` and mark the number verified."""
    member = await member_by_phone(raw_phone)
    if member is None or member.is_verified or _expired(member):
        raise CodeRejected("No code is waiting for this number; ask for a new one.", 0)
    await check_code(member, code, node.secret)
    member.phone_verified_at = clock.now()
    await member.save(update_fields=["phone_verified_at"])
    return member


def _expired(member: Member) -> bool:
    return member.created_at < clock.now() - SIGN_UP_LIFETIME


async def resend_phone_code(raw_phone: str, node: NodeState) -> None:
    """Text a new code when the number awaits verification; silent otherwise (no enumeration).
    The SMS caps count the request whatever the number (429 for any number past them)."""
    await sms_caps.reserve(node, normalise_phone(raw_phone))
    member = await member_by_phone(raw_phone)
    if member is not None and not member.is_verified and not _expired(member):
        await _text_code(node, member)


# --- email -------------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def email_token(member: Member) -> str:
    """A new random token proving ``member``'s current address; only its SHA-256 is stored."""
    assert member.email is not None
    token = secrets.token_urlsafe(32)
    now = clock.now()
    await EmailVerification.create(
        member=member,
        email=member.email,
        token_hash=_token_hash(token),
        expires_at=now + EMAIL_LIFETIME,
        created_at=now,
    )
    return token


async def email_link(member: Member, node: NodeState) -> str:
    token = await email_token(member)
    return f"{node.settings.base_url}/api/v1/members/verify-email?token={quote(token)}"


def email_text(link: str, language: str = "fr") -> tuple[str, str]:
    if language == "en":
        return (
            "Entraide: confirm your email address",
            f"Hello,\n\nTo confirm your email address, open this link (valid 48 hours):\n\n"
            f"{link}\n\nIf you did not create an account on Entraide, ignore this message.\n",
        )
    return (
        "Entraide : confirmez votre adresse e-mail",
        f"Bonjour,\n\nPour confirmer votre adresse e-mail, ouvrez ce lien (valable 48 heures) :"
        f"\n\n{link}\n\nSi vous n'avez pas créé de compte sur Entraide, ignorez ce message.\n",
    )


async def send_email_link(member: Member, node: NodeState) -> bool:
    """Mail the verification link; False (logged, without the link) when the server failed."""
    if member.email is None:
        return False
    subject, body = email_text(await email_link(member, node), node.settings.default_language)
    try:
        await node.mail.send(OutgoingMail(to=member.email, subject=subject, body=body))
    except DELIVERY_ERRORS as exc:
        log.warning("could not send a verification mail to member %s: %s", member.id, type(exc))
        return False
    return True


async def verify_email(token: str, node: NodeState) -> Member:
    """Mark the address the link proves verified; 400 when the link is unknown, used, expired or
    for an address the member no longer has."""
    row = await EmailVerification.get_or_none(token_hash=_token_hash(token)).select_related(
        "member"
    )
    if row is None:
        raise BadRequest.field("token", "This link is not valid.")
    if row.expires_at <= clock.now():
        raise BadRequest.field("token", "This link has expired; ask for a new one.")
    member = row.member
    if row.consumed_at is not None or member.email != row.email:
        raise BadRequest.field("token", "This link is no longer valid.")
    now = clock.now()
    if not await EmailVerification.filter(id=row.id, consumed_at=None).update(consumed_at=now):
        raise BadRequest.field("token", "This link is no longer valid.")
    if member.email_verified_at is None:
        member.email_verified_at = now
        await member.save(update_fields=["email_verified_at"])
    return member


# --- log-in and profile ------------------------------------------------------------------------


async def log_in(
    raw_phone: str,
    password: str,
    token_name: str = "api",
    *,
    node: NodeState,
    device: str | None = None,
) -> tuple[ApiToken, str]:
    """A new bearer token for the right phone and password; one generic 401 for anything else."""
    member = await authenticate(raw_phone, password, node=node, device=device)
    days = node.settings.api_token_days
    return await issue_token(member, token_name, lifetime=timedelta(days=days))


async def authenticate(
    raw_phone: str,
    password: str,
    *,
    node: NodeState,
    device: str | None = None,
) -> Member:
    """The member with this phone and password (the web session's log-in); 401 otherwise, 429
    while the number has too many recent failures (:mod:`node.services.login_throttle`) unless
    ``device`` is the device token of a previous log-in to this account."""
    try:
        phone: str | None = normalise_phone(raw_phone)
    except Unprocessable:
        phone, member = None, None
    else:
        member = await Member.get_or_none(phone=phone)
    known = member is not None and login_throttle.is_known_device(device, member.id, node.secret)
    if phone is not None and not known:
        await login_throttle.check(phone)
    password_hash = member.password_hash if member is not None else None
    if not await node.passwords.verify(password_hash, password) or member is None:
        if phone is not None and not known:
            await login_throttle.failed(phone)
        raise Unauthorized(_BAD_CREDENTIALS)
    assert password_hash is not None
    if member.is_barred(clock.now()):
        # Only after the right password: a stranger learns nothing about the account.
        raise Forbidden("This account is suspended by the node's moderators.")
    if node.passwords.needs_rehash(password_hash):
        member.password_hash = await node.passwords.hash(password)
        await member.save(update_fields=["password_hash"])
    return member


async def check_password(
    node: NodeState, member: Member, password: str, field: str = "password"
) -> None:
    if not await node.passwords.verify(member.password_hash, password):
        raise Forbidden("The password is wrong.", errors=[{"field": field, "message": "wrong"}])


async def update_profile(
    member: Member,
    changes: dict[str, Any],
    node: NodeState,
    current_token_id: int | None = None,
    current_session_id: int | None = None,
) -> Member:
    """Apply the keys present in ``changes``: ``pseudonym``, ``email`` (verified again),
    ``password`` (needs ``current_password``; every other token and web session ends)."""
    fields: list[str] = []
    send_link = False
    if "password" in changes:
        current = changes.get("current_password")
        if not current:
            raise Unprocessable.field("current_password", "Give the current password.")
        await check_password(node, member, current, "current_password")
        member.password_hash = await node.passwords.hash(changes["password"])
        fields.append("password_hash")
    if "pseudonym" in changes:
        member.pseudonym = changes["pseudonym"] or None
        fields.append("pseudonym")
    if "email" in changes:
        email = normalise_email(changes["email"])
        if email != member.email:
            await _ensure_free(None, email, exclude=member.id)
            member.email = email
            member.email_verified_at = None
            fields += ["email", "email_verified_at"]
            send_link = True
        elif member.email_verified_at is None:  # same address, not verified yet: mail it again
            send_link = True
    if fields:
        try:
            async with in_transaction():
                await member.save(update_fields=fields)
                if "password_hash" in fields:
                    others = ApiToken.filter(member_id=member.id, revoked_at=None)
                    if current_token_id is not None:
                        others = others.exclude(id=current_token_id)
                    await others.update(revoked_at=clock.now())
                    await sessions.end_other_sessions(member, current_session_id)
        except IntegrityError:
            raise Conflict.field("email", "This email address already has an account.") from None
    if send_link:
        await send_email_link(member, node)
    return member


async def delete_member(member: Member, password: str, node: NodeState) -> None:
    """Delete the account and, by cascade, its tokens, codes, memberships, actions, messages.

    :class:`MemberDeleted` is recorded first, in the same transaction, with the member's actions
    and the other nodes' actions they joined as they were: partners are told (federation)."""
    await check_password(node, member, password)
    await erase_member(member, node)


async def erase_member(member: Member, node: NodeState) -> None:
    """Delete the member's rows (cascade) after recording :class:`MemberDeleted`, which tells the
    partners: the account's own deletion, or a proxy profile whose consent was withdrawn."""
    async with in_transaction():
        # Their own actions and those an association posted for them (a proxy profile).
        actions = await Action.filter(Q(author_id=member.id) | Q(on_behalf_of_id=member.id))
        joined = await Action.filter(
            participations__member_id=member.id, origin_domain__isnull=False
        ).distinct()
        await node.events.record(
            node,
            MemberDeleted(
                member=member, actions=tuple(actions), joined=tuple(joined), when=clock.now()
            ),
        )
        await Member.filter(id=member.id).delete()
    actions_changed()  # their actions left the feed (and its cache)
