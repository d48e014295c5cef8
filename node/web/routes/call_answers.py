"""Answering a call on the web: "I'm coming" (a repeating call: on the dates ticked), pledges
per item, and withdrawal (a repeating call: one date at a time). Plain forms: the date of a
withdrawal is the value of the button pressed, so it works without JavaScript."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from quart import Blueprint, Response, flash, request, url_for

from node.errors import Problem, Unprocessable
from node.http_state import current_node
from node.models import CallKind
from node.services.calls import answers, reading
from node.web.context import current_member
from node.web.context import gettext as _
from node.web.forms import FormErrors, login_required, member, raw, see_other
from node.web.routes.calls import page

blueprint = Blueprint("web_call_answers", __name__)


def _url(call_id: UUID) -> str:
    return url_for("web_calls.show", call_id=call_id)


def _moment(value: str, field: str) -> datetime:
    """A date of the form (an ISO 8601 time with its offset); 422 for anything else."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Unprocessable.field(field, "This is not one of the call's dates.") from None
    if moment.tzinfo is None:
        raise Unprocessable.field(field, "This is not one of the call's dates.")
    return moment


@blueprint.post("/calls/<uuid:call_id>/answer")
@login_required
async def answer(call_id: UUID) -> Response:
    form = await request.form
    call = await reading.get_call(call_id, current_member())
    try:
        pledges = []
        if call.kind == CallKind.DONATIONS:
            for item in await reading.items_of(call):
                value = raw(form, f"item-{item.id}").strip()
                if value and value != "0":
                    if not value.isdigit():
                        raise Unprocessable.field("pledges", "Enter a whole number.")
                    pledges.append(answers.Pledge(item_id=item.id, quantity=int(value)))
        ticked = form.getlist("dates")
        dates = [_moment(value, "dates") for value in ticked] if ticked else None
        if dates is None and "date-choice" in form:
            raise Unprocessable.field("dates", "Tick at least one date.")
        await answers.answer(current_node(), member(), call.id, pledges, dates)
    except Problem as exc:
        return await page(call.id, exc.status, errors=FormErrors.from_problem(exc))
    await flash(_("Thank you! The association counts on you."))
    return see_other(_url(call.id))


@blueprint.post("/calls/<uuid:call_id>/withdraw")
@login_required
async def withdraw(call_id: UUID) -> Response:
    form = await request.form
    try:
        typed = raw(form, "date")
        date = _moment(typed, "date") if typed.strip() else None
        await answers.withdraw(current_node(), member(), call_id, date)
    except Problem as exc:
        return await page(call_id, exc.status, errors=FormErrors.from_problem(exc))
    await flash(_("Your answer is withdrawn."))
    return see_other(_url(call_id))
