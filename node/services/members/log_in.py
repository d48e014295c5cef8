"""Logging in with a phone number and a password: one generic 401 for anything wrong, the
number held back after too many failures, the hash upgraded when the costs changed.
"""

from __future__ import annotations

from datetime import timedelta

from node import clock
from node.errors import Forbidden, Unauthorized, Unprocessable
from node.models import ApiToken, Member
from node.services import login_throttle
from node.services.phone import normalise_phone
from node.services.tokens import issue_token
from node.state import NodeState

_BAD_CREDENTIALS = "Wrong phone number or password."


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
