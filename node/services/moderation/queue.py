"""The queue: reports in order, and what a report is about, in context."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from node.errors import NotFound
from node.models import (
    Action,
    Association,
    Call,
    CallMessage,
    Member,
    Message,
    ModerationEntry,
    Place,
    Report,
    ReportStatus,
    ReportTarget,
)
from node.services.moderation.roles import PAGE_MAX


async def list_reports(status: ReportStatus | None, limit: int = 50) -> list[Report]:
    """Reports, the ones in danger first, then oldest first (open ones wait the longest)."""
    query = Report.all() if status is None else Report.filter(status=status)
    rows = await query.order_by("created_at", "id").limit(min(limit, PAGE_MAX))
    return sorted(rows, key=lambda r: r.category != "danger")


async def list_closed(limit: int = 50) -> list[Report]:
    """Closed reports, the latest decisions first."""
    query = Report.exclude(status=ReportStatus.OPEN).order_by("-decided_at", "-id")
    return await query.limit(min(limit, PAGE_MAX))


async def get_report(report_id: int) -> Report:
    report = await Report.get_or_none(id=report_id)
    if report is None:
        raise NotFound("No such report.")
    return report


@dataclass(slots=True)
class Context:
    """What a moderator needs to judge: the content as people saw it, and who wrote it."""

    kind: str
    summary: dict[str, Any] = field(default_factory=dict)
    member: Member | None = None  # whom member actions (warn, suspend, …) apply to
    found: bool = True


async def _member_summary(member: Member) -> dict[str, Any]:
    titles = await Action.filter(author=member).order_by("-created_at").limit(5)
    return {
        "member_id": str(member.id),
        "pseudonym": member.display_name,
        "kind": str(member.kind),
        "joined_at": member.created_at.isoformat(),
        "suspended_until": member.suspended_until.isoformat() if member.suspended_until else None,
        "banned": member.banned_at is not None,
        "recent_actions": [a.title for a in titles],
        "earlier_reports": await Report.filter(
            target_kind=ReportTarget.MEMBER, target_id=str(member.id)
        ).count(),
    }


async def context(report: Report) -> Context:
    kind = ReportTarget(report.target_kind)
    if kind == ReportTarget.ACTION:
        action = await Action.get_or_none(id=report.target_id)
        if action is None:
            return Context(kind, found=False)
        author = await Member.get_or_none(id=action.author_id) if action.author_id else None  # type: ignore[attr-defined]
        summary = {
            "title": action.title,
            "description": action.description,
            "status": str(action.status),
            "visibility": str(action.visibility),
            "author": author.display_name if author else action.remote_author_name,
            "hidden": action.hidden_at is not None,
        }
        return Context(kind, summary, author)
    if kind == ReportTarget.MESSAGE:
        message = await Message.get_or_none(id=int(report.target_id))
        if message is None:
            return Context(kind, found=False)
        action = await Action.get(id=message.action_id)  # type: ignore[attr-defined]
        before = (
            await Message.filter(action_id=action.id, id__lt=message.id).order_by("-id").limit(3)
        )
        author = await Member.get_or_none(id=message.author_id) if message.author_id else None  # type: ignore[attr-defined]

        async def name(m: Message) -> str:
            if m.author_id is None:  # type: ignore[attr-defined]
                return m.remote_author_name or ""
            who = await Member.get_or_none(id=m.author_id)  # type: ignore[attr-defined]
            return who.display_name if who else ""

        said: dict[str, Any] = {
            "body": message.body,
            "author": author.display_name if author else message.remote_author_name,
            "action_id": str(action.id),
            "action_title": action.title,
            "hidden": message.hidden_at is not None,
            "before": [{"author": await name(m), "body": m.body} for m in reversed(before)],
        }
        return Context(kind, said, author)
    if kind == ReportTarget.MEMBER:
        member = await Member.get_or_none(id=report.target_id)
        if member is None:
            return Context(kind, found=False)
        return Context(kind, await _member_summary(member), member)
    if kind == ReportTarget.ASSOCIATION:
        association = await Association.get_or_none(id=report.target_id)
        if association is None:
            return Context(kind, found=False)
        return Context(kind, {"name": association.name, "status": str(association.status)})
    if kind == ReportTarget.CALL:
        call = await Call.get_or_none(id=report.target_id)
        if call is None:
            return Context(kind, found=False)
        said = {
            "title": call.title,
            "body": call.body,
            "status": str(call.status),
            "hidden": call.hidden_at is not None,
        }
        return Context(kind, said)
    if kind == ReportTarget.CALL_MESSAGE:
        written = await CallMessage.get_or_none(id=int(report.target_id)).select_related("call")
        if written is None:
            return Context(kind, found=False)
        writer = await Member.get_or_none(id=written.author_id)  # type: ignore[attr-defined]
        words = {
            "body": written.body,
            "author": written.author_name,
            "call_id": str(written.call.id),
            "call_title": written.call.title,
            "hidden": written.hidden_at is not None,
        }
        return Context(kind, words, writer)
    if kind == ReportTarget.PLACE:
        place = await Place.get_or_none(id=report.target_id)
        if place is None:
            return Context(kind, found=False)
        shown = {
            "name": place.name,
            "description": place.description,
            "hidden": place.hidden_at is not None,
        }
        return Context(kind, shown)
    summary = {
        "iri": report.target_id,
        "actor_iri": report.target_actor_iri,
        "origin_domain": report.origin_domain,
        "forwarded_at": report.forwarded_at.isoformat() if report.forwarded_at else None,
    }
    return Context(kind, summary)


async def entries_of(report: Report) -> list[ModerationEntry]:
    return await ModerationEntry.filter(report=report).order_by("created_at", "id")


async def audit_log(limit: int = 100) -> list[ModerationEntry]:
    return await ModerationEntry.all().order_by("-created_at", "-id").limit(min(limit, PAGE_MAX))
