"""Web sessions as rows: the session cookie (signed by Quart) carries a random secret, and the
row it names must be live, so that ending a session on the server ends it for every copy of the
cookie. "Log out everywhere" ends every web session and every API token of the member."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from tortoise.transactions import in_transaction

from node import clock
from node.models import ApiToken, Member, WebSession

# last_seen_at is refreshed at most this often, so that page views do not turn into writes.
_TOUCH_EVERY = timedelta(minutes=5)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def open_session(member: Member, lifetime: timedelta, label: str = "") -> str:
    """A new session for ``member``; returns the secret the cookie carries (its only copy)."""
    secret = secrets.token_urlsafe(32)
    now = clock.now()
    await WebSession.create(
        member=member,
        secret_hash=_hash(secret),
        label=label[:100],
        created_at=now,
        expires_at=now + lifetime,
    )
    return secret


async def live_session(secret: str) -> WebSession | None:
    """The live (not revoked, not expired) session of ``secret``, its member loaded."""
    row = await WebSession.get_or_none(secret_hash=_hash(secret), revoked_at=None).select_related(
        "member"
    )
    now = clock.now()
    if row is None or row.expires_at <= now or row.member.is_barred(now):
        return None
    if row.last_seen_at is None or now - row.last_seen_at > _TOUCH_EVERY:
        await WebSession.filter(id=row.id).update(last_seen_at=now)
    return row


async def end_session(secret: str) -> None:
    await WebSession.filter(secret_hash=_hash(secret), revoked_at=None).update(
        revoked_at=clock.now()
    )


async def end_other_sessions(member: Member, keep_session_id: int | None = None) -> int:
    """End the member's web sessions but ``keep_session_id`` (after a password change)."""
    query = WebSession.filter(member_id=member.id, revoked_at=None)
    if keep_session_id is not None:
        query = query.exclude(id=keep_session_id)
    return await query.update(revoked_at=clock.now())


async def log_out_everywhere(member: Member) -> None:
    """End every web session and revoke every API token of ``member``, this one's included."""
    now = clock.now()
    async with in_transaction():
        await WebSession.filter(member_id=member.id, revoked_at=None).update(revoked_at=now)
        await ApiToken.filter(member_id=member.id, revoked_at=None).update(revoked_at=now)


async def sessions_of(member: Member) -> list[WebSession]:
    """The member's live web sessions, newest first."""
    return await WebSession.filter(
        member_id=member.id, revoked_at=None, expires_at__gt=clock.now()
    ).order_by("-created_at")
