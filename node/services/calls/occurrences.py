"""The dates of a repeating volunteers call, each with its own places.

A member comes on the dates they choose: one answer row per date (``CallAnswer.occurrence``),
so that withdrawing is per date too. Every date wants the call's "people" quantity. The
``remaining`` of that one item is what each date still wants once the answers for the whole
series are counted (rows without a date); a date's own answers come off it, counted under the
call's row lock (PostgreSQL ``FOR UPDATE``; SQLite transactions are serial) like the
quantities of a call that does not repeat.

The call is full when every date still to come is full; it opens again when one has room.
The call's own node counts. A partner's repeating call is answered per date when its node
says what each date still wants (``callOccurrences``, kept in ``Call.remote_places``); else it
is answered for its next date, as this node counts a ``Join`` that names no date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from node import clock
from node.errors import Conflict, Problem, Unprocessable
from node.models import AnswerStatus, Call, CallAnswer, CallItem, CallKind, Member
from node.services.calls import recurrence

# How many dates one answer may choose (all of a call's dates, at most).
MAX_CHOSEN = recurrence.MAX_OCCURRENCES


@dataclass(frozen=True, slots=True)
class Occurrence:
    start: datetime
    places: int
    remaining: int
    # The viewer's answer for this date (None: they do not come on it).
    mine: CallAnswer | None = None


def repeats(call: Call) -> bool:
    return (
        call.kind == CallKind.VOLUNTEERS
        and call.recurrence is not None
        and call.starts_at is not None
    )


def counted_here(call: Call) -> bool:
    """A repeating call of this node: answered per date."""
    return repeats(call) and call.origin_domain is None


def per_date(call: Call) -> bool:
    """A repeating call answered per date: ours, or a partner's whose node gives its places
    per date."""
    return counted_here(call) or (repeats(call) and isinstance(call.remote_places, dict))


def key(moment: datetime) -> str:
    """A date as it travels and as ``remote_places`` keys it: UTC, to the second, ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def same_second(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


def all_dates(call: Call, timezone: str) -> list[datetime]:
    """Every date of a repeating call up to its end (empty for a call that does not repeat,
    or a stored rule that no longer reads)."""
    if not repeats(call):
        return []
    assert call.recurrence is not None and call.starts_at is not None
    try:
        dates = recurrence.occurrences(call.recurrence, call.starts_at, call.ends_at, timezone)
    except Problem:
        return []
    return [same_second(d) for d in dates]


def coming(call: Call, timezone: str) -> list[datetime]:
    now = clock.now()
    return [d for d in all_dates(call, timezone) if d >= now]


def choose(call: Call, timezone: str, asked: Sequence[datetime] | None) -> list[datetime]:
    """The dates an answer is for: those asked (each a date of the rule, not begun, once), or
    the next one. 422 for a date that is not one of the call's, is past, or twice; a call
    that is not answered per date takes none (and gets an empty list)."""
    if not per_date(call):
        if asked:
            raise Unprocessable.field(
                "dates",
                "This call has no dates to choose: your answer counts for its next date."
                if repeats(call)
                else "This call does not repeat: it has one date.",
            )
        return []
    dates = all_dates(call, timezone)
    now = clock.now()
    if not asked:
        upcoming = [d for d in dates if d >= now]
        if not upcoming:
            raise Unprocessable.field("dates", "Every date of this call is past.")
        return upcoming[:1]
    if len(asked) > MAX_CHOSEN:
        raise Unprocessable.field("dates", "Choose at most 100 dates.")
    chosen = [same_second(d) for d in asked]
    if len(set(chosen)) != len(chosen):
        raise Unprocessable.field("dates", "Give each date once.")
    known = set(dates)
    for moment in chosen:
        if moment not in known:
            raise Unprocessable.field("dates", "A date you chose is not one of this call's dates.")
        if moment < now:
            raise Unprocessable.field("dates", "A date you chose is past: it cannot be answered.")
    return sorted(chosen)


async def _people(call: Call) -> CallItem | None:
    """The volunteers call's one item: how many people each date wants."""
    return await CallItem.filter(call_id=call.id).order_by("position", "id").first()


async def taken(call: Call) -> dict[datetime, int]:
    """Active answers per date of one of our calls."""
    counts: dict[datetime, int] = {}
    rows = await CallAnswer.filter(
        call_id=call.id, status=AnswerStatus.ACTIVE, occurrence__isnull=False
    ).values_list("occurrence", flat=True)
    for moment in rows:
        assert isinstance(moment, datetime)
        day = same_second(moment)
        counts[day] = counts.get(day, 0) + 1
    return counts


async def remaining(call: Call, dates: Sequence[datetime]) -> dict[datetime, int]:
    """What is still missing on each of ``dates``: counted here for our calls, as its node
    said for a partner's (a date it said nothing of has no place)."""
    if call.origin_domain is not None:
        said = call.remote_places if isinstance(call.remote_places, dict) else {}
        values = {d: said.get(key(d)) for d in dates}
        return {d: v if isinstance(v, int) and v >= 0 else 0 for d, v in values.items()}
    item = await _people(call)
    left = item.remaining if item is not None else 0
    counts = await taken(call)
    return {d: max(left - counts.get(d, 0), 0) for d in dates}


async def mine(
    call: Call, member: Member | None, dates: Sequence[datetime]
) -> dict[datetime, CallAnswer]:
    """The member's answer for each of ``dates`` (an answer without a date is for all)."""
    if member is None:
        return {}
    rows = await CallAnswer.filter(call_id=call.id, member_id=member.id, status=AnswerStatus.ACTIVE)
    found: dict[datetime, CallAnswer] = {}
    for row in rows:
        for moment in [same_second(row.occurrence)] if row.occurrence is not None else dates:
            found[moment] = row
    return found


async def places(call: Call, timezone: str, viewer: Member | None = None) -> list[Occurrence]:
    """The dates still to come of a repeating call answered per date, with their places,
    what is missing, and the viewer's answer (empty for any other call)."""
    if not per_date(call):
        return []
    dates = coming(call, timezone)
    if not dates:
        return []
    item = await _people(call)
    wanted = item.wanted if item is not None else 0
    left = await remaining(call, dates)
    answered = await mine(call, viewer, dates)
    return [
        Occurrence(start=d, places=wanted, remaining=left[d], mine=answered.get(d)) for d in dates
    ]


async def every_date_full(call: Call, timezone: str) -> bool:
    """Whether nothing is missing on any date still to come (a call whose dates are all past
    has nothing left to fill either)."""
    left = await remaining(call, coming(call, timezone))
    return not any(left.values())


async def most_taken(call: Call) -> int:
    """The most answers any date still to come has: a volunteers call's people cannot go
    below it."""
    now = clock.now()
    return max((n for d, n in (await taken(call)).items() if d >= now), default=0)


async def check_dates_kept(
    call: Call, timezone: str, starts_at: datetime | None, ends_at: datetime
) -> None:
    """409 when new dates for one of our repeating calls would drop a date still to come on
    which someone comes (they answered for that day; a new call is the way to move them)."""
    if not counted_here(call) or starts_at is None:
        return
    assert call.recurrence is not None
    try:
        dates = recurrence.occurrences(call.recurrence, starts_at, ends_at, timezone)
    except Problem:
        dates = []
    kept = {same_second(d) for d in dates}
    now = clock.now()
    for moment in sorted(await taken(call)):
        if moment >= now and moment not in kept:
            raise Conflict(
                "Someone comes on a date the change would leave out: post a new call for "
                "other dates."
            )


async def items_now(call: Call, timezone: str) -> list[CallItem]:
    """A call's items, where a repeating call's one item says what its next date still needs
    (not what every date would need once the answers for the whole series are counted)."""
    items = await CallItem.filter(call_id=call.id).order_by("position", "id")
    dates = coming(call, timezone) if per_date(call) else []
    if items and dates:
        items[0].remaining = (await remaining(call, dates[:1]))[dates[0]]
    return items
