"""Reporting from the web: the form behind every "Report" link (an action, a chat message, a
person, an association, a call, a place of the guide) and "My reports" with their outcome.

The emergency numbers are on the form itself, always, so that someone who picks "Someone in
danger" sees them before sending and without any script; the answer to a danger report shows
them again, first.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from quart import Blueprint, Response, flash, request, url_for

from node.errors import NotFound, Problem, Unprocessable
from node.http_state import current_node
from node.models import (
    Association,
    Call,
    CallMessage,
    Member,
    Message,
    Place,
    ReportCategory,
    ReportTarget,
)
from node.services import actions as actions_service
from node.services import house_rules, participations
from node.services import reports as service
from node.services.calls import messages as call_messages
from node.services.moderation import DEFAULT_OUTCOMES
from node.web.context import gettext as _
from node.web.context import language
from node.web.forms import FormErrors, login_required, member, render, see_other, text
from node.web.nav import N_

blueprint = Blueprint("web_reports", __name__)

CATEGORY_LABELS = {
    ReportCategory.DANGER: N_("Someone in danger"),
    ReportCategory.HARASSMENT: N_("Insults or harassment"),
    ReportCategory.FRAUD: N_("Fraud or scam"),
    ReportCategory.SPAM: N_("Spam or advertising"),
    ReportCategory.OTHER: N_("Something else"),
}
STATUS_LABELS = {
    "open": N_("Waiting for the moderators"),
    "resolved": N_("The moderators acted"),
    "dismissed": N_("Nothing against the rules was found"),
}
KIND_LABELS = {
    ReportTarget.ACTION: N_("An action"),
    ReportTarget.MESSAGE: N_("A message in a conversation"),
    ReportTarget.MEMBER: N_("A person"),
    ReportTarget.ASSOCIATION: N_("An association"),
    ReportTarget.CALL: N_("A call for help"),
    ReportTarget.PLACE: N_("A place of the guide"),
    ReportTarget.REMOTE: N_("Something on another server"),
}
# What the reports service says, in the catalog for the form.
MESSAGES = (
    N_("There is nothing to report at this address."),
    N_("You cannot report yourself."),
    N_("Too many reports in an hour; try again later."),
    N_("At most 2000 characters."),
)


def emergency_numbers() -> list[tuple[str, str]]:
    french = language() == "fr"
    numbers = service.emergency_numbers(current_node().settings)
    return [(n.number, n.fr if french else n.en) for n in numbers]


def rule_number(raw_value: str) -> int | None:
    """The house rule a form cites: empty for none; 422 for what is not a rule's number."""
    if not raw_value:
        return None
    if not raw_value.isdigit():
        raise Unprocessable.field("rule", house_rules.NO_SUCH_RULE)
    return int(raw_value)


async def _reads(viewer: Member, written: CallMessage) -> bool:
    """Whether ``viewer`` reads ``written`` in its call's conversation."""
    try:
        rows = await call_messages.conversation(viewer, written.call.id)
    except Problem:
        return False
    return any(row.id == written.id for row in rows)


async def _describe(target: str, viewer: Member) -> str:
    """What the reporter is about to report, in a few words; 404 for what they cannot see."""
    kind, _sep, raw_id = target.partition(":")
    try:
        if kind == ReportTarget.ACTION:
            action = await actions_service.get_visible_action(UUID(raw_id), viewer)
            return _("The action “%(title)s”", title=action.title)
        if kind == ReportTarget.MESSAGE and raw_id.isdigit() and len(raw_id) < 19:
            message = await Message.get_or_none(id=int(raw_id)).select_related("action")
            if message is not None and await participations.is_in_chat(message.action, viewer):
                return _("A message in the conversation of “%(title)s”", title=message.action.title)
        if kind == ReportTarget.MEMBER:
            person = await Member.get_or_none(id=UUID(raw_id))
            if person is not None and person.id != viewer.id:
                return _("The person %(name)s", name=person.display_name)
        if kind == ReportTarget.ASSOCIATION:
            association = await Association.get_or_none(id=UUID(raw_id))
            if association is not None:
                return _("The association %(name)s", name=association.name)
        if kind == ReportTarget.CALL:
            call = await Call.get_or_none(id=UUID(raw_id))
            if call is not None:
                return _("The call “%(title)s”", title=call.title)
        if kind == ReportTarget.CALL_MESSAGE and raw_id.isdigit() and len(raw_id) < 19:
            written = await CallMessage.get_or_none(id=int(raw_id)).select_related("call")
            if written is not None and await _reads(viewer, written):
                return _("A message about the call “%(title)s”", title=written.call.title)
        if kind == ReportTarget.PLACE:
            place = await Place.get_or_none(id=UUID(raw_id))
            if place is not None:
                return _("The place %(name)s", name=place.name)
    except ValueError:
        pass
    raise NotFound("There is nothing to report at this address.")


async def _form(
    target: str, status: int = 200, errors: FormErrors | None = None, **values: Any
) -> Response:
    return await render(
        "report.html",
        status,
        target=target,
        what=await _describe(target, member()),
        categories=CATEGORY_LABELS,
        rules=await house_rules.rules_in_force(),
        numbers=emergency_numbers(),
        errors=errors or FormErrors(),
        values=values,
    )


@blueprint.get("/report")
@login_required
async def new() -> Response:
    return await _form(text(request.args, "target", service.IRI_MAX))


@blueprint.post("/report")
@login_required
async def send() -> Response:
    form = await request.form
    target = text(form, "target", service.IRI_MAX)
    await _describe(target, member())  # 404 for what the reporter cannot see
    raw_category, body = text(form, "category", 20), str(form.get("text", ""))
    raw_rule = text(form, "rule", 10)
    try:
        try:
            category = ReportCategory(raw_category)
        except ValueError:
            raise Unprocessable.field("category", "Choose one of the list.") from None
        report = await service.make_report(
            current_node(),
            member(),
            target=target,
            category=category,
            text=body,
            rule=rule_number(raw_rule),
        )
    except Problem as exc:
        errors = FormErrors.from_problem(exc)
        values = {"category": raw_category, "text": body, "rule": raw_rule}
        return await _form(target, exc.status, errors, **values)
    if report.category == ReportCategory.DANGER:
        return await render("report_sent.html", numbers=emergency_numbers())
    await flash(_("Thank you. The moderators will look at your report."))
    return see_other(url_for("web_reports.mine"))


@blueprint.get("/me/reports")
@login_required
async def mine() -> Response:
    rows = await service.reports_by(member())
    cited = {
        r.id: (
            await house_rules.citation(r.rule_id),  # type: ignore[attr-defined]
            await house_rules.cited_by_moderators(r.id),
        )
        for r in rows
    }
    return await render(
        "my_reports.html",
        reports=rows,
        cited=cited,
        categories=CATEGORY_LABELS,
        statuses=STATUS_LABELS,
        kinds=KIND_LABELS,
        default_outcomes=set(DEFAULT_OUTCOMES.values()),
    )
