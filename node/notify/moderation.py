"""What moderators and members are told about reports and warnings."""

from __future__ import annotations

from uuid import UUID

from tortoise.expressions import Q

from node.events import (
    MemberWarned,
    ReportDecided,
    ReportMade,
)
from node.models import (
    Member,
    ReportCategory,
)
from node.services import house_rules, notifications
from node.state import NodeState


async def _moderators() -> list[UUID]:
    ids: list[UUID] = await Member.filter(
        Q(is_moderator=True) | Q(is_admin=True), banned_at=None
    ).values_list("id", flat=True)  # type: ignore[assignment]
    return ids


def _rule_words(cited: house_rules.Citation | None) -> dict[str, str]:
    """The cited rule's words after the message, in each language (« — Règle 2 : … »)."""
    if cited is None:
        return {}
    return {"rule_fr": f" — {cited.line('fr')}", "rule_en": f" — {cited.line('en')}"}


async def report_made(node: NodeState, event: ReportMade) -> None:
    report = event.report
    payload = {"category": str(report.category), "url": f"/moderation/reports/{report.id}"}
    if report.category == ReportCategory.DANGER:
        # Someone in danger: every moderator at once, whatever the hour or their digest.
        await notifications.notify(node, "report_danger", await _moderators(), payload=payload)
    else:
        await notifications.notify(node, "report_received", await _moderators(), payload=payload)


async def report_decided(node: NodeState, event: ReportDecided) -> None:
    report = event.report
    if report.reporter_id is None:  # type: ignore[attr-defined]
        return
    outcome = report.outcome or ""
    payload = {"result_fr": outcome, "result_en": outcome, "url": "/reports"}
    payload |= _rule_words(await house_rules.cited_by_moderators(report.id))
    await notifications.notify(node, "report_outcome", [report.reporter_id], payload=payload)  # type: ignore[attr-defined]


async def member_warned(node: NodeState, event: MemberWarned) -> None:
    payload = {"reason": event.reason, "verb": event.verb, "url": ""}
    if event.rule is not None:
        payload |= _rule_words(await house_rules.citation(event.rule.id))
    await notifications.notify(node, "moderation_notice", [event.member.id], payload=payload)
