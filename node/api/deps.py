"""Who is calling: the member behind the ``Authorization: Bearer …`` header."""

from __future__ import annotations

from quart import g, request

from node.errors import Forbidden, Unauthorized
from node.models import Member
from node.services import admins, charter
from node.services.tokens import member_for_token

# What a member may do before accepting a new charter: read it, accept it, take their data,
# leave. Everything else answers 403 (problem type ``/problems/charter-not-accepted``).
CHARTER_FREE = frozenset(
    {
        ("GET", "/api/v1/charter"),
        ("POST", "/api/v1/charter/accept"),
        ("GET", "/api/v1/me/export"),
        ("DELETE", "/api/v1/me"),
    }
)

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="entraide"'}


async def optional_member() -> Member | None:
    """The authenticated member, or None for an anonymous request; a bad token is a 401."""
    if "member" in g:
        return g.member  # type: ignore[no-any-return]
    header = request.headers.get("Authorization", "")
    member = None
    if header:
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise Unauthorized("Use 'Authorization: Bearer <token>'.", headers=_CHALLENGE)
        member = await member_for_token(secret.strip())
        if member is None:
            raise Unauthorized("The token is unknown, expired or revoked.", headers=_CHALLENGE)
        if (request.method, request.path) not in CHARTER_FREE:
            await charter.require_accepted(member)
    g.member = member
    return member


async def require_member() -> Member:
    """The authenticated member; 401 when there is none."""
    member = await optional_member()
    if member is None:
        raise Unauthorized("Authentication required.", headers=_CHALLENGE)
    return member


async def require_verified_member() -> Member:
    """An authenticated member whose phone is verified; 403 otherwise."""
    member = await require_member()
    if not member.is_verified:
        raise Forbidden("Verify your phone number before doing this.")
    return member


async def require_node_admin() -> Member:
    """An authenticated node administrator; 401 without a token, 403 for other members."""
    return admins.require_node_admin(await require_member())


def screened_confirmed() -> bool:
    """``?confirm_screened=true``: the author saw the words of the moderators' list that a
    first try answered with 422 ``/problems/screened-words``, and posts anyway."""
    return request.args.get("confirm_screened", "").lower() in ("true", "1", "yes")
