"""Members' suggested changes to the guide's places, on the web: the form on a place's page,
and the list where its association's coordinators (or a node moderator) accept or refuse."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from quart import Blueprint, Response, flash, request, url_for

from node.errors import Forbidden, Problem
from node.http_state import current_node
from node.models import Place, PlaceSuggestion
from node.services.inputs import parse
from node.services.inputs.places import SuggestionDecision, SuggestionIn
from node.services.places import store, suggestions
from node.web.context import current_member
from node.web.context import gettext as _
from node.web.forms import FormErrors, login_required, member, raw, render, see_other
from node.web.nav import N_

blueprint = Blueprint("web_guide_suggestions", __name__)

# The fields a member may suggest on the web form, in its order, with their labels.
FIELD_LABELS = {
    "opening_hours": N_("Opening hours"),
    "closed_from": N_("Closed from"),
    "closed_to": N_("Closed until"),
    "closure_reason": N_("Reason for the closure"),
    "phone": N_("Phone"),
    "website": N_("Website"),
    "address": N_("Address"),
}
DATES = ("closed_from", "closed_to")


def field_label(name: str) -> str:
    label = FIELD_LABELS.get(name)
    return _(label) if label else name.replace("_", " ")


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def _changes(row: PlaceSuggestion) -> list[tuple[str, str, str]]:
    """Each suggested field: its label, the place's value, the suggested one."""
    return [
        (field_label(name), _shown(getattr(row.place, name, None)), _shown(value))
        for name, value in row.changes.items()
    ]


def _values(place: Place) -> dict[str, str]:
    return {
        name: ("" if getattr(place, name) is None else str(getattr(place, name)))
        for name in FIELD_LABELS
    }


async def _form_page(place: Place, status: int = 200, **context: Any) -> Response:
    context.setdefault("values", {**_values(place), "note": ""})
    context.setdefault("errors", FormErrors())
    return await render(
        "guide_suggest.html", status, place=place, fields=FIELD_LABELS, dates=DATES, **context
    )


@blueprint.get("/guide/<uuid:place_id>/suggest")
@login_required
async def suggest_form(place_id: UUID) -> Response:
    return await _form_page(await store.visible_place(place_id, current_member()))


@blueprint.post("/guide/<uuid:place_id>/suggest")
@login_required
async def suggest(place_id: UUID) -> Response:
    place = await store.get_place(place_id)
    form = await request.form
    values = {name: raw(form, name) for name in (*FIELD_LABELS, "note") if name in form}
    data = {k: (v if v.strip() or k not in DATES else None) for k, v in values.items()}
    try:
        if not member().is_verified:
            raise Forbidden("Verify your phone number before doing this.")
        await suggestions.suggest(current_node(), member(), place_id, parse(SuggestionIn, data))
    except Problem as exc:
        return await _form_page(
            place, exc.status, values=values, errors=FormErrors.from_problem(exc)
        )
    await flash(_("Thank you! The people who keep this place up to date will look at it."))
    return see_other(url_for("web_guide.show", place_id=place_id))


async def _list_page(status: int = 200, errors: FormErrors | None = None) -> Response:
    rows = await suggestions.pending_for(member())
    return await render(
        "guide_suggestions.html",
        status,
        rows=rows,
        changes=_changes,
        errors=errors or FormErrors(),
    )


@blueprint.get("/guide/suggestions")
@login_required
async def to_decide() -> Response:
    return await _list_page()


@blueprint.post("/guide/suggestions/<uuid:suggestion_id>/accept")
@login_required
async def accept(suggestion_id: UUID) -> Response:
    try:
        await suggestions.accept(current_node(), member(), suggestion_id)
    except Problem as exc:
        return await _list_page(exc.status, FormErrors.from_problem(exc))
    await flash(_("The change is made; thank you for keeping the guide up to date."))
    return see_other(url_for("web_guide_suggestions.to_decide"))


@blueprint.post("/guide/suggestions/<uuid:suggestion_id>/refuse")
@login_required
async def refuse(suggestion_id: UUID) -> Response:
    form = await request.form
    try:
        decision = parse(SuggestionDecision, {"reason": raw(form, "reason")})
        await suggestions.refuse(current_node(), member(), suggestion_id, decision.reason)
    except Problem as exc:
        return await _list_page(exc.status, FormErrors.from_problem(exc))
    await flash(_("The suggestion is refused; its author is told why."))
    return see_other(url_for("web_guide_suggestions.to_decide"))
