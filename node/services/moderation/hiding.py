"""Hiding reported content and showing it again.

A hidden action or chat message stays in the database (a mistake can be undone) but only its
author and the moderators see it. A hidden public action of this node is gone for partners
too: :class:`ActionHidden` makes federation send its ``Delete``; restoring it sends a ``Create``
again (:class:`ActionRestored`). A partner's action or message is hidden on this node only: its
own node decides for its copy (a moderator can forward the report there as a ``Flag``).
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from node import clock
from node.caches import actions_changed
from node.errors import Unprocessable
from node.events import ActionHidden, ActionRestored
from node.models import (
    Action,
    Member,
    Message,
    ModerationEntry,
    ModerationVerb,
    Report,
    ReportTarget,
)
from node.services.moderation.decisions import check_reason
from node.services.moderation.roles import record_entry, require_moderator
from node.state import NodeState


async def _content(report: Report) -> Action | Message:
    kind = ReportTarget(report.target_kind)
    found: Action | Message | None = None
    if kind == ReportTarget.ACTION:
        found = await Action.get_or_none(id=report.target_id)
    elif kind == ReportTarget.MESSAGE:
        found = await Message.get_or_none(id=int(report.target_id))
    if found is None:
        raise Unprocessable.field("verb", "Only an action or a message of the chat can be hidden.")
    return found


async def set_hidden(
    node: NodeState, moderator: Member, report: Report, hidden: bool, reason: str
) -> ModerationEntry:
    """Hide (``hidden``) or restore the action or message the report is about; logged."""
    require_moderator(moderator)
    reason = check_reason(reason)
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
        )
        if isinstance(content, Action):
            if hidden:
                await node.events.record(node, ActionHidden(action=content, when=now))
            else:
                await node.events.record(node, ActionRestored(action=content))
    if isinstance(content, Action):
        actions_changed()  # the anonymous feed's cache drops it (or takes it back) at once
    return entry
