"""Bearer tokens for the API: random, shown once, stored as SHA-256, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from node import clock
from node.models import ApiToken, Member

TOKEN_BYTES = 32
# last_used_at is refreshed at most this often, so that reads do not turn into writes.
_TOUCH_EVERY = timedelta(minutes=5)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# A token lives this long unless the node's ``api_token_days`` says otherwise; an app renews it
# before then with POST /api/v1/auth/refresh (a stolen token stops working by itself).
DEFAULT_LIFETIME = timedelta(days=30)


async def issue_token(
    member: Member, name: str = "api", *, lifetime: timedelta = DEFAULT_LIFETIME
) -> tuple[ApiToken, str]:
    """Create a token for ``member``, valid for ``lifetime``; returns the row and the only copy
    of the secret."""
    secret = secrets.token_urlsafe(TOKEN_BYTES)
    row = await ApiToken.create(
        member=member,
        token_hash=hash_token(secret),
        name=name,
        expires_at=clock.now() + lifetime,
    )
    return row, secret


async def refresh_token(
    secret: str, *, lifetime: timedelta = DEFAULT_LIFETIME
) -> tuple[ApiToken, str] | None:
    """Exchange a live token for a new one of the same name (the old one is revoked at once);
    None when the token is unknown, revoked or expired: the member logs in again."""
    row = await ApiToken.get_or_none(token_hash=hash_token(secret), revoked_at=None)
    now = clock.now()
    if row is None or (row.expires_at is not None and row.expires_at <= now):
        return None
    revoked = await ApiToken.filter(id=row.id, revoked_at=None).update(revoked_at=now)
    if not revoked:  # refreshed concurrently: only one of the two callers gets a new token
        return None
    member = await Member.get(id=row.member_id)  # type: ignore[attr-defined]
    return await issue_token(member, row.name, lifetime=lifetime)


async def member_for_token(secret: str) -> Member | None:
    """The member a live (not revoked, not expired) token belongs to, or None."""
    row = await ApiToken.get_or_none(token_hash=hash_token(secret), revoked_at=None).select_related(
        "member"
    )
    now = clock.now()
    if row is None or (row.expires_at is not None and row.expires_at <= now):
        return None
    if row.member.is_barred(now):  # suspended or banned by the moderators
        return None
    if row.last_used_at is None or now - row.last_used_at > _TOUCH_EVERY:
        await ApiToken.filter(id=row.id).update(last_used_at=now)
    return row.member


async def revoke_token(member: Member, token_id: int) -> bool:
    """Revoke one of the member's tokens; False when it is not theirs or already revoked."""
    updated = await ApiToken.filter(id=token_id, member=member, revoked_at=None).update(
        revoked_at=clock.now()
    )
    return updated > 0
