"""API routes: calls for help and their answers and messages (/api/v1); following associations
and a member's area are in :mod:`node.api.call_follows`, who answered in
:mod:`node.api.call_respondents`.

Respondents appear by pseudonym only; a resident's place is never shown (their area is H3
cells, and only they see it).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field
from quart import Blueprint
from quart_schema import security_scheme, validate_querystring, validate_request, validate_response

from node.api.deps import (
    optional_member,
    require_member,
    require_verified_member,
    screened_confirmed,
)
from node.api.types import BEARER, Strict
from node.http_state import current_node
from node.models import Call, CallAnswer, CallKind, CallMessage, CallStatus, Member
from node.services.calls import (
    answers,
    audience,
    messages,
    occurrences,
    posting,
    reading,
    recurrence,
)
from node.services.inputs.calls import (
    AnswerIn,
    CallChanges,
    CallIn,
    CallMessageIn,
    ThanksIn,
    WithdrawIn,
)

blueprint = Blueprint("calls", __name__, url_prefix="/api/v1")


class CallPostIn(CallIn):
    association_id: UUID | None = Field(None, description="Required except for urgent calls")


class CallQuery(Strict):
    association_id: UUID | None = None
    limit: int = Field(20, ge=1, le=100)


class CloseIn(Strict):
    cancel: bool = False


class ItemOut(BaseModel):
    id: int
    label: str
    wanted: int
    remaining: int


class PledgeOut(BaseModel):
    item_id: int
    quantity: int


class MyAnswerOut(BaseModel):
    id: int
    pledges: list[PledgeOut]
    created_at: datetime
    confirmed: bool = Field(
        description="Counted by the call's node (a partner's call: once its node accepted it)"
    )


class OccurrenceOut(BaseModel):
    starts_at: datetime
    places: int = Field(description="How many people the date wants")
    places_left: int
    coming: bool = Field(description="Whether you come on this date")


class CallOut(BaseModel):
    id: UUID
    kind: CallKind
    status: CallStatus
    title: str
    body: str
    association_id: UUID | None
    association_name: str
    # A partner's call: its association's actor, which ``/partner-associations/follow`` takes.
    association_actor: str | None
    origin_domain: str | None
    place_name: str
    opening_hours: str
    skills: str
    starts_at: datetime | None
    ends_at: datetime
    # A repeating volunteers slot: its RRULE, and its next dates (at most 5, not yet begun).
    recurrence: str | None
    next_dates: list[datetime]
    # A repeating call of this node is answered per date: every date still to come.
    occurrences: list[OccurrenceOut]
    items: list[ItemOut]
    answers: int
    area_resolution: int
    area_cells: list[str]
    my_answer: MyAnswerOut | None
    can_manage: bool
    created_at: datetime
    updated_at: datetime


class CallListOut(BaseModel):
    items: list[CallOut]


class ThanksOut(BaseModel):
    thanked: int


class CallMessageOut(BaseModel):
    id: int
    from_association: bool
    author: str = Field(description="The association's name, or the respondent's pseudonym")
    to_answer_id: int | None = Field(
        description="The association's words to one respondent (their answer); null: to all"
    )
    body: str
    created_at: datetime


class CallMessageListOut(BaseModel):
    items: list[CallMessageOut]


def _message_out(row: CallMessage) -> CallMessageOut:
    return CallMessageOut(
        id=row.id,
        from_association=row.from_association,
        author=row.author_name,
        to_answer_id=row.answer_id if row.from_association else None,  # type: ignore[attr-defined]
        body=row.body,
        created_at=row.created_at,
    )


def pledges_out(row: CallAnswer) -> list[PledgeOut]:
    return [
        PledgeOut(item_id=p.item_id, quantity=p.quantity)  # type: ignore[attr-defined]
        for p in row.pledges
    ]


async def call_out(call: Call, viewer: Member | None) -> CallOut:
    mine = await reading.my_answer(call, viewer)
    association_id = call.association_id  # type: ignore[attr-defined]
    timezone = current_node().settings.timezone
    dates = await occurrences.places(call, timezone, viewer)
    items = await reading.items_of(call)
    if dates and items:
        # A repeating call's one quantity is what its next date still needs.
        items[0].remaining = dates[0].remaining
    return CallOut(
        id=call.id,
        kind=call.kind,
        status=reading.effective_status(call),
        title=call.title,
        body=call.body,
        association_id=association_id,
        association_name=call.association_name,
        association_actor=call.remote_association_iri,
        origin_domain=call.origin_domain,
        place_name=call.place_name,
        opening_hours=call.opening_hours,
        skills=call.skills,
        starts_at=call.starts_at,
        ends_at=call.ends_at,
        recurrence=call.recurrence,
        next_dates=recurrence.next_dates(call, timezone),
        occurrences=[
            OccurrenceOut(
                starts_at=d.start,
                places=d.places,
                places_left=d.remaining,
                coming=d.mine is not None,
            )
            for d in dates
        ],
        items=[
            ItemOut(id=i.id, label=i.label, wanted=i.wanted, remaining=i.remaining) for i in items
        ],
        answers=await reading.answer_count(call),
        area_resolution=call.resolution,
        area_cells=await audience.call_cells(call),
        my_answer=None
        if mine is None
        else MyAnswerOut(
            id=mine.id,
            pledges=pledges_out(mine),
            created_at=mine.created_at,
            confirmed=call.origin_domain is None or mine.confirmed_at is not None,
        ),
        can_manage=call.origin_domain is None
        and await reading.can_coordinate(viewer, association_id),
        created_at=call.created_at,
        updated_at=call.updated_at,
    )


@blueprint.get("/calls")
@security_scheme(BEARER)
@validate_querystring(CallQuery)
@validate_response(CallListOut)
async def list_calls(query_args: CallQuery) -> CallListOut:
    """Open calls of an association (``association_id``, anyone), or the calls whose area holds
    your area (``PUT /api/v1/members/me/area`` first)."""
    if query_args.association_id is not None:
        member = await optional_member()
        rows = await reading.of_association(query_args.association_id, query_args.limit)
    else:
        member = await require_member()
        rows = await reading.near(member, query_args.limit)
    return CallListOut(items=[await call_out(row, member) for row in rows])


@blueprint.post("/calls")
@security_scheme(BEARER)
@validate_request(CallPostIn)
@validate_response(CallOut, 201)
async def post_call(data: CallPostIn) -> tuple[CallOut, int]:
    """An association's coordinator posts a call (urgent: node admins only). 403 for other
    members, 404 unknown association, 422 bad kind/items/area/dates, 429 past the limits (with
    ``Retry-After``). Words of the moderators' list: 422 ``/problems/screened-words`` until
    sent again with ``?confirm_screened=true``."""
    member = await require_verified_member()
    fields = data.model_dump(exclude={"association_id"})
    call = await posting.post_call(
        current_node(),
        member,
        CallIn.model_validate(fields),
        data.association_id,
        confirmed_screened=screened_confirmed(),
    )
    return await call_out(call, member), 201


@blueprint.get("/calls/<uuid:call_id>")
@validate_response(CallOut)
async def get_call(call_id: UUID) -> CallOut:
    """A call (public, like the post it is on the fediverse); 404 when there is none."""
    member = await optional_member()
    return await call_out(await reading.get_call(call_id, member), member)


@blueprint.patch("/calls/<uuid:call_id>")
@security_scheme(BEARER)
@validate_request(CallChanges)
@validate_response(CallOut)
async def edit_call(call_id: UUID, data: CallChanges) -> CallOut:
    """Change a live call; respondents are told. 403 non-coordinators, 409 once over, 422
    new words of the moderators' list (``?confirm_screened=true`` to keep them)."""
    member = await require_member()
    call = await posting.edit_call(
        current_node(), member, call_id, data, confirmed_screened=screened_confirmed()
    )
    return await call_out(call, member)


@blueprint.post("/calls/<uuid:call_id>/close")
@security_scheme(BEARER)
@validate_request(CloseIn)
@validate_response(CallOut)
async def close_call(call_id: UUID, data: CloseIn) -> CallOut:
    """Close (or ``cancel``) a call; respondents are told. 409 when already over."""
    member = await require_member()
    call = await posting.close_call(current_node(), member, call_id, cancel=data.cancel)
    return await call_out(call, member)


@blueprint.delete("/calls/<uuid:call_id>")
@security_scheme(BEARER)
async def delete_call(call_id: UUID) -> tuple[str, int]:
    """Delete a call: it goes from partners and followers too (``Delete``), and respondents
    are told. 403 non-coordinators, 404 no call (or a partner's: its own node deletes it)."""
    member = await require_member()
    await posting.delete_call(current_node(), member, call_id)
    return "", 204


@blueprint.post("/calls/<uuid:call_id>/thanks")
@security_scheme(BEARER)
@validate_request(ThanksIn)
@validate_response(ThanksOut)
async def thank_respondents(call_id: UUID, data: ThanksIn) -> ThanksOut:
    """Thank every respondent at once (409 the second time; 422 for words of the moderators'
    list, ``?confirm_screened=true`` to send them)."""
    member = await require_member()
    count = await posting.thank_all(
        current_node(), member, call_id, data.message, confirmed_screened=screened_confirmed()
    )
    return ThanksOut(thanked=count)


@blueprint.get("/calls/<uuid:call_id>/messages")
@security_scheme(BEARER)
@validate_response(CallMessageListOut)
async def list_messages(call_id: UUID) -> CallMessageListOut:
    """The words between the association and its respondents: its coordinators read them all,
    a respondent what the association wrote to all or to them and their own. 403 anyone
    else, 404 no call."""
    member = await require_member()
    rows = await messages.conversation(member, call_id)
    return CallMessageListOut(items=[_message_out(row) for row in rows])


@blueprint.post("/calls/<uuid:call_id>/messages")
@security_scheme(BEARER)
@validate_request(CallMessageIn)
@validate_response(CallMessageOut, 201)
async def post_message(call_id: UUID, data: CallMessageIn) -> tuple[CallMessageOut, int]:
    """Coordinators write to every respondent, or to one (``answer_id``); a respondent writes
    to the association. 403 anyone else, 404 no call, 409 nobody answered yet, 422 an empty
    or too long text, an ``answer_id`` that is not a respondent (or from a respondent), words
    of the moderators' list until sent again with ``?confirm_screened=true``."""
    member = await require_verified_member()
    row = await messages.post(
        current_node(),
        member,
        call_id,
        data.body,
        data.answer_id,
        confirmed_screened=screened_confirmed(),
    )
    return _message_out(row), 201


@blueprint.post("/calls/<uuid:call_id>/answers")
@security_scheme(BEARER)
@validate_request(AnswerIn)
@validate_response(CallOut, 201)
async def answer_call(call_id: UUID, data: AnswerIn) -> tuple[CallOut, int]:
    """Answer: ``{}`` for "I'm coming", ``{"pledges": [{"item_id", "quantity"}]}`` for a
    donations call; a repeating volunteers call takes ``{"dates": [...]}`` (default: its next
    date). 409 full (or one of the dates is), over or already answered (for one of the
    dates); 422 bad quantities, or a date that is not one of the call's, past, given twice,
    or more than 100."""
    member = await require_verified_member()
    pledges = [answers.Pledge(item_id=p.item_id, quantity=p.quantity) for p in data.pledges]
    await answers.answer(current_node(), member, call_id, pledges, data.dates)
    return await call_out(await reading.get_call(call_id, member), member), 201


@blueprint.delete("/calls/<uuid:call_id>/answers/me")
@security_scheme(BEARER)
@validate_querystring(WithdrawIn)
async def withdraw_answer(call_id: UUID, query_args: WithdrawIn) -> tuple[str, int]:
    """Withdraw your answer: what you pledged is needed again (404 without an answer). A
    repeating call: ``?date=`` withdraws from that date only (404 you do not come on it, 422
    a past date or a call without dates), no date from every date still to come."""
    member = await require_member()
    await answers.withdraw(current_node(), member, call_id, query_args.date)
    return "", 204
