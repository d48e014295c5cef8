"""The moderators' pages: the queue, one report with its content in context and what can be
done about it (each action asks why: the log keeps it), the audit log (admins and the street
committee) and the word list."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, flash, request, url_for

from node.errors import Problem, Unprocessable
from node.http_state import current_node
from node.models import Member, ModerationVerb, ReportStatus
from node.services import house_rules, word_list
from node.services import moderation as service
from node.web import nav
from node.web.context import gettext as _
from node.web.forms import FormErrors, login_required, member, render, see_other, text
from node.web.nav import N_
from node.web.routes.reports import CATEGORY_LABELS, KIND_LABELS, STATUS_LABELS, rule_number

blueprint = Blueprint("web_moderation", __name__, url_prefix="/moderation")

VERB_LABELS = {
    ModerationVerb.HIDE: N_("Hide the content"),
    ModerationVerb.RESTORE: N_("Show the content again"),
    ModerationVerb.WARN: N_("Warn the person"),
    ModerationVerb.SUSPEND: N_("Suspend the person"),
    ModerationVerb.BAN: N_("Ban the person"),
    ModerationVerb.ANONYMISE: N_("Anonymise the person"),
    ModerationVerb.RESOLVE: N_("Close: done"),
    ModerationVerb.DISMISS: N_("Close without action"),
    ModerationVerb.FORWARD: N_("Sent to the other server"),
    ModerationVerb.GRANT_MODERATOR: N_("Moderator role given"),
    ModerationVerb.REVOKE_MODERATOR: N_("Moderator role taken back"),
    ModerationVerb.ADD_WORD: N_("Word added"),
    ModerationVerb.REMOVE_WORD: N_("Word removed"),
}
# What the moderation services say, in the catalog for these pages.
MESSAGES = (
    N_("Say why: the log keeps it."),
    N_("At most 1000 characters."),
    N_("This report is already closed."),
    N_("This report is not about a member of this node."),
    N_("You cannot moderate yourself."),
    N_("Only an administrator can act on an administrator."),
    N_("Between 1 and 365 days."),
    N_("Only an action, a message of the chat, a call or a place can be hidden."),
    N_("This is hidden already."),
    N_("This is not hidden."),
    N_("This report was already forwarded."),
    N_("This report came from that server."),
    N_("This report is not about another server's content."),
    N_("The author's server is not known to this node."),
    N_("Only the node's moderators can do this."),
    N_("Only administrators and the committee read the moderation log."),
    N_("No such report."),
    N_("This word is already on the list."),
    N_("Give a word or a short phrase."),
    N_("No such word on the list."),
)
_ACTS = {"hide", "restore", "warn", "suspend", "ban", "anonymise", "resolve", "dismiss"}


def _moderator() -> Member:
    return service.require_moderator(member())


@blueprint.get("")
@login_required
async def queue() -> Response:
    _moderator()
    closed = request.args.get("status") == "closed"
    if closed:
        rows = await service.list_closed(service.PAGE_MAX)
    else:
        rows = await service.list_reports(ReportStatus.OPEN, service.PAGE_MAX)
    return await render(
        "moderation/queue.html",
        reports=rows,
        closed=closed,
        categories=CATEGORY_LABELS,
        kinds=KIND_LABELS,
        statuses=STATUS_LABELS,
    )


async def _report_page(report_id: int, status: int = 200, **extra: Any) -> Response:
    _moderator()
    report = await service.get_report(report_id)
    seen = await service.context(report)
    entries = await service.entries_of(report)
    extra.setdefault("errors", FormErrors())
    extra.setdefault("values", {})
    return await render(
        "moderation/report.html",
        status,
        report=report,
        seen=seen,
        entries=entries,
        entry_rules={e.id: await house_rules.citation(e.rule_id) for e in entries},  # type: ignore[attr-defined]
        reporter_rule=await house_rules.citation(report.rule_id),  # type: ignore[attr-defined]
        rules=await house_rules.rules_in_force(),
        categories=CATEGORY_LABELS,
        kinds=KIND_LABELS,
        statuses=STATUS_LABELS,
        verbs=VERB_LABELS,
        suspend_max=service.SUSPEND_MAX_DAYS,
        **extra,
    )


@blueprint.get("/reports/<int:report_id>")
@login_required
async def report_page(report_id: int) -> Response:
    return await _report_page(report_id)


def _days(raw: str) -> int | None:
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise Unprocessable.field("days", "Between 1 and 365 days.") from None


@blueprint.post("/reports/<int:report_id>/act")
@login_required
async def act(report_id: int) -> Response:
    moderator = _moderator()
    form = await request.form
    raw_verb = text(form, "verb", 20)
    reason, outcome = str(form.get("reason", "")), str(form.get("outcome", ""))
    raw_rule = text(form, "rule", 10)
    node = current_node()
    try:
        report = await service.get_report(report_id)
        if raw_verb not in _ACTS:
            raise Unprocessable.field("verb", "Choose one of the list.")
        verb = ModerationVerb(raw_verb)
        rule = rule_number(raw_rule)
        if verb in service.MEMBER_VERBS:
            days = _days(text(form, "days", 10)) if verb == ModerationVerb.SUSPEND else None
            await service.act_on_member(node, moderator, report, verb, reason, days=days, rule=rule)
        elif verb in (ModerationVerb.HIDE, ModerationVerb.RESTORE):
            hide = verb == ModerationVerb.HIDE
            await service.set_hidden(node, moderator, report, hide, reason, rule=rule)
        else:
            done = verb == ModerationVerb.RESOLVE
            closed = ReportStatus.RESOLVED if done else ReportStatus.DISMISSED
            await service.decide(node, moderator, report, closed, reason, outcome, rule=rule)
    except Problem as exc:
        errors = FormErrors.from_problem(exc)
        if "verb" in errors.fields:  # shown above the forms: they all send a verb
            errors.general = errors.fields.pop("verb")
        values = {"verb": raw_verb, "reason": reason, "outcome": outcome, "rule": raw_rule}
        return await _report_page(report_id, exc.status, errors=errors, values=values)
    await flash(_("Done: %(what)s.", what=_(VERB_LABELS[verb])))
    return see_other(url_for("web_moderation.report_page", report_id=report_id))


@blueprint.post("/reports/<int:report_id>/flag")
@login_required
async def forward(report_id: int) -> Response:
    moderator = _moderator()
    form = await request.form
    kept = str(form.get("text", ""))
    try:
        report = await service.get_report(report_id)
        await service.forward(current_node(), moderator, report, kept)
    except Problem as exc:
        errors = FormErrors.from_problem(exc)
        if "report" in errors.fields:
            errors.general = errors.fields.pop("report")
        values = {"verb": "forward", "flag_text": kept}
        return await _report_page(report_id, exc.status, errors=errors, values=values)
    await flash(_("The report is sent to the other server's moderators."))
    return see_other(url_for("web_moderation.report_page", report_id=report_id))


@blueprint.get("/log")
@login_required
async def log() -> Response:
    await service.require_audit_reader(member())
    return await render("moderation/log.html", entries=await service.audit_log(), verbs=VERB_LABELS)


async def _words_page(status: int = 200, **extra: Any) -> Response:
    _moderator()
    extra.setdefault("errors", FormErrors())
    return await render(
        "moderation/words.html", status, words=await word_list.list_words(), **extra
    )


@blueprint.get("/words")
@login_required
async def words() -> Response:
    return await _words_page()


@blueprint.post("/words")
@login_required
async def add_word() -> Response:
    form = await request.form
    raw = str(form.get("word", ""))[: word_list.WORD_MAX * 4]
    try:
        row = await word_list.add_word(_moderator(), raw)
    except Problem as exc:
        return await _words_page(exc.status, errors=FormErrors.from_problem(exc), word=raw)
    await flash(_("“%(word)s” is on the list.", word=row.word))
    return see_other(url_for("web_moderation.words"))


@blueprint.post("/words/<int:word_id>/remove")
@login_required
async def remove_word(word_id: int) -> Response:
    await word_list.remove_word(_moderator(), word_id)
    await flash(_("The word is off the list."))
    return see_other(url_for("web_moderation.words"))


async def moderators(viewer: Member | None) -> bool:
    return service.is_moderator(viewer)


async def log_readers_only(viewer: Member | None) -> bool:
    """Committee members who do not moderate: the log is the part they read."""
    if viewer is None or service.is_moderator(viewer):
        return False
    try:
        await service.require_audit_reader(viewer)
    except Problem:
        return False
    return True


_ADMIN = "web_admin.index"
nav.add(nav.NavEntry("web_moderation.queue", N_("Moderation"), moderators), before=_ADMIN)
nav.add(nav.NavEntry("web_moderation.log", N_("Moderation log"), log_readers_only), before=_ADMIN)
