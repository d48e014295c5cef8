"""Vote links by SMS: a member with a basic phone opens the proposal from a text message and
votes without a password. The link carries a one-time code (random, stored as SHA-256): it works
once and expires at the deadline or after :data:`LINK_LIFETIME`, whichever comes first.

Meeting confirmations use the same codes (six digits, read out or typed on the facilitator's
device), see :mod:`.meetings`.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from node import clock
from node.errors import NotFound, Problem
from node.messaging import OutgoingSms
from node.models import (
    CodePurpose,
    CommitteeMember,
    CommitteeProposal,
    Member,
    ProposalState,
    Vote,
    VoteChannel,
    VoteChoice,
    VoteCode,
)
from node.services import sms_caps
from node.services.committee.votes import cast_vote, require_open

if TYPE_CHECKING:
    from node.state import NodeState

LINK_LIFETIME = timedelta(days=3)
CONFIRM_LIFETIME = timedelta(minutes=30)
LINK_BYTES = 12  # 16 URL-safe characters: short enough for an SMS, too many to guess


class Gone(Problem):
    status = 410


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def vote_url(node: NodeState, code: str) -> str:
    return f"{node.settings.base_url.rstrip('/')}/v/{code}"


def _code_hash(purpose: CodePurpose, proposal_id: object, member_id: object, code: str) -> str:
    """Vote links are unique by themselves; a six-digit confirmation code only together with
    whose vote and which proposal it confirms."""
    if purpose == CodePurpose.VOTE:
        return _hash(code)
    return _hash(f"{purpose.value}:{proposal_id}:{member_id}:{code}")


async def issue_code(
    proposal: CommitteeProposal, member: Member, purpose: CodePurpose, lifetime: timedelta
) -> str:
    """A new one-time code for ``member`` on ``proposal``; returns the only copy."""
    if purpose == CodePurpose.VOTE:
        code = secrets.token_urlsafe(LINK_BYTES)
    else:
        code = f"{secrets.randbelow(1_000_000):06d}"
        # A new code replaces the member's earlier ones for this proposal.
        await VoteCode.filter(
            proposal_id=proposal.id, member_id=member.id, purpose=purpose, used_at=None
        ).delete()
    now = clock.now()
    await VoteCode.create(
        code_hash=_code_hash(purpose, proposal.id, member.id, code),
        purpose=purpose,
        proposal=proposal,
        member=member,
        expires_at=min(now + lifetime, proposal.deadline),
        created_at=now,
    )
    return code


async def send_vote_links(node: NodeState, proposal: CommitteeProposal) -> int:
    """Text a vote link to every seated member with a phone who has not voted yet, within the
    node's SMS caps (:mod:`node.services.sms_caps`): a number that reached its cap gets no
    link this time (the in-app notification still tells them, and the proposal's page lets
    them vote once signed in). Returns how many links were sent."""
    require_open(proposal)
    voted = await Vote.filter(proposal_id=proposal.id).values_list("member_id", flat=True)
    seats = await CommitteeMember.filter(active_member_id__not_isnull=True).select_related("member")
    sent = 0
    for seat in seats:
        member = seat.member
        if member.phone is None or member.id in voted:
            continue
        if not await sms_caps.allowed(node, member.phone):
            continue
        code = await issue_code(proposal, member, CodePurpose.VOTE, LINK_LIFETIME)
        body = (
            f"Comité de la rue : vote n° {proposal.number}, « {proposal.title} ». "
            f"Avant le {proposal.deadline:%d/%m}. {vote_url(node, code)}"
        )
        await node.sms.send(OutgoingSms(to=member.phone, body=body))
        sent += 1
    return sent


async def open_link(code: str) -> VoteCode:
    """The live code behind a vote link: 404 unknown, 410 used or expired."""
    row = await VoteCode.get_or_none(
        code_hash=_hash(code), purpose=CodePurpose.VOTE
    ).select_related("proposal", "member")
    if row is None:
        raise NotFound("This vote link is not valid.")
    if row.used_at is not None:
        raise Gone("This vote link was already used.")
    if row.expires_at <= clock.now() or row.proposal.state != ProposalState.OPEN:
        raise Gone("This vote link has expired.")
    return row


async def vote_with_link(node: NodeState, code: str, choice: VoteChoice, comment: str = "") -> Vote:
    """Vote through an SMS link; the code is spent by the same conditional UPDATE that checks
    it, so two taps on the link count once."""
    row = await open_link(code)
    now = clock.now()
    spent = await VoteCode.filter(id=row.id, used_at=None, expires_at__gt=now).update(used_at=now)
    if not spent:
        raise Gone("This vote link was already used.")
    return await cast_vote(
        node, row.proposal, row.member, choice, comment=comment, channel=VoteChannel.SMS
    )


async def spend_confirmation(proposal: CommitteeProposal, member: Member, code: str) -> bool:
    """Spend a meeting confirmation code; False when wrong, used or expired."""
    now = clock.now()
    spent = await VoteCode.filter(
        code_hash=_code_hash(CodePurpose.CONFIRM, proposal.id, member.id, code.strip()),
        purpose=CodePurpose.CONFIRM,
        proposal_id=proposal.id,
        member_id=member.id,
        used_at=None,
        expires_at__gt=now,
    ).update(used_at=now)
    return spent > 0
