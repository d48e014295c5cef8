"""What a member may see of calls: one call, the calls near them, an association's open calls,
and (for its coordinators) who answered."""

from __future__ import annotations

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
    CallStatus,
    Member,
)
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
    return await CallAnswer.filter(call_id=call.id, status=AnswerStatus.ACTIVE).count()


async def my_answer(call: Call, member: Member | None) -> CallAnswer | None:
    if member is None:
        return None
    return await CallAnswer.get_or_none(
        call_id=call.id, member_id=member.id, status=AnswerStatus.ACTIVE
    ).prefetch_related("pledges")


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
        .order_by("created_at", "id")
        .select_related("member")
        .prefetch_related("pledges")
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


async def _live(query: QuerySet[Call], limit: int) -> list[Call]:
    rows: list[Call] = (
        await query.filter(status__in=LIVE, ends_at__gt=clock.now(), hidden_at__isnull=True)
        .order_by("-created_at")
        .limit(limit)
        .select_related("association")
    )
    return rows
