"""Accounts: made by an operator, found by number, their profile changed, deleted (and the
partners told).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from email_validator import EmailNotValidError, validate_email
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from node import clock, passwords
from node.caches import actions_changed
from node.errors import Conflict, Forbidden, Unprocessable
from node.events import MemberDeleted
from node.models import Action, ApiToken, Member, MemberKind
from node.services import charter, sessions
from node.services.calls import remote_follows
from node.services.members.email_links import send_email_link
from node.services.phone import normalise_phone
from node.state import NodeState


def normalise_email(raw: str) -> str:
    """A syntactically valid address, lower-cased (no DNS lookup); 422 on field ``email``."""
    try:
        result = validate_email(raw, check_deliverability=False)
    except EmailNotValidError as exc:
        raise Unprocessable.field("email", str(exc)) from None
    return result.normalized.lower()


async def ensure_free(phone: str | None, email: str | None, exclude: UUID | None = None) -> None:
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
    await ensure_free(phone, email)
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


async def member_by_phone(raw_phone: str) -> Member | None:
    return await Member.get_or_none(phone=normalise_phone(raw_phone))


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
            await ensure_free(None, email, exclude=member.id)
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
        await remote_follows.leave_all(node, member)
        await Member.filter(id=member.id).delete()
    actions_changed()  # their actions left the feed (and its cache)
