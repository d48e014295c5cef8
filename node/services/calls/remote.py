"""Calls of partner nodes, and answers coming from them.

A partner's call arrives as an object its federation layer has already parsed into
:class:`RemoteCall`; the rules are here, shared with local calls: its area must be cells inside
this node's area (:func:`audience.check_cells`), it belongs to the sender's own association
actor. Its quantities are the partner's (the origin counts): an update replaces them.

Answers from a partner's members come as :class:`answers.Respondent` with an opaque actor key
(the partner's instance actor plus a per-call respondent token: never the member's account) and
the activity id that keys them, so a second delivery changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from tortoise.transactions import in_transaction

from node import clock
from node.errors import Conflict, NotFound, Problem, Unprocessable
from node.events import CallAnswerRefused, CallDeleted, CallPosted, CallUpdated
from node.models import AnswerStatus, Call, CallAnswer, CallItem, CallKind, CallStatus
from node.services.calls import answers, occurrences, refusals
from node.services.calls.audience import check_cells, save_cells

if TYPE_CHECKING:
    from node.state import NodeState

_FIELDS = (
    "title",
    "body",
    "place_name",
    "opening_hours",
    "starts_at",
    "ends_at",
    "recurrence",
    "remote_places",
)


@dataclass(frozen=True)
class RemoteItem:
    iri: str
    label: str
    wanted: int
    remaining: int


@dataclass(frozen=True)
class RemoteCall:
    iri: str
    origin_domain: str
    association_iri: str
    association_name: str
    kind: CallKind
    status: CallStatus
    title: str
    body: str
    place_name: str
    starts_at: datetime | None
    ends_at: datetime
    cells: tuple[str, ...]
    items: tuple[RemoteItem, ...]
    opening_hours: str = ""
    # The partner's ``updated`` (or ``published``) of this version.
    updated: datetime | None = None
    # A repeating slot's RRULE (``starts_at`` is then its first date).
    recurrence: str | None = None
    # A repeating slot: what each coming date still wants (``{"2026-12-05T18:00:00Z": 2}``),
    # None when its node does not say.
    remote_places: dict[str, int] | None = None


async def receive_call(node: NodeState, data: RemoteCall) -> Call:
    """Store a partner's call (a second ``Create`` updates it). 422 for an area outside ours."""
    existing = await Call.get_or_none(remote_iri=data.iri)
    if existing is not None:
        return await update_call(node, data)
    audience = check_cells(node.settings, data.cells)
    now = clock.now()
    async with in_transaction():
        call = await Call.create(
            kind=data.kind,
            status=data.status,
            title=data.title,
            body=data.body,
            place_name=data.place_name,
            opening_hours=data.opening_hours,
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            recurrence=data.recurrence,
            remote_places=data.remote_places,
            resolution=audience.resolution,
            created_at=now,
            updated_at=now,
            origin_domain=data.origin_domain,
            remote_iri=data.iri,
            remote_association_iri=data.association_iri,
            remote_association_name=data.association_name,
            remote_updated_at=data.updated,
        )
        for position, item in enumerate(data.items):
            await CallItem.create(
                call=call,
                position=position,
                label=item.label,
                wanted=item.wanted,
                remaining=item.remaining,
                remote_iri=item.iri,
            )
        await save_cells(call, audience)
        await node.events.record(node, CallPosted(call=call))
    return call


async def update_call(node: NodeState, data: RemoteCall) -> Call:
    """A partner changed its call (words, dates, quantities, status); 404 when unknown, and
    only the association that posted it may change it."""
    call = await Call.get_or_none(remote_iri=data.iri)
    if call is None:
        raise NotFound("No such call.")
    if call.remote_association_iri != data.association_iri:
        raise Unprocessable("Only the association that posted a call may change it.")
    if _stale(call.remote_updated_at, data.updated):
        # Deliveries are not ordered: the version of a later change already arrived (as
        # Mastodon's UpdateStatusService keeps the newer edit).
        raise Stale("an older version of the call than the one already received")
    changed: set[str] = set()
    async with in_transaction():
        if data.updated is not None:
            call.remote_updated_at = data.updated
        for name in _FIELDS:
            value = getattr(data, name)
            if getattr(call, name) != value:
                setattr(call, name, value)
                changed.add(name)
        if call.status != data.status:
            call.status = data.status
            changed.add("status")
        items = {item.remote_iri: item for item in await CallItem.filter(call_id=call.id)}
        for item in data.items:
            row = items.get(item.iri)
            if row is not None and (row.remaining, row.wanted) != (item.remaining, item.wanted):
                row.remaining, row.wanted = item.remaining, item.wanted
                await row.save(update_fields=["remaining", "wanted"])
                changed.add("items")
        if changed:
            call.updated_at = clock.now()
            await call.save()
            await node.events.record(node, CallUpdated(call=call, changed=frozenset(changed)))
        elif data.updated is not None:
            await call.save(update_fields=["remote_updated_at"])
    return call


class Stale(Unprocessable):
    """An ``Update`` older than the version this node holds."""


def _stale(held: datetime | None, incoming: datetime | None) -> bool:
    return held is not None and incoming is not None and incoming < held


def local_call_id(base_url: str, iri: str | None) -> UUID:
    """The id of one of our calls from its IRI (404 for anything else)."""
    prefix = f"{base_url}/calls/"
    if iri is None or not iri.startswith(prefix):
        raise NotFound("Not one of our calls.")
    try:
        return UUID(iri.removeprefix(prefix).split("#", 1)[0])
    except ValueError:
        raise NotFound("Not one of our calls.") from None


def local_item_id(base_url: str, call_id: UUID, iri: str | None) -> int:
    prefix = f"{base_url}/calls/{call_id}#item-"
    if iri is None or not iri.startswith(prefix) or not iri.removeprefix(prefix).isdigit():
        raise Unprocessable.field("pledges", "this item is not in the call")
    return int(iri.removeprefix(prefix))


async def answer_from_partner(
    node: NodeState,
    call_id: UUID,
    who: answers.Respondent,
    pledges: list[answers.Pledge] | Problem,
    activity_id: str,
    date: datetime | None = None,
) -> CallAnswer:
    """Count a partner member's answer, or keep it refused (``pledges`` may already be the
    problem found in them): either way the partner hears the outcome (``Accept`` through
    :class:`CallAnswered`, ``Reject`` through :class:`CallAnswerRefused`). 404 for no call.

    A repeating call counts it for ``date`` (the ``Join``'s ``startTime``; refused when not
    one of its dates or past), else for its next date: what Mastodon-like servers and nodes
    that answer the whole call send. A call that does not repeat has no date to choose."""
    call = await Call.get_or_none(id=call_id)
    if call is None or call.origin_domain is not None:
        raise NotFound("Not one of our calls.")
    if isinstance(pledges, Problem):
        return await refuse(node, call_id, who, activity_id=activity_id, problem=pledges)
    try:
        dates = [date] if date is not None and occurrences.counted_here(call) else None
        rows = await answers.take(node, call_id, who, pledges, activity_id=activity_id, dates=dates)
        return rows[0]
    except NotFound:
        raise
    except Problem as exc:
        return await refuse(node, call_id, who, activity_id=activity_id, problem=exc)


def local_answer_ref(base_url: str, iri: str | None) -> tuple[UUID, int]:
    """(call id, answer id) of one of our members' answers from its activity id (404 else)."""
    prefix = f"{base_url}/calls/"
    rest = (iri or "").removeprefix(prefix)
    call_part, sep, answer_part = rest.partition("/answers/")
    if iri is None or not iri.startswith(prefix) or not sep or not answer_part.isdigit():
        raise NotFound("Not one of our answers.")
    try:
        return UUID(call_part), int(answer_part)
    except ValueError:
        raise NotFound("Not one of our answers.") from None


async def decision_from_partner(
    node: NodeState, answer_iri: str | None, sender_iri: str, *, accepted: bool, reason: str
) -> CallAnswer:
    """``Accept``/``Reject`` of our member's answer: only from the association actor that
    posted the call (404 for anyone else, or an answer that is not ours)."""
    call_id, answer_id = local_answer_ref(node.settings.base_url, answer_iri)
    row = await CallAnswer.get_or_none(
        id=answer_id, call_id=call_id, member_id__isnull=False
    ).select_related("call")
    if row is None or row.call.origin_domain is None:
        raise NotFound("Not one of our answers.")
    if row.call.remote_association_iri != sender_iri:
        raise NotFound("Only the association that posted the call decides on its answers.")
    return await decided(node, row, accepted=accepted, reason=reason)


async def withdraw_from_partner(node: NodeState, activity_id: str, sender_iri: str) -> CallAnswer:
    """Undo of a partner's Join/Offer: only the node that sent it may undo it (404 else)."""
    row = await CallAnswer.get_or_none(activity_id=activity_id, status=AnswerStatus.ACTIVE)
    if row is None or not (row.remote_actor_iri or "").startswith(sender_iri + "#"):
        raise NotFound("There is no answer to withdraw.")
    who = answers.Respondent(actor_iri=row.remote_actor_iri, name=row.remote_name)
    call_id = row.call_id  # type: ignore[attr-defined]
    # One activity, one date: only the date that Join was counted for is withdrawn.
    return await answers.give_back(node, call_id, who, activity_id=activity_id)


async def is_partner_call(iri: str | None) -> bool:
    return iri is not None and await Call.exists(remote_iri=iri)


async def delete_call(node: NodeState, iri: str, sender_iri: str) -> None:
    """A partner deleted its call: the mirror goes and our respondents are told. Only the
    association that posted it may delete it (422 else, 404 when unknown)."""
    call = await Call.get_or_none(remote_iri=iri)
    if call is None:
        raise NotFound("No such call.")
    if call.remote_association_iri != sender_iri:
        raise Unprocessable("Only the association that posted a call may delete it.")
    async with in_transaction():
        await node.events.record(node, CallDeleted(call=call))
        await Call.filter(id=call.id).delete()


async def forget_association(node: NodeState, association_iri: str) -> int:
    """A partner's association actor is gone: so are its calls here (respondents told)."""
    count = 0
    for call in await Call.filter(remote_association_iri=association_iri):
        await delete_call(node, call.remote_iri or "", association_iri)
        count += 1
    return count


async def refuse(
    node: NodeState, call_id: UUID, who: answers.Respondent, *, activity_id: str, problem: Problem
) -> CallAnswer:
    """A partner's answer that cannot be counted (full, closed, more than still needed, …):
    kept ``refused`` under its activity id, so that a second delivery is refused the same way
    instead of being counted once room frees up, and :class:`CallAnswerRefused` tells the
    partner why."""
    async with in_transaction():
        call = await answers.lock(call_id)
        seen = await CallAnswer.get_or_none(activity_id=activity_id)
        if seen is not None:
            return seen
        row = await CallAnswer.create(
            call=call,
            remote_actor_iri=who.actor_iri,
            remote_name=who.name,
            activity_id=activity_id,
            status=AnswerStatus.REFUSED,
            refusal=refusals.refusal_reason(problem),
            created_at=clock.now(),
        )
        await node.events.record(node, CallAnswerRefused(call=call, answer=row))
    return row


async def decided(node: NodeState, row: CallAnswer, *, accepted: bool, reason: str) -> CallAnswer:
    """The partner that posted the call counted our member's answer (``Accept``) or not
    (``Reject``): confirmed, or refused and the member told why. A second word on the same
    answer changes nothing (409 when it contradicts the first or the answer is withdrawn)."""
    async with in_transaction():
        call = await answers.lock(row.call_id)  # type: ignore[attr-defined]
        row = await CallAnswer.get(id=row.id)
        if accepted and row.status == AnswerStatus.ACTIVE:
            if row.confirmed_at is None:
                row.confirmed_at = clock.now()
                await row.save(update_fields=["confirmed_at"])
            return row
        if not accepted and row.status == AnswerStatus.REFUSED:
            return row
        if row.status != AnswerStatus.ACTIVE:
            raise Conflict(f"The answer is {AnswerStatus(row.status).value}.")
        if row.confirmed_at is not None:
            raise Conflict("The answer was already counted.")
        row.status = AnswerStatus.REFUSED
        row.refusal = reason if reason in refusals.REASONS else "invalid"
        await row.save(update_fields=["status", "refusal"])
        await node.events.record(node, CallAnswerRefused(call=call, answer=row))
    return row
