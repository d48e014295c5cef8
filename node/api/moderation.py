"""API routes of the moderation queue (moderators and admins), the moderator role (admins)
and the audit log (admins and the street committee)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field
from quart import Blueprint
from quart_schema import security_scheme, validate_querystring, validate_request, validate_response

from node.api.deps import require_member
from node.api.reports import ReportOut, report_out
from node.api.types import BEARER, MULTI_LINE, Strict
from node.http_state import current_node
from node.models import ModerationEntry, ModerationVerb, ReportStatus
from node.services import house_rules, word_list
from node.services import moderation as service

blueprint = Blueprint("moderation", __name__, url_prefix="/api/v1/moderation")

Reason = Annotated[str, Field(max_length=service.REASON_MAX), MULTI_LINE]


class QueueQuery(Strict):
    status: ReportStatus | None = ReportStatus.OPEN
    limit: int = Field(50, ge=1, le=service.PAGE_MAX)


class QueueOut(BaseModel):
    items: list[ReportOut]


class EntryOut(BaseModel):
    id: int
    moderator: str = Field(description="The moderator's pseudonym when they acted")
    verb: ModerationVerb
    target: str
    report_id: int | None
    reason: str
    rule: int | None = Field(description="The house rule cited: its number today")
    until: datetime | None
    created_at: datetime


class ReportDetailOut(BaseModel):
    report: ReportOut
    text: str
    reporter_id: UUID | None
    origin_domain: str | None
    context: dict[str, Any] = Field(description="The reported content as people saw it")
    found: bool = Field(description="False when the content is gone")
    entries: list[EntryOut]


class ActIn(Strict):
    verb: Literal["hide", "restore", "warn", "suspend", "ban", "anonymise", "resolve", "dismiss"]
    reason: Reason = Field(description="Why: kept in the log (and told to a warned member)")
    days: int | None = Field(None, ge=1, le=service.SUSPEND_MAX_DAYS)
    outcome: Annotated[str, Field(max_length=service.OUTCOME_MAX), MULTI_LINE] = Field(
        "", description="resolve/dismiss: what the reporter is told (name nobody)"
    )
    rule: int | None = Field(
        None, ge=1, le=1000, description="The number of the house rule broken (optional)"
    )


class ForwardIn(Strict):
    text: Reason = Field(
        "", description="What the other server's moderators read; the reporter is never named"
    )


class LogOut(BaseModel):
    items: list[EntryOut]


class RoleIn(Strict):
    reason: Reason = ""


class RoleOut(BaseModel):
    member_id: UUID
    moderator: bool


async def entry_out(entry: ModerationEntry) -> EntryOut:
    cited = await house_rules.citation(entry.rule_id)  # type: ignore[attr-defined]
    return EntryOut(
        id=entry.id,
        moderator=entry.moderator_name,
        verb=entry.verb,
        target=f"{entry.target_kind}:{entry.target_id}" if entry.target_kind else "",
        report_id=entry.report_id,  # type: ignore[attr-defined]
        reason=entry.reason,
        rule=cited.number if cited else None,
        until=entry.until,
        created_at=entry.created_at,
    )


async def _moderator() -> Any:
    return service.require_moderator(await require_member())


@blueprint.get("/reports")
@security_scheme(BEARER)
@validate_querystring(QueueQuery)
@validate_response(QueueOut)
async def queue(query_args: QueueQuery) -> QueueOut:
    """The queue: open reports by default, someone in danger first."""
    await _moderator()
    rows = await service.list_reports(query_args.status, query_args.limit)
    return QueueOut(items=[await report_out(r) for r in rows])


async def _detail(report_id: int) -> ReportDetailOut:
    report = await service.get_report(report_id)
    seen = await service.context(report)
    return ReportDetailOut(
        report=await report_out(report),
        text=report.text,
        reporter_id=report.reporter_id,  # type: ignore[attr-defined]
        origin_domain=report.origin_domain,
        context=seen.summary,
        found=seen.found,
        entries=[await entry_out(e) for e in await service.entries_of(report)],
    )


@blueprint.get("/reports/<int:report_id>")
@security_scheme(BEARER)
@validate_response(ReportDetailOut)
async def report_detail(report_id: int) -> ReportDetailOut:
    """One report with the reported content in context and what was done about it."""
    await _moderator()
    return await _detail(report_id)


@blueprint.post("/reports/<int:report_id>/actions")
@security_scheme(BEARER)
@validate_request(ActIn)
@validate_response(ReportDetailOut)
async def act(report_id: int, data: ActIn) -> ReportDetailOut:
    """Do something about a report; every action is logged with its reason."""
    moderator = await _moderator()
    node = current_node()
    report = await service.get_report(report_id)
    verb = ModerationVerb(data.verb)
    if verb in service.MEMBER_VERBS:
        await service.act_on_member(
            node, moderator, report, verb, data.reason, days=data.days, rule=data.rule
        )
    elif verb in (ModerationVerb.HIDE, ModerationVerb.RESTORE):
        hide = verb == ModerationVerb.HIDE
        await service.set_hidden(node, moderator, report, hide, data.reason, rule=data.rule)
    else:
        status = ReportStatus.RESOLVED if verb == ModerationVerb.RESOLVE else ReportStatus.DISMISSED
        await service.decide(
            node, moderator, report, status, data.reason, data.outcome, rule=data.rule
        )
    return await _detail(report_id)


@blueprint.post("/reports/<int:report_id>/flag")
@security_scheme(BEARER)
@validate_request(ForwardIn)
@validate_response(ReportDetailOut)
async def forward(report_id: int, data: ForwardIn) -> ReportDetailOut:
    """Send the report to the server of the reported content as a ``Flag`` (by choice only)."""
    moderator = await _moderator()
    report = await service.get_report(report_id)
    await service.forward(current_node(), moderator, report, data.text)
    return await _detail(report_id)


@blueprint.get("/log")
@security_scheme(BEARER)
@validate_response(LogOut)
async def log() -> LogOut:
    """The audit log, newest first: admins and the committee's members."""
    await service.require_audit_reader(await require_member())
    return LogOut(items=[await entry_out(e) for e in await service.audit_log()])


@blueprint.put("/moderators/<uuid:member_id>")
@security_scheme(BEARER)
@validate_request(RoleIn)
@validate_response(RoleOut)
async def grant(member_id: UUID, data: RoleIn) -> RoleOut:
    """Make a member a moderator (admins only)."""
    member = await service.set_moderator(await require_member(), member_id, True, data.reason)
    return RoleOut(member_id=member.id, moderator=True)


@blueprint.delete("/moderators/<uuid:member_id>")
@security_scheme(BEARER)
@validate_response(RoleOut)
async def revoke(member_id: UUID) -> RoleOut:
    """Take the moderator role back (admins only)."""
    member = await service.set_moderator(await require_member(), member_id, False)
    return RoleOut(member_id=member.id, moderator=False)


class WordIn(Strict):
    word: Annotated[str, Field(min_length=1, max_length=word_list.WORD_MAX)]


class WordOut(BaseModel):
    id: int
    word: str
    created_at: datetime


class WordsOut(BaseModel):
    items: list[WordOut]


@blueprint.get("/words")
@security_scheme(BEARER)
@validate_response(WordsOut)
async def words() -> WordsOut:
    """The word list authors are warned about before posting."""
    await _moderator()
    rows = await word_list.list_words()
    return WordsOut(items=[WordOut(id=w.id, word=w.word, created_at=w.created_at) for w in rows])


@blueprint.post("/words")
@security_scheme(BEARER)
@validate_request(WordIn)
@validate_response(WordOut, 201)
async def add_word(data: WordIn) -> tuple[WordOut, int]:
    """Add a word or a short phrase (409 when it is there already); logged."""
    row = await word_list.add_word(await _moderator(), data.word)
    return WordOut(id=row.id, word=row.word, created_at=row.created_at), 201


@blueprint.delete("/words/<int:word_id>")
@security_scheme(BEARER)
async def remove_word(word_id: int) -> tuple[str, int]:
    """Take a word off the list; logged."""
    await word_list.remove_word(await _moderator(), word_id)
    return "", 204
