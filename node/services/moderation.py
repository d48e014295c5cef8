"""The moderation queue: who moderates, what a report is about (in context), what moderators
do (warn, suspend, ban, anonymise, resolve, dismiss, forward), and the audit log of it all.

Every decision writes a :class:`ModerationEntry` in the same transaction (who, what, why, when);
admins and the street committee's members read that log. Nothing here acts by itself: a report,
local or received from another server as a ``Flag``, waits for a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from tortoise.transactions import in_transaction

from node import clock
from node.errors import Forbidden, NotFound, Unprocessable
from node.events import MemberWarned, ReportDecided, ReportForwarded
from node.models import (
    Action,
    ApiToken,
    Association,
    CommitteeMember,
    Member,
    Message,
    ModerationEntry,
    ModerationVerb,
    RemoteActor,
    Report,
    ReportStatus,
    ReportTarget,
    WebSession,
)
from node.state import NodeState

REASON_MAX = 1000
OUTCOME_MAX = 500
SUSPEND_MAX_DAYS = 365
PAGE_MAX = 200

# What the reporter reads when the moderator writes no outcome of their own.
DEFAULT_OUTCOMES = {
    ReportStatus.RESOLVED: "Merci : la modération a agi. / Thank you: the moderators acted.",
    ReportStatus.DISMISSED: (
        "Merci : la modération n'a rien trouvé de contraire aux règles. / "
        "Thank you: the moderators found nothing against the rules."
    ),
}
MEMBER_VERBS = frozenset(
    {ModerationVerb.WARN, ModerationVerb.SUSPEND, ModerationVerb.BAN, ModerationVerb.ANONYMISE}
)


def is_moderator(member: Member | None) -> bool:
    return member is not None and (member.is_moderator or member.is_admin)


def require_moderator(member: Member) -> Member:
    """``member`` when they moderate (admins do); 403 otherwise."""
    if not is_moderator(member):
        raise Forbidden("Only the node's moderators can do this.")
    return member


async def require_audit_reader(member: Member) -> Member:
    """Admins and the street committee's members read the audit log; 403 for anyone else."""
    if member.is_admin:
        return member
    if await CommitteeMember.exists(active_member_id=member.id):
        return member
    raise Forbidden("Only administrators and the committee read the moderation log.")


async def record_entry(
    moderator: Member | None,
    verb: ModerationVerb,
    *,
    kind: str = "",
    target: str = "",
    report: Report | None = None,
    reason: str = "",
    until: datetime | None = None,
) -> ModerationEntry:
    return await ModerationEntry.create(
        moderator=moderator,
        # None: the operator, from the command line.
        moderator_name=moderator.display_name if moderator is not None else "entraide (CLI)",
        verb=verb,
        target_kind=kind,
        target_id=target,
        report=report,
        reason=reason,
        until=until,
        created_at=clock.now(),
    )


# --- moderators -------------------------------------------------------------------------------


async def set_moderator(admin: Member, member_id: UUID, on: bool, reason: str = "") -> Member:
    """An admin grants (``on``) or takes back the moderator role; logged."""
    if not admin.is_admin:
        raise Forbidden("Only node administrators name moderators.")
    member = await Member.get_or_none(id=member_id)
    if member is None:
        raise NotFound("No such member.")
    async with in_transaction():
        member.is_moderator = on
        await member.save(update_fields=["is_moderator"])
        verb = ModerationVerb.GRANT_MODERATOR if on else ModerationVerb.REVOKE_MODERATOR
        await record_entry(admin, verb, kind="member", target=str(member.id), reason=reason)
    return member


async def operator_set_moderator(member: Member, on: bool) -> None:
    """The operator grants or takes back the role from the command line; logged too."""
    async with in_transaction():
        member.is_moderator = on
        await member.save(update_fields=["is_moderator"])
        verb = ModerationVerb.GRANT_MODERATOR if on else ModerationVerb.REVOKE_MODERATOR
        await record_entry(None, verb, kind="member", target=str(member.id), reason="CLI")


# --- the queue --------------------------------------------------------------------------------


async def list_reports(status: ReportStatus | None, limit: int = 50) -> list[Report]:
    """Reports, the ones in danger first, then oldest first (open ones wait the longest)."""
    query = Report.all() if status is None else Report.filter(status=status)
    rows = await query.order_by("created_at", "id").limit(min(limit, PAGE_MAX))
    return sorted(rows, key=lambda r: r.category != "danger")


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
            "action_title": action.title,
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


# --- decisions --------------------------------------------------------------------------------


def _check_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise Unprocessable.field("reason", "Say why: the log keeps it.")
    if len(reason) > REASON_MAX:
        raise Unprocessable.field("reason", f"At most {REASON_MAX} characters.")
    return reason


async def _end_access(member: Member, now: datetime) -> None:
    await WebSession.filter(member_id=member.id, revoked_at=None).update(revoked_at=now)
    await ApiToken.filter(member_id=member.id, revoked_at=None).update(revoked_at=now)


async def act_on_member(
    node: NodeState,
    moderator: Member,
    report: Report,
    verb: ModerationVerb,
    reason: str,
    *,
    days: int | None = None,
) -> ModerationEntry:
    """Warn, suspend for ``days``, ban or anonymise the member the report is about (the
    reported member, or the author of the reported action or message)."""
    require_moderator(moderator)
    reason = _check_reason(reason)
    found = await context(report)
    member = found.member
    if member is None:
        raise Unprocessable.field("verb", "This report is not about a member of this node.")
    if member.id == moderator.id:
        raise Unprocessable.field("verb", "You cannot moderate yourself.")
    if member.is_admin and not moderator.is_admin:
        raise Forbidden("Only an administrator can act on an administrator.")
    now = clock.now()
    until = None
    async with in_transaction():
        if verb == ModerationVerb.SUSPEND:
            if days is None or not 1 <= days <= SUSPEND_MAX_DAYS:
                raise Unprocessable.field("days", f"Between 1 and {SUSPEND_MAX_DAYS} days.")
            until = now + timedelta(days=days)
            member.suspended_until = until
            await member.save(update_fields=["suspended_until"])
            await _end_access(member, now)
        elif verb == ModerationVerb.BAN:
            member.banned_at = now
            await member.save(update_fields=["banned_at"])
            await _end_access(member, now)
        elif verb == ModerationVerb.ANONYMISE:
            # Their content stays (others answered it) but names nobody any more.
            member.pseudonym = None
            await member.save(update_fields=["pseudonym"])
        elif verb != ModerationVerb.WARN:
            raise Unprocessable.field("verb", f"Unknown member action: {verb}.")
        entry = await record_entry(
            moderator,
            verb,
            kind="member",
            target=str(member.id),
            report=report,
            reason=reason,
            until=until,
        )
        if verb != ModerationVerb.ANONYMISE:
            await node.events.record(
                node, MemberWarned(member=member, verb=str(verb), reason=reason, until=until)
            )
    return entry


async def decide(
    node: NodeState,
    moderator: Member,
    report: Report,
    status: ReportStatus,
    reason: str,
    outcome: str = "",
) -> ModerationEntry:
    """Close a report (resolved or dismissed); the reporter is told ``outcome``, which must
    not name the reported person (the default says only that the moderators looked)."""
    require_moderator(moderator)
    reason = _check_reason(reason)
    outcome = outcome.strip() or DEFAULT_OUTCOMES[status]
    if len(outcome) > OUTCOME_MAX:
        raise Unprocessable.field("outcome", f"At most {OUTCOME_MAX} characters.")
    if report.status != ReportStatus.OPEN:
        raise Unprocessable.field("verb", "This report is already closed.")
    async with in_transaction():
        report.status = status
        report.outcome = outcome
        report.decided_at = clock.now()
        report.decided_by = moderator
        await report.save(update_fields=["status", "outcome", "decided_at", "decided_by_id"])
        verb = ModerationVerb.RESOLVE if status == ReportStatus.RESOLVED else ModerationVerb.DISMISS
        entry = await record_entry(
            moderator,
            verb,
            kind=str(report.target_kind),
            target=report.target_id,
            report=report,
            reason=reason,
        )
        await node.events.record(node, ReportDecided(report=report))
    return entry


# --- across servers ---------------------------------------------------------------------------


async def _remote_parts(report: Report) -> tuple[str, list[str]] | None:
    """The reported actor's IRI and the reported objects' IRIs, for content of another server
    (a remote object, or an action or chat line received from a partner)."""
    kind = ReportTarget(report.target_kind)
    if kind == ReportTarget.REMOTE:
        actor = report.target_actor_iri
        if actor is None:
            return None
        return actor, [iri for iri in (report.target_id,) if iri != actor]
    if kind == ReportTarget.ACTION:
        action = await Action.get_or_none(id=report.target_id)
        if action is None or action.remote_actor_iri is None or action.ap_id is None:
            return None
        return action.remote_actor_iri, [action.ap_id]
    if kind == ReportTarget.MESSAGE:
        message = await Message.get_or_none(id=int(report.target_id))
        if message is None or message.remote_actor_iri is None or message.ap_id is None:
            return None
        return message.remote_actor_iri, [message.ap_id]
    return None


async def forward(node: NodeState, moderator: Member, report: Report, text: str) -> ModerationEntry:
    """Send the report to the server of the reported content as a ``Flag`` from the instance
    actor, carrying only ``text`` (what the moderator keeps of the report; never the reporter).
    Only by a moderator's choice, once per report."""
    require_moderator(moderator)
    text = text.strip()
    if len(text) > REASON_MAX:
        raise Unprocessable.field("text", f"At most {REASON_MAX} characters.")
    if report.forwarded_at is not None:
        raise Unprocessable.field("report", "This report was already forwarded.")
    if report.origin_domain is not None:
        raise Unprocessable.field("report", "This report came from that server.")
    parts = await _remote_parts(report)
    if parts is None:
        raise Unprocessable.field("report", "This report is not about another server's content.")
    actor_iri, objects = parts
    actor = await RemoteActor.get_or_none(ap_id=actor_iri)
    if actor is None:
        raise Unprocessable.field("report", "The author's server is not known to this node.")
    async with in_transaction():
        report.forwarded_at = clock.now()
        await report.save(update_fields=["forwarded_at"])
        entry = await record_entry(
            moderator,
            ModerationVerb.FORWARD,
            kind=str(report.target_kind),
            target=report.target_id,
            report=report,
            reason=text,
        )
        await node.events.record(
            node, ReportForwarded(report=report, actor=actor, objects=tuple(objects), text=text)
        )
    return entry
