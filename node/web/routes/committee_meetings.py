"""Meeting minutes on the facilitator's device: record who was there and the votes taken; each
present member then confirms their vote, with the code texted to them or in person (they tap
the button on this device). Plain forms: no JavaScript needed."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from quart import Blueprint, Response, flash, request, url_for

from node.errors import NotFound, Problem, Unprocessable
from node.http_state import current_node
from node.models import CommitteeProposal, Member, ProposalState, VoteChoice
from node.services.committee import meetings, proposals, seats
from node.web.context import gettext as _
from node.web.forms import (
    FormErrors,
    local_datetime,
    login_required,
    member,
    render,
    see_other,
    text,
)
from node.web.routes.committee import CHOICE_LABELS, STATE_LABELS

blueprint = Blueprint("web_committee_meetings", __name__, url_prefix="/committee/meetings")


async def _index(status: int = 200, **extra: Any) -> Response:
    await meetings.require_facilitator(member())
    extra.setdefault("errors", FormErrors())
    return await render(
        "committee/meetings.html",
        status,
        meetings=await meetings.list_meetings(),
        seats=await seats.list_seats(),
        **extra,
    )


@blueprint.get("")
@login_required
async def index() -> Response:
    return await _index()


@blueprint.post("")
@login_required
async def record() -> Response:
    me = member()
    form = await request.form
    try:
        held_at = local_datetime(form, "held_at")
        if held_at is None:
            raise Unprocessable.field("held_at", "Enter a date and a time.")
        try:
            present = [UUID(value) for value in form.getlist("present")]
        except ValueError:
            raise Unprocessable.field("present", "Name the members who were there.") from None
        meeting = await meetings.record_meeting(
            current_node(),
            held_at=held_at,
            present=present,
            by=me,
            place=text(form, "place", 200),
            notes=text(form, "notes", 5000),
        )
    except Problem as exc:
        return await _index(exc.status, errors=FormErrors.from_problem(exc))
    return see_other(url_for("web_committee_meetings.show", meeting_id=meeting.id))


async def _show(meeting_id: UUID, status: int = 200, **extra: Any) -> Response:
    await meetings.require_facilitator(member())
    meeting = await meetings.get_meeting(meeting_id)
    extra.setdefault("errors", FormErrors())
    return await render(
        "committee/meeting.html",
        status,
        meeting=meeting,
        present=await meetings.attendees(meeting),
        votes=await meetings.meeting_votes(meeting),
        open_proposals=await proposals.list_proposals(ProposalState.OPEN, limit=100),
        choices=list(VoteChoice),
        choice_labels=CHOICE_LABELS,
        state_labels=STATE_LABELS,
        **extra,
    )


@blueprint.get("/<uuid:meeting_id>")
@login_required
async def show(meeting_id: UUID) -> Response:
    return await _show(meeting_id)


@blueprint.post("/<uuid:meeting_id>/votes")
@login_required
async def record_vote(meeting_id: UUID) -> Response:
    me = member()
    form = await request.form
    meeting = await meetings.get_meeting(meeting_id)
    try:
        try:
            proposal = await CommitteeProposal.get_or_none(id=UUID(text(form, "proposal_id", 40)))
            voter = await Member.get_or_none(id=UUID(text(form, "member_id", 40)))
            choice = VoteChoice(form.get("choice", ""))
        except ValueError:
            raise Unprocessable.field("choice", "Choose for, against or abstain.") from None
        if proposal is None or voter is None:
            raise NotFound("No such proposal.")
        await meetings.record_meeting_vote(
            current_node(),
            meeting,
            proposal,
            voter,
            choice,
            by=me,
            comment=text(form, "comment", 500),
        )
    except Problem as exc:
        return await _show(meeting_id, exc.status, errors=FormErrors.from_problem(exc))
    await flash(
        _(
            "The vote of %(name)s is written down. It counts once confirmed.",
            name=voter.display_name,
        )
    )
    return see_other(url_for("web_committee_meetings.show", meeting_id=meeting.id) + "#votes")


@blueprint.post("/<uuid:meeting_id>/votes/<int:vote_id>/confirm")
@login_required
async def confirm(meeting_id: UUID, vote_id: int) -> Response:
    me = member()
    form = await request.form
    meeting = await meetings.get_meeting(meeting_id)
    try:
        vote = await meetings.get_vote(vote_id)
        if vote.meeting_id != meeting.id:  # type: ignore[attr-defined]
            raise NotFound("No such vote.")
        code = text(form, "code", 12) or None
        await meetings.confirm_meeting_vote(
            vote, by=me, code=code, in_person=code is None and form.get("in_person") == "1"
        )
    except Problem as exc:
        return await _show(meeting_id, exc.status, errors=FormErrors.from_problem(exc))
    await flash(_("The vote is confirmed and counts."))
    return see_other(url_for("web_committee_meetings.show", meeting_id=meeting.id) + "#votes")
