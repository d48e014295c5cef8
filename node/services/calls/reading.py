"""What a member may see of calls: one call, the calls near them, an association's open calls,
and (for its coordinators) who answered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from tortoise.queryset import QuerySet

from node import clock
from node.errors import NotFound
from node.models import (
    AnswerStatus,
    AssociationMembership,
    AssociationRole,
    Call,
    CallAnswer,
    CallCell,
    CallItem,
    CallKind,
    CallStatus,
    Member,
    RemoteActor,
)
from node.services.calls import occurrences
from node.services.calls.audience import member_cells

COORDINATING = (AssociationRole.ADMIN, AssociationRole.COORDINATOR)
LIVE = (CallStatus.OPEN, CallStatus.FULL)


def effective_status(call: Call, now: datetime | None = None) -> CallStatus:
    """A call past its end date is closed, whatever its row says."""
    status = CallStatus(call.status)
    if status in LIVE and call.ends_at <= (now or clock.now()):
        return CallStatus.CLOSED
    return status


async def can_coordinate(member: Member | None, association_id: UUID | None) -> bool:
    """Node admins, and the admins and coordinators of the association."""
    if member is None:
        return False
    if member.is_admin:
        return True
    if association_id is None:
        return False
    return await AssociationMembership.exists(
        association_id=association_id, member_id=member.id, role__in=COORDINATING
    )


async def get_call(call_id: UUID, viewer: Member | None = None) -> Call:
    """Calls are public posts (they travel to followers on the fediverse too): anyone may read
    one. 404 when there is none, or when moderators hid it and ``viewer`` is neither one of
    them nor of those who run the call."""
    call = await Call.get_or_none(id=call_id).select_related("association")
    if call is None:
        raise NotFound("No such call.")
    moderator = viewer is not None and viewer.is_moderator
    runs_it = await can_coordinate(viewer, call.association_id)  # type: ignore[attr-defined]
    if call.hidden_at is not None and not moderator and not runs_it:
        raise NotFound("No such call.")
    return call


async def items_of(call: Call) -> list[CallItem]:
    return await CallItem.filter(call_id=call.id).order_by("position", "id")


async def answer_count(call: Call) -> int:
    """How many people answered (one who comes on several dates of a repeating call has a
    row per date, and counts once)."""
    rows = await CallAnswer.filter(call_id=call.id, status=AnswerStatus.ACTIVE).values_list(
        "member_id", "remote_actor_iri"
    )
    return len(set(rows))


async def my_answer(call: Call, member: Member | None) -> CallAnswer | None:
    """The member's answer (a repeating call: their first coming date's)."""
    if member is None:
        return None
    return (
        await CallAnswer.filter(call_id=call.id, member_id=member.id, status=AnswerStatus.ACTIVE)
        .order_by("occurrence", "id")
        .prefetch_related("pledges")
        .first()
    )


async def respondents(call: Call, viewer: Member) -> list[CallAnswer]:
    """Who answered, for the association's coordinators (404 for anyone else: another
    association's respondents are its private data)."""
    if call.origin_domain is not None or not await can_coordinate(
        viewer,
        call.association_id,  # type: ignore[attr-defined]
    ):
        raise NotFound("No such call.")
    return (
        await CallAnswer.filter(call_id=call.id, status=AnswerStatus.ACTIVE)
        .order_by("occurrence", "created_at", "id")
        .select_related("member")
        .prefetch_related("pledges")
    )


async def refused_answers(call: Call, viewer: Member, limit: int = 100) -> list[CallAnswer]:
    """The answers of partner nodes' members that the call could not count (full, over,
    more than still needed, …), each with its ``refusal``, newest first: their node was told
    with a ``Reject``, and the coordinators see who and why. 404 as for :func:`respondents`."""
    if call.origin_domain is not None or not await can_coordinate(
        viewer,
        call.association_id,  # type: ignore[attr-defined]
    ):
        raise NotFound("No such call.")
    return (
        await CallAnswer.filter(
            call_id=call.id, status=AnswerStatus.REFUSED, remote_actor_iri__isnull=False
        )
        .order_by("-created_at", "-id")
        .limit(limit)
    )


async def near(member: Member, limit: int = 20) -> list[Call]:
    """Open calls whose area holds the member's area, newest first."""
    cells = await member_cells(member.id)
    if not cells:
        return []
    ids = await CallCell.filter(cell__in=cells).values_list("call_id", flat=True)
    return await _live(Call.filter(id__in=list(set(ids))), limit)


async def of_association(association_id: UUID, limit: int = 20) -> list[Call]:
    return await _live(Call.filter(association_id=association_id), limit)


async def of_partner_association(actor_iri: str, limit: int = 20) -> list[Call]:
    """The open calls of a partner's association that this node holds."""
    return await _live(Call.filter(remote_association_iri=actor_iri), limit)


@dataclass(frozen=True)
class Needs:
    """What open calls still want: people (volunteers calls) and items by label (donations
    calls, the same label of two calls added up)."""

    people: int
    items: list[tuple[str, int]]


async def needs(calls: Sequence[Call], timezone: str) -> Needs:
    """What the open ones among ``calls`` still want, items in the order of the oldest call
    that asks for them, with that call's wording (a repeating call: its next date's)."""
    people = 0
    items: dict[str, tuple[str, int]] = {}
    oldest_first = sorted(
        (c for c in calls if effective_status(c) == CallStatus.OPEN), key=lambda c: c.created_at
    )
    rank = {c.id: n for n, c in enumerate(oldest_first)}
    kinds = {c.id: CallKind(c.kind) for c in oldest_first}
    rows = [row for call in oldest_first for row in await occurrences.items_now(call, timezone)]
    rows = [row for row in rows if row.remaining > 0]
    for row in sorted(rows, key=lambda r: (rank[r.call_id], r.position, r.id)):  # type: ignore[attr-defined]
        kind = kinds[row.call_id]  # type: ignore[attr-defined]
        if kind == CallKind.VOLUNTEERS:
            people += row.remaining
        elif kind == CallKind.DONATIONS:
            key = " ".join(row.label.split()).casefold()
            label, count = items.get(key, (row.label, 0))
            items[key] = (label, count + row.remaining)
    return Needs(people=people, items=list(items.values()))


@dataclass(frozen=True)
class PartnerAssociation:
    """An association of a partner node, as this node knows it: from the calls it relayed."""

    actor_id: int
    actor_iri: str
    name: str
    domain: str


async def partner_association(
    *, actor_id: int | None = None, actor_iri: str | None = None
) -> PartnerAssociation:
    """404 unless a call of this node (not hidden by moderators) comes from that actor: any
    other actor this node cached (a person, a server) is not an association page."""
    actor = await (
        RemoteActor.get_or_none(id=actor_id)
        if actor_id is not None
        else RemoteActor.get_or_none(ap_id=actor_iri or "")
    )
    call = None
    if actor is not None:
        call = (
            await Call.filter(remote_association_iri=actor.ap_id, hidden_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
    if actor is None or call is None:
        raise NotFound("No such association on a partner node.")
    return PartnerAssociation(
        actor_id=actor.id,
        actor_iri=actor.ap_id,
        name=call.remote_association_name or actor.name or actor.ap_id,
        domain=call.origin_domain or actor.domain,
    )


async def _live(query: QuerySet[Call], limit: int) -> list[Call]:
    rows: list[Call] = (
        await query.filter(status__in=LIVE, ends_at__gt=clock.now(), hidden_at__isnull=True)
        .order_by("-created_at")
        .limit(limit)
        .select_related("association")
    )
    return rows
