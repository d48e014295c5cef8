"""Answering a call: "I'm coming" (volunteers) or pledges of items (donations), and withdrawal.

Quantities decrease exactly once: each decrease is a conditional ``UPDATE … SET remaining =
remaining - q WHERE remaining >= q`` inside a transaction that holds the call's row lock
(PostgreSQL ``SELECT … FOR UPDATE``; SQLite transactions are serial), and an answer that came
from another node is keyed by its activity id, so a second delivery of the same ``Offer`` or
``Join`` changes nothing. Withdrawal gives the quantities back and reopens a full call.

A repeating volunteers call of this node is answered per date
(:mod:`node.services.calls.occurrences`): one row per date, each counted against that date's
places, and the call full only once every date still to come is.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from tortoise.expressions import F, Q
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from node import clock
from node.errors import Conflict, Forbidden, NotFound, Unprocessable
from node.events import CallAnswered, CallAnswerWithdrawn, CallUpdated
from node.models import (
    AnswerStatus,
    Call,
    CallAnswer,
    CallItem,
    CallKind,
    CallPledge,
    CallStatus,
    Member,
)
from node.services.calls import occurrences
from node.services.calls.reading import effective_status
from node.services.calls.refusals import AlreadyAnswered, Closed, Full, TooMuch

if TYPE_CHECKING:
    from node.state import NodeState


@dataclass(frozen=True, slots=True)
class Pledge:
    item_id: int
    quantity: int


@dataclass(frozen=True, slots=True)
class Respondent:
    """Who answers: a local member, or a member of a partner node (actor IRI and pseudonym)."""

    member: Member | None = None
    actor_iri: str | None = None
    name: str | None = None


def respondent_token(node: NodeState, call: Call, answer: CallAnswer) -> str:
    """Our member's answer to a partner's call, as that partner knows it: stable per (member,
    call), meaningless elsewhere, so the origin counts one answer per respondent (and writes
    to them) without learning who they are on this node."""
    message = f"respondent:{answer.member_id}:{call.remote_iri}".encode()  # type: ignore[attr-defined]
    return hmac.new(node.secret, message, hashlib.sha256).hexdigest()[:24]


async def lock(call_id: UUID) -> Call:
    """The call, locked for the rest of the transaction (a model query: Tortoise drops
    ``FOR UPDATE`` from values queries)."""
    query = Call.filter(id=call_id)
    if Call._meta.db.capabilities.dialect == "postgres":
        query = query.select_for_update()
    call = await query.first()
    if call is None:
        raise NotFound("No such call.")
    await call.fetch_related("association")
    return call


def _check_pledges(call: Call, items: Sequence[CallItem], pledges: Sequence[Pledge]) -> None:
    if call.kind == CallKind.URGENT:
        raise Conflict("An urgent call is a message: there is nothing to answer.")
    if call.kind == CallKind.VOLUNTEERS:
        if pledges:
            raise Unprocessable.field("pledges", "a volunteers call takes no pledges")
        return
    if not pledges:
        raise Unprocessable.field("pledges", "pledge at least one item")
    by_id = {item.id: item for item in items}
    if len({p.item_id for p in pledges}) != len(pledges):
        raise Unprocessable.field("pledges", "each item once")
    for pledge in pledges:
        item = by_id.get(pledge.item_id)
        if item is None:
            raise Unprocessable.field("pledges", "this item is not in the call")
        if pledge.quantity < 1:
            raise Unprocessable.field("pledges", "quantities are at least 1")
        if item.remaining == 0:
            raise Full(f"Nothing more is needed of “{item.label}”.")
        if pledge.quantity > item.remaining:
            raise TooMuch.field("pledges", f"only {item.remaining} still needed of “{item.label}”")


def _check_open(call: Call) -> None:
    status = effective_status(call)
    if status == CallStatus.FULL:
        raise Full("This call is full: thank you, enough people answered.")
    if status != CallStatus.OPEN:
        raise Closed(f"This call is {status.value}.")


def _theirs(call: Call, who: Respondent) -> QuerySet[CallAnswer]:
    query = CallAnswer.filter(call_id=call.id, status=AnswerStatus.ACTIVE)
    if who.member is not None:
        return query.filter(member_id=who.member.id)
    return query.filter(remote_actor_iri=who.actor_iri)


async def _active(call: Call, who: Respondent) -> CallAnswer | None:
    return await _theirs(call, who).first()


async def _touch(call: Call) -> None:
    """Our call's quantities changed: a new version, so that partners receiving its Updates
    out of order keep the newest (they compare ``updated``)."""
    if call.origin_domain is None:
        call.updated_at = clock.now()
        await call.save(update_fields=["updated_at"])


async def _set_full(node: NodeState, call: Call, full: bool) -> None:
    """Close a call when nothing is missing any more; reopen it when a withdrawal frees room."""
    status = CallStatus(call.status)
    if full and status == CallStatus.OPEN:
        call.status = CallStatus.FULL
    elif not full and status == CallStatus.FULL:
        call.status = CallStatus.OPEN
    else:
        return
    call.updated_at = clock.now()
    await call.save(update_fields=["status", "updated_at"])
    await node.events.record(node, CallUpdated(call=call, changed=frozenset({"status"})))


async def _take_dates(
    node: NodeState,
    call: Call,
    who: Respondent,
    pledges: Sequence[Pledge],
    dates: Sequence[datetime],
    activity_id: str | None,
) -> list[CallAnswer]:
    """One row per chosen date (no item decreases: a date's places are its answers counted);
    409 when they already come on one of them or one is full (nothing is then recorded),
    and the call full once no date still to come has room."""
    if pledges:
        raise Unprocessable.field("pledges", "a volunteers call takes no pledges")
    # An answer without a date is for every date (given before dates could be chosen).
    mine = Q(occurrence__in=list(dates)) | Q(occurrence__isnull=True)
    if await _theirs(call, who).filter(mine).exists():
        raise AlreadyAnswered("You already come on one of these dates.")
    left = await occurrences.remaining(call, dates)
    for moment in dates:
        if left[moment] == 0:
            raise Full("One of the dates you chose is full: thank you, enough people come on it.")
    rows = [
        await CallAnswer.create(
            call=call,
            member=who.member,
            remote_actor_iri=who.actor_iri,
            remote_name=who.name,
            activity_id=activity_id,
            occurrence=moment,
            created_at=clock.now(),
        )
        for moment in dates
    ]
    await _touch(call)
    for row in rows:
        await node.events.record(node, CallAnswered(call=call, answer=row))
    if call.origin_domain is None:  # a partner's call: its node says when it is full
        full = await occurrences.every_date_full(call, node.settings.timezone)
        await _set_full(node, call, full=full)
    return rows


async def take(
    node: NodeState,
    call_id: UUID,
    who: Respondent,
    pledges: Sequence[Pledge],
    *,
    activity_id: str | None = None,
    dates: Sequence[datetime] | None = None,
) -> list[CallAnswer]:
    """Record an answer and decrease what the call still needs, once (a repeating call: one
    answer per chosen date, the next one when none is chosen). A second delivery of
    ``activity_id`` returns the first answer unchanged."""
    async with in_transaction():
        call = await lock(call_id)
        if activity_id is not None:
            seen = await CallAnswer.get_or_none(activity_id=activity_id)
            if seen is not None:
                return [seen]
        _check_open(call)
        chosen = occurrences.choose(call, node.settings.timezone, dates)
        if chosen:
            return await _take_dates(node, call, who, pledges, chosen, activity_id)
        if await _active(call, who) is not None:
            raise AlreadyAnswered("You already answered this call.")
        items = await CallItem.filter(call_id=call.id).order_by("position", "id")
        if call.kind == CallKind.VOLUNTEERS and items:
            _check_pledges(call, items, pledges)
            pledges = [Pledge(item_id=items[0].id, quantity=1)]
        else:
            _check_pledges(call, items, pledges)
        answer = await CallAnswer.create(
            call=call,
            member=who.member,
            remote_actor_iri=who.actor_iri,
            remote_name=who.name,
            activity_id=activity_id,
            created_at=clock.now(),
        )
        for pledge in pledges:
            taken = await CallItem.filter(
                id=pledge.item_id, call_id=call.id, remaining__gte=pledge.quantity
            ).update(remaining=F("remaining") - pledge.quantity)
            if not taken:  # only reachable without the row lock; keep the rule anyway
                raise Full("Someone was faster: this is no longer needed.")
            await CallPledge.create(answer=answer, item_id=pledge.item_id, quantity=pledge.quantity)
        await _touch(call)
        await node.events.record(node, CallAnswered(call=call, answer=answer))
        left = await CallItem.filter(call_id=call.id, remaining__gt=0).exists()
        await _set_full(node, call, full=bool(items) and not left)
    return [answer]


async def answer(
    node: NodeState,
    member: Member,
    call_id: UUID,
    pledges: Sequence[Pledge],
    dates: Sequence[datetime] | None = None,
) -> list[CallAnswer]:
    """A member of this node answers (a repeating call: for ``dates``, else its next date).
    403 unverified, 404 no call, 409 full (the call, or one of the dates), over or already
    answered, 422 bad pledges, or a date not of the call, past, given twice or too many."""
    if not member.is_verified:
        raise Forbidden("Verify your phone number before answering a call.")
    call = await Call.get_or_none(id=call_id)
    if call is None or call.hidden_at is not None:
        raise NotFound("No such call.")
    if call.origin_domain is not None:
        # A partner's call: its own node counts (federation sends our member's answer there
        # when it hears CallAnswered); here we only remember that they answered.
        return await _remember_remote(node, call, member, pledges, dates)
    return await take(node, call_id, Respondent(member=member), pledges, dates=dates)


async def _remember_remote(
    node: NodeState,
    call: Call,
    member: Member,
    pledges: Sequence[Pledge],
    dates: Sequence[datetime] | None,
) -> list[CallAnswer]:
    async with in_transaction():
        call = await lock(call.id)
        _check_open(call)
        chosen = occurrences.choose(call, node.settings.timezone, dates)
        if chosen:
            # Checked against what the call's node last said of each date; it decides.
            return await _take_dates(node, call, Respondent(member=member), pledges, chosen, None)
        if await _active(call, Respondent(member=member)) is not None:
            raise AlreadyAnswered("You already answered this call.")
        items = await CallItem.filter(call_id=call.id).order_by("position", "id")
        if call.kind == CallKind.VOLUNTEERS and items:
            _check_pledges(call, items, pledges)
            pledges = [Pledge(item_id=items[0].id, quantity=1)]
        else:
            _check_pledges(call, items, pledges)
        row = await CallAnswer.create(call=call, member=member, created_at=clock.now())
        for pledge in pledges:
            await CallPledge.create(answer=row, item_id=pledge.item_id, quantity=pledge.quantity)
        await node.events.record(node, CallAnswered(call=call, answer=row))
    return [row]


async def _give_back_rows(node: NodeState, call: Call, rows: Sequence[CallAnswer]) -> None:
    for row in rows:
        row.status = AnswerStatus.WITHDRAWN
        row.withdrawn_at = clock.now()
        await row.save(update_fields=["status", "withdrawn_at"])
        if call.origin_domain is None:
            for pledge in await CallPledge.filter(answer_id=row.id):
                await CallItem.filter(id=pledge.item_id).update(  # type: ignore[attr-defined]
                    remaining=F("remaining") + pledge.quantity
                )
    await _touch(call)
    for row in rows:
        await node.events.record(node, CallAnswerWithdrawn(call=call, answer=row))
    if call.origin_domain is None and effective_status(call) == CallStatus.FULL:
        full = occurrences.counted_here(call) and await occurrences.every_date_full(
            call, node.settings.timezone
        )
        await _set_full(node, call, full=full)


async def give_back(
    node: NodeState, call_id: UUID, who: Respondent, *, activity_id: str | None = None
) -> CallAnswer:
    """Withdraw an answer (the one ``activity_id`` brought, when given: one date of a
    repeating call): its quantities are needed again and a full call reopens. 404 when there
    is no answer to withdraw."""
    async with in_transaction():
        call = await lock(call_id)
        query = _theirs(call, who)
        if activity_id is not None:
            query = query.filter(activity_id=activity_id)
        row = await query.first()
        if row is None:
            raise NotFound("There is no answer to withdraw.")
        await _give_back_rows(node, call, [row])
    return row


async def withdraw(
    node: NodeState, member: Member, call_id: UUID, date: datetime | None = None
) -> list[CallAnswer]:
    """A member withdraws: from one date of a repeating call (``date``), or from the call
    (every date still to come). 404 when they do not come (on that date); 422 a date of a
    call not answered per date, or a date already past."""
    async with in_transaction():
        call = await lock(call_id)
        query = _theirs(call, Respondent(member=member))
        if date is not None:
            if not occurrences.per_date(call):
                raise Unprocessable.field("date", "This call has no dates to choose.")
            moment = occurrences.same_second(date)
            if moment < clock.now():
                raise Unprocessable.field("date", "This date is past: it cannot be changed.")
            query = query.filter(occurrence=moment)
        elif occurrences.per_date(call):
            query = query.filter(Q(occurrence__gte=clock.now()) | Q(occurrence__isnull=True))
        rows = await query
        if not rows and date is not None:
            return await _leave_one_date(node, call, Respondent(member=member), moment)
        if not rows:
            raise NotFound("There is no answer to withdraw.")
        await _give_back_rows(node, call, rows)
    return rows


async def _leave_one_date(
    node: NodeState, call: Call, who: Respondent, moment: datetime
) -> list[CallAnswer]:
    """Leaving one date of an answer for every date (given before dates could be chosen): it
    becomes one answer per other date still to come. 404 without such an answer."""
    series = await _theirs(call, who).filter(occurrence__isnull=True).first()
    dates = occurrences.coming(call, node.settings.timezone)
    if series is None or moment not in dates:
        raise NotFound("There is no answer to withdraw.")
    await _give_back_rows(node, call, [series])
    others = [d for d in dates if d != moment]
    if others:
        await _take_dates(node, call, who, [], others, None)
    return [series]
