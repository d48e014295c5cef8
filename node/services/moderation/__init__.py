"""The moderation queue: who moderates, what a report is about (in context), what moderators
do (hide or restore content, warn, suspend, ban, anonymise, resolve, dismiss, forward), and the
audit log of it all.

Every decision writes a :class:`ModerationEntry` in the same transaction (who, what, why, when);
admins and the street committee's members read that log. Nothing here acts by itself: a report,
local or received from another server as a ``Flag``, waits for a person.
"""

from node.services.moderation.decisions import act_on_member, decide
from node.services.moderation.forward import forward
from node.services.moderation.hiding import set_hidden
from node.services.moderation.queue import (
    Context,
    audit_log,
    context,
    entries_of,
    get_report,
    list_closed,
    list_reports,
)
from node.services.moderation.roles import (
    DEFAULT_OUTCOMES,
    MEMBER_VERBS,
    OUTCOME_MAX,
    PAGE_MAX,
    REASON_MAX,
    SUSPEND_MAX_DAYS,
    is_moderator,
    operator_set_moderator,
    record_entry,
    require_audit_reader,
    require_moderator,
    set_moderator,
)

__all__ = [
    "DEFAULT_OUTCOMES",
    "MEMBER_VERBS",
    "OUTCOME_MAX",
    "PAGE_MAX",
    "REASON_MAX",
    "SUSPEND_MAX_DAYS",
    "Context",
    "act_on_member",
    "audit_log",
    "context",
    "decide",
    "entries_of",
    "forward",
    "get_report",
    "is_moderator",
    "list_closed",
    "list_reports",
    "operator_set_moderator",
    "record_entry",
    "require_audit_reader",
    "require_moderator",
    "set_hidden",
    "set_moderator",
]
