"""What moderators decide about a member (warn, suspend, ban, anonymise) and about a report
(resolve, dismiss); each writes its audit entry in the same transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from node import clock
from node.errors import Forbidden, Unprocessable
from node.events import MemberWarned, ReportDecided
from node.models import (
    ApiToken,
    Member,
    ModerationEntry,
    ModerationVerb,
    Report,
    ReportStatus,
    WebSession,
)
from node.services import house_rules
from node.services.moderation.queue import context
from node.services.moderation.roles import (
    DEFAULT_OUTCOMES,
    OUTCOME_MAX,
    REASON_MAX,
    SUSPEND_MAX_DAYS,
    record_entry,
    require_moderator,
)
from node.state import NodeState


def check_reason(reason: str) -> str:
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
    rule: int | None = None,
) -> ModerationEntry:
    """Warn, suspend for ``days``, ban or anonymise the member the report is about (the
    reported member, or the author of the reported action or message); ``rule``: the number
    of the house rule broken, which the member's notice quotes."""
    require_moderator(moderator)
    reason = check_reason(reason)
    broken = await house_rules.cited(rule)
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
            rule=broken,
        )
        if verb != ModerationVerb.ANONYMISE:
            warned = MemberWarned(
                member=member, verb=str(verb), reason=reason, until=until, rule=broken
            )
            await node.events.record(node, warned)
    return entry


async def decide(
    node: NodeState,
    moderator: Member,
    report: Report,
    status: ReportStatus,
    reason: str,
    outcome: str = "",
    *,
    rule: int | None = None,
) -> ModerationEntry:
    """Close a report (resolved or dismissed); the reporter is told ``outcome``, which must
    not name the reported person (the default says only that the moderators looked), with the
    house rule cited (``rule``, its number) in their language."""
    require_moderator(moderator)
    reason = check_reason(reason)
    cited = await house_rules.cited(rule)
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
            rule=cited,
        )
        await node.events.record(node, ReportDecided(report=report))
    return entry
