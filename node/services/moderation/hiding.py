"""Hiding reported content and showing it again.

A hidden action, chat message, call or guide place stays in the database (a mistake can be
undone) but only its author (for a call or a place: those who run it) and the moderators see
it. A hidden public action of this node is gone for partners too: :class:`ActionHidden` makes
federation send its ``Delete``; restoring it sends a ``Create`` again (:class:`ActionRestored`);
a local call or shared place likewise (:class:`ContentHidden`), and a message written here
goes from the partner nodes it was sent to (:class:`MessageHidden`). A partner's content is hidden
on this node only: its own node decides for its copy (a moderator can forward the report there
as a ``Flag``).
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from node import clock
from node.caches import actions_changed
from node.errors import Unprocessable
from node.events import ActionHidden, ActionRestored, ContentHidden, MessageHidden
from node.models import (
    Action,
    Call,
    CallMessage,
    Member,
    Message,
    ModerationEntry,
    ModerationVerb,
    Notification,
    Place,
    Report,
    ReportTarget,
)
from node.services import house_rules
from node.services.moderation.decisions import check_reason
from node.services.moderation.roles import record_entry, require_moderator
from node.state import NodeState

Hidable = Action | Message | Call | Place | CallMessage


async def _content(report: Report) -> Hidable:
    kind = ReportTarget(report.target_kind)
    found: Hidable | None = None
    if kind == ReportTarget.ACTION:
        found = await Action.get_or_none(id=report.target_id)
    elif kind == ReportTarget.MESSAGE:
        found = await Message.get_or_none(id=int(report.target_id))
    elif kind == ReportTarget.CALL:
        found = await Call.get_or_none(id=report.target_id)
    elif kind == ReportTarget.CALL_MESSAGE:
        found = await CallMessage.get_or_none(id=int(report.target_id))
    elif kind == ReportTarget.PLACE:
        found = await Place.get_or_none(id=report.target_id)
    if found is None:
        raise Unprocessable.field(
            "verb", "Only an action, a message of the chat, a call or a place can be hidden."
        )
    return found


# What members other than the call's association were told about it (their links would 404).
_TOLD_ABOUT_A_CALL = (
    "call_nearby",
    "call_followed",
    "call_urgent",
    "call_changed",
    "call_message",
    "call_thanks",
)


async def _forget_notifications(call: Call) -> None:
    """A hidden call leaves the notification lists of those it was announced to (a restored
    call does not come back there: it was news once). The rows name the call in their payload
    (``ref``), read here rather than queried, the JSON operators of SQLite and PostgreSQL
    differing."""
    rows = await Notification.filter(
        kind__in=_TOLD_ABOUT_A_CALL, created_at__gte=call.created_at
    ).values_list("id", "payload")
    ref = str(call.id)
    gone = [row_id for row_id, payload in rows if payload.get("ref") == ref]
    if gone:
        await Notification.filter(id__in=gone).delete()


async def set_hidden(
    node: NodeState,
    moderator: Member,
    report: Report,
    hidden: bool,
    reason: str,
    *,
    rule: int | None = None,
) -> ModerationEntry:
    """Hide (``hidden``) or restore the content the report is about; logged, with the house
    rule broken when the moderator cites one (``rule``, its number)."""
    require_moderator(moderator)
    reason = check_reason(reason)
    cited = await house_rules.cited(rule)
    content = await _content(report)
    if (content.hidden_at is not None) == hidden:
        message = "This is hidden already." if hidden else "This is not hidden."
        raise Unprocessable.field("verb", message)
    now = clock.now()
    async with in_transaction():
        content.hidden_at = now if hidden else None
        await content.save(update_fields=["hidden_at"])
        entry = await record_entry(
            moderator,
            ModerationVerb.HIDE if hidden else ModerationVerb.RESTORE,
            kind=str(report.target_kind),
            target=report.target_id,
            report=report,
            reason=reason,
            rule=cited,
        )
        if isinstance(content, Action):
            if hidden:
                await node.events.record(node, ActionHidden(action=content, when=now))
            else:
                await node.events.record(node, ActionRestored(action=content))
        elif isinstance(content, Call | Place):
            await node.events.record(node, ContentHidden(content=content, hidden=hidden))
            if hidden and isinstance(content, Call):
                await _forget_notifications(content)
        else:
            await node.events.record(node, MessageHidden(message=content, hidden=hidden, when=now))
    if isinstance(content, Action):
        actions_changed()  # the anonymous feed's cache drops it (or takes it back) at once
    return entry
