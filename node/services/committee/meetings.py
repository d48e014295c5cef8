"""Meetings: most committees meet in person. The facilitator records the meeting (date, place,
who was there) and the votes taken; each present member confirms their own vote, with a code
sent to their phone or in person at the facilitator's device. Until then it does not count.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from tortoise.transactions import in_transaction

from node import clock
from node.errors import Conflict, Forbidden, NotFound, Unprocessable
from node.messaging import OutgoingSms
from node.models import (
    CodePurpose,
    CommitteeMember,
    CommitteeProposal,
    CommitteeRole,
    Meeting,
    MeetingAttendee,
    Member,
    Vote,
    VoteChannel,
    VoteChoice,
)
from node.services import sms_caps
from node.services.committee.links import CONFIRM_LIFETIME, issue_code, spend_confirmation
from node.services.committee.votes import cast_vote, require_open

if TYPE_CHECKING:
    from node.state import NodeState

PLACE_MAX = 200
NOTES_MAX = 5000


async def require_facilitator(member: Member) -> None:
    """Facilitators record meetings; node admins may help them."""
    if member.is_admin:
        return
    seat = await CommitteeMember.get_or_none(active_member_id=member.id)
    if seat is None or seat.role != CommitteeRole.FACILITATOR:
        raise Forbidden("Only the committee's facilitator can do this.")


async def record_meeting(
    node: NodeState,
    *,
    held_at: datetime,
    present: Sequence[uuid.UUID],
    by: Member,
    place: str = "",
    notes: str = "",
) -> Meeting:
    await require_facilitator(by)
    place, notes = place.strip(), notes.strip()
    if len(place) > PLACE_MAX:
        raise Unprocessable.field("place", f"at most {PLACE_MAX} characters")
    if len(notes) > NOTES_MAX:
        raise Unprocessable.field("notes", f"at most {NOTES_MAX} characters")
    if held_at > clock.now():
        raise Unprocessable.field("held_at", "A meeting is recorded once it took place.")
    wanted = set(present)
    if not wanted:
        raise Unprocessable.field("present", "Name the members who were there.")
    seated = set(
        await CommitteeMember.filter(active_member_id__in=list(wanted)).values_list(
            "active_member_id", flat=True
        )
    )
    if seated != wanted:
        raise Unprocessable.field("present", "Everyone present must sit on the committee.")
    async with in_transaction():
        meeting = await Meeting.create(
            id=uuid.uuid4(),
            held_at=held_at,
            place=place,
            notes=notes,
            recorded_by=by,
            created_at=clock.now(),
        )
        for member_id in sorted(wanted):
            await MeetingAttendee.create(meeting=meeting, member_id=member_id)
    return meeting


async def get_meeting(meeting_id: uuid.UUID) -> Meeting:
    meeting = await Meeting.get_or_none(id=meeting_id)
    if meeting is None:
        raise NotFound("No such meeting.")
    return meeting


async def list_meetings(limit: int = 50) -> list[Meeting]:
    return await Meeting.all().order_by("-held_at").limit(limit)


async def attendees(meeting: Meeting) -> list[Member]:
    rows = await MeetingAttendee.filter(meeting=meeting).select_related("member")
    return [row.member for row in rows]


async def record_meeting_vote(
    node: NodeState,
    meeting: Meeting,
    proposal: CommitteeProposal,
    voter: Member,
    choice: VoteChoice,
    *,
    by: Member,
    comment: str = "",
) -> Vote:
    """The facilitator writes down a vote taken in the meeting; it waits for the voter's
    confirmation, and a code goes to the voter's phone when they have one."""
    await require_facilitator(by)
    if not await MeetingAttendee.filter(meeting=meeting, member=voter).exists():
        raise Unprocessable.field("member_id", "This member was not at the meeting.")
    if voter.phone is not None:
        # The confirmation code is a text like a sign-up code: the same caps hold (429).
        await sms_caps.reserve(node, voter.phone)
    vote = await cast_vote(
        node, proposal, voter, choice, comment=comment, channel=VoteChannel.MEETING, meeting=meeting
    )
    if voter.phone is not None:
        code = await issue_code(proposal, voter, CodePurpose.CONFIRM, CONFIRM_LIFETIME)
        label = {"for": "pour", "against": "contre", "abstain": "abstention"}[choice.value]
        body = (
            f"Comité de la rue : en réunion, vous avez voté « {label} » sur le n° "
            f"{proposal.number}. Pour le confirmer, donnez ce code : {code}"
        )
        await node.sms.send(OutgoingSms(to=voter.phone, body=body))
    return vote


async def confirm_meeting_vote(
    vote: Vote, *, by: Member, code: str | None = None, in_person: bool = False
) -> Vote:
    """Confirm a meeting vote: with the code the voter received, or in person (the voter
    taps "I confirm" on the facilitator's device, the facilitator attests it)."""
    await require_facilitator(by)
    if vote.channel != VoteChannel.MEETING or vote.confirmed_at is not None:
        raise Conflict("This vote needs no confirmation.")
    proposal = await CommitteeProposal.get(id=vote.proposal_id)  # type: ignore[attr-defined]
    require_open(proposal)
    voter = await Member.get(id=vote.member_id)  # type: ignore[attr-defined]
    if code is not None:
        if not await spend_confirmation(proposal, voter, code):
            raise Unprocessable.field("code", "This code is wrong or has expired.")
        how = "sms"
    elif in_person:
        how = "in_person"
    else:
        raise Unprocessable.field(
            "code", "Give the code the member received, or confirm in person."
        )
    now = clock.now()
    await Vote.filter(id=vote.id, confirmed_at=None).update(confirmed_at=now, confirmed_how=how)
    vote.confirmed_at, vote.confirmed_how = now, how
    return vote


async def meeting_votes(meeting: Meeting) -> list[Vote]:
    return await Vote.filter(meeting=meeting).select_related("member", "proposal").order_by("id")


async def get_vote(vote_id: int) -> Vote:
    vote = await Vote.get_or_none(id=vote_id)
    if vote is None:
        raise NotFound("No such vote.")
    return vote
