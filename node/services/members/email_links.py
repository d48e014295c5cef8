"""Email verification: a link with a random token (only its SHA-256 is stored), valid
48 hours, for the address the member has when they open it.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta
from urllib.parse import quote

from node import clock
from node.errors import BadRequest
from node.messaging.backends import OutgoingMail
from node.models import EmailVerification, Member
from node.services.members.outgoing import DELIVERY_ERRORS
from node.state import NodeState

log = logging.getLogger("entraide.members")


EMAIL_LIFETIME = timedelta(hours=48)


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
