"""Who moderates, the constants of the queue, and the audit log's writer."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from tortoise.transactions import in_transaction

from node import clock
from node.errors import Forbidden, NotFound
from node.models import (
    CommitteeMember,
    HouseRule,
    Member,
    ModerationEntry,
    ModerationVerb,
    Report,
    ReportStatus,
)

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
    rule: HouseRule | None = None,
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
        rule=rule,
        created_at=clock.now(),
    )


# --- moderators ---------------------------------------------------------------------------


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
