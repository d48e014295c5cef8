"""Verifying a member's number: a code texted at sign-up or on request (within the SMS caps),
checked once; a number nobody verified within a day is no longer waiting.
"""

from __future__ import annotations

from datetime import timedelta

from node import clock
from node.models import Member
from node.services import sms_caps
from node.services.members.accounts import member_by_phone
from node.services.members.outgoing import send_text
from node.services.phone import CodeRejected, check_code, issue_code, normalise_phone, sms_text
from node.state import NodeState

# An account whose number nobody verified within this time is deleted: it holds no number.
SIGN_UP_LIFETIME = timedelta(hours=24)


async def text_code(node: NodeState, member: Member) -> bool:
    assert member.phone is not None
    code = await issue_code(member, node.secret)
    return await send_text(node, member.phone, sms_text(code, node.settings.default_language))


async def send_phone_code(member: Member, node: NodeState) -> bool:
    """Issue a code and text it (429 past the SMS caps); False (logged, without the code) when
    the gateway failed."""
    if member.phone is None:
        return False
    await sms_caps.reserve(node, member.phone)
    return await text_code(node, member)


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
        await text_code(node, member)
