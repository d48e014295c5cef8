"""A member's own actions (what they posted, what they joined, each with its state and unread
notifications) and their private calendar feed (RFC 5545, built with ``icalendar``).

The feed's URL carries a secret derived from the node secret, the member and a version number:
anyone with the URL can read the feed (calendar applications fetch it without logging in), so
it holds only what the member may see, names places coarsely (the outing's place name, never a
point), and resetting it (a new version) makes the old URL useless.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from icalendar import Calendar, Event

from node import clock
from node.models import (
    Action,
    ActionKind,
    ActionStatus,
    AssociationMembership,
    CalendarFeed,
    Member,
    Notification,
    Participation,
    ParticipationStatus,
    Round,
    RoundStatus,
)
from node.services.actions import effective_status
from node.state import NodeState

LIMIT = 200
ROUND_LENGTH = timedelta(hours=2)


@dataclass(frozen=True, slots=True)
class MyAction:
    action: Action
    role: str  # "posted" or "joined"
    status: ActionStatus
    participation: ParticipationStatus | None
    unread: int


async def my_actions(member: Member) -> list[MyAction]:
    """Posted and joined actions, newest first (joined ones the member has not left)."""
    posted = await Action.filter(author_id=member.id).order_by("-created_at").limit(LIMIT)
    joined = (
        await Participation.filter(
            member_id=member.id, action__hidden_at=None
        )  # not hidden by moderators
        .exclude(status=ParticipationStatus.LEFT)
        .select_related("action")
        .order_by("-created_at")
        .limit(LIMIT)
    )
    ids = [a.id for a in posted] + [p.action.id for p in joined]
    unread: dict[UUID, int] = {}
    about: list[UUID] = await Notification.filter(
        member_id=member.id, read_at__isnull=True, action_id__in=ids
    ).values_list("action_id", flat=True)  # type: ignore[assignment]
    for action_id in about:
        unread[action_id] = unread.get(action_id, 0) + 1
    rows = [MyAction(a, "posted", effective_status(a), None, unread.get(a.id, 0)) for a in posted]
    rows += [
        MyAction(
            p.action, "joined", effective_status(p.action), p.status, unread.get(p.action.id, 0)
        )
        for p in joined
    ]
    return sorted(rows, key=lambda row: row.action.created_at, reverse=True)


# --- calendar feed --------------------------------------------------------------------------------


def _secret(node: NodeState, member_id: UUID, version: int) -> str:
    message = b"calendar:" + member_id.bytes + version.to_bytes(4, "big")
    return hmac.new(node.secret, message, hashlib.sha256).hexdigest()[:32]


async def _feed(member: Member) -> CalendarFeed:
    feed, _ = await CalendarFeed.get_or_create(
        member_id=member.id, defaults={"created_at": clock.now()}
    )
    return feed


async def calendar_url(node: NodeState, member: Member) -> str:
    feed = await _feed(member)
    token = f"{member.id.hex}.{_secret(node, member.id, feed.version)}"
    return f"{node.settings.base_url}/calendar/{token}.ics"


async def reset_calendar(node: NodeState, member: Member) -> str:
    feed = await _feed(member)
    feed.version += 1
    await feed.save(update_fields=["version"])
    return await calendar_url(node, member)


async def member_for_calendar(node: NodeState, token: str) -> Member | None:
    raw_id, _, secret = token.partition(".")
    try:
        member_id = UUID(hex=raw_id)
    except ValueError:
        return None
    feed = await CalendarFeed.get_or_none(member_id=member_id)
    if feed is None or not hmac.compare_digest(_secret(node, member_id, feed.version), secret):
        return None
    return await Member.get_or_none(id=member_id)


def _event(uid: str, summary: str, start: datetime, end: datetime, url: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("dtstamp", clock.now())
    event.add("url", url)
    return event


async def calendar(node: NodeState, member: Member) -> bytes:
    """The member's outings (joined and accepted, or posted) and their associations' planned
    rounds, as an iCalendar document."""
    settings = node.settings
    cal = Calendar()
    cal.add("prodid", "-//Entraide//notifications//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", settings.node_name)
    since = clock.now() - timedelta(days=30)
    joined = await Participation.filter(
        member_id=member.id, status=ParticipationStatus.ACCEPTED
    ).values_list("action_id", flat=True)
    upcoming = Action.filter(kind=ActionKind.OUTING, starts_at__gte=since).exclude(
        status=ActionStatus.CLOSED
    )
    # A joined outing hidden by the moderators leaves the calendar; its author keeps it.
    outings = await upcoming.filter(id__in=list(joined), hidden_at=None) + await upcoming.filter(
        author_id=member.id
    )
    domain = settings.domain
    for outing in {o.id: o for o in outings}.values():
        assert outing.starts_at is not None
        event = _event(
            f"action-{outing.id}@{domain}",
            outing.title,
            outing.starts_at,
            outing.ends_at or outing.starts_at + ROUND_LENGTH,
            f"{settings.base_url}/actions/{outing.id}",
        )
        if outing.place_name:
            event.add("location", outing.place_name)
        cal.add_component(event)
    associations = await AssociationMembership.filter(member_id=member.id).values_list(
        "association_id", flat=True
    )
    rounds = await Round.filter(
        association_id__in=list(associations), status=RoundStatus.PLANNED, planned_at__gte=since
    ).select_related("association")
    for round_ in rounds:
        cal.add_component(
            _event(
                f"round-{round_.id}@{domain}",
                f"{round_.association.name} · {round_.area}",
                round_.planned_at,
                round_.planned_at + ROUND_LENGTH,
                f"{settings.base_url}/rounds/{round_.id}",
            )
        )
    return bytes(cal.to_ical())
