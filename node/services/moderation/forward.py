"""Forwarding a report to the server of the reported content, as a ``Flag``."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from node import clock
from node.errors import Unprocessable
from node.events import ReportForwarded
from node.models import (
    Action,
    Member,
    Message,
    ModerationEntry,
    ModerationVerb,
    RemoteActor,
    Report,
    ReportTarget,
)
from node.services.moderation.roles import REASON_MAX, record_entry, require_moderator
from node.state import NodeState


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
