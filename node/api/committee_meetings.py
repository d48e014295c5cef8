"""The street committee's meetings: a facilitator records a meeting that took place and who was
there, writes down the votes taken in it, and each counts once the member confirms it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field, StringConstraints
from quart import Blueprint
from quart_schema import security_scheme, validate_request, validate_response

from node.api.committee_proposals import Comment, VoteOut, seat_or_admin, vote_out
from node.api.deps import require_member
from node.api.types import BEARER, MULTI_LINE, ONE_LINE, Moment, Strict
from node.errors import NotFound
from node.http_state import current_node
from node.models import Meeting, Member, VoteChoice
from node.services.committee import meetings, proposals

blueprint = Blueprint("committee_meetings", __name__, url_prefix="/api/v1")


class MeetingIn(Strict):
    held_at: Moment
    place: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), ONE_LINE] = ""
    notes: Annotated[str, StringConstraints(max_length=5000), MULTI_LINE] = ""
    present: list[UUID] = Field(min_length=1, max_length=100)


class PresentOut(BaseModel):
    member_id: UUID
    pseudonym: str


class MeetingOut(BaseModel):
    id: UUID
    held_at: datetime
    place: str
    notes: str
    present: list[PresentOut]
    votes: list[VoteOut]


class MeetingsOut(BaseModel):
    items: list[MeetingOut]


class MeetingVoteIn(Strict):
    proposal_id: UUID
    member_id: UUID
    choice: VoteChoice
    comment: Comment = ""


class ConfirmIn(Strict):
    code: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=6, max_length=6)] | None
    ) = None
    in_person: bool = False


async def _meeting_out(meeting: Meeting) -> MeetingOut:
    people = await meetings.attendees(meeting)
    return MeetingOut(
        id=meeting.id,
        held_at=meeting.held_at,
        place=meeting.place,
        notes=meeting.notes,
        present=[PresentOut(member_id=m.id, pseudonym=m.display_name) for m in people],
        votes=[vote_out(v) for v in await meetings.meeting_votes(meeting)],
    )


@blueprint.post("/committee/meetings")
@security_scheme(BEARER)
@validate_request(MeetingIn)
@validate_response(MeetingOut, 201)
async def record_meeting(data: MeetingIn) -> tuple[MeetingOut, int]:
    """Facilitator: record a meeting that took place and who was there."""
    by = await require_member()
    meeting = await meetings.record_meeting(
        current_node(),
        held_at=data.held_at,
        present=data.present,
        by=by,
        place=data.place,
        notes=data.notes,
    )
    return await _meeting_out(meeting), 201


@blueprint.get("/committee/meetings")
@security_scheme(BEARER)
@validate_response(MeetingsOut)
async def list_meetings() -> MeetingsOut:
    await seat_or_admin(await require_member())
    return MeetingsOut(items=[await _meeting_out(m) for m in await meetings.list_meetings()])


@blueprint.get("/committee/meetings/<uuid:meeting_id>")
@security_scheme(BEARER)
@validate_response(MeetingOut)
async def get_meeting(meeting_id: UUID) -> MeetingOut:
    await seat_or_admin(await require_member())
    return await _meeting_out(await meetings.get_meeting(meeting_id))


@blueprint.post("/committee/meetings/<uuid:meeting_id>/votes")
@security_scheme(BEARER)
@validate_request(MeetingVoteIn)
@validate_response(VoteOut, 201)
async def record_meeting_vote(meeting_id: UUID, data: MeetingVoteIn) -> tuple[VoteOut, int]:
    """Facilitator: write down a vote taken in the meeting; it counts once the member confirms
    it (a code is texted to them when they have a phone)."""
    by = await require_member()
    meeting = await meetings.get_meeting(meeting_id)
    proposal = await proposals.get_proposal(data.proposal_id)
    voter = await Member.get_or_none(id=data.member_id)
    if voter is None:
        raise NotFound("No such member.")
    row = await meetings.record_meeting_vote(
        current_node(), meeting, proposal, voter, data.choice, by=by, comment=data.comment
    )
    row.member = voter
    return vote_out(row), 201


@blueprint.post("/committee/meetings/<uuid:meeting_id>/votes/<int:vote_id>/confirm")
@security_scheme(BEARER)
@validate_request(ConfirmIn)
@validate_response(VoteOut)
async def confirm_meeting_vote(meeting_id: UUID, vote_id: int, data: ConfirmIn) -> VoteOut:
    """Facilitator's device: the member confirms their vote with the code they received, or in
    person (``in_person: true``)."""
    by = await require_member()
    meeting = await meetings.get_meeting(meeting_id)
    row = await meetings.get_vote(vote_id)
    if row.meeting_id != meeting.id:  # type: ignore[attr-defined]
        raise NotFound("No such vote in this meeting.")
    row = await meetings.confirm_meeting_vote(
        row, by=by, code=data.code, in_person=data.in_person and data.code is None
    )
    await row.fetch_related("member")
    return vote_out(row)
