"""The house rules page (« Règles de vie »): anyone reads the numbered rules; the node's admins
add, reword, remove and move them here. While the street committee decides on the gate
``moderation`` each of these forms opens a proposal instead."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, flash, request, url_for

from node.errors import Problem
from node.http_state import current_node
from node.models import Member
from node.services import admins
from node.services import house_rules as service
from node.services.committee.gates import Proposed
from node.web import context
from node.web.context import gettext as _
from node.web.forms import FormErrors, login_required, member, raw, render, see_other, text
from node.web.nav import N_
from node.web.routes.committee import waiting_for_committee

blueprint = Blueprint("web_rules", __name__)

# What the house rules service says, in the catalog for the forms.
SERVICE_MESSAGES = (
    N_("No house rule has this number."),
    N_("There is no such place in the list."),
    N_("Write the rule."),
    N_("At most 300 characters."),
    N_("Another rule says this already."),
    N_("At most 30 rules: a short list is read."),
    N_("This is what the rule says already."),
    N_("This is the order already."),
    N_("A rule of this list was removed meanwhile."),
    N_("Only the node's administrators change the house rules."),
)


async def _page(
    status: int = 200,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
    editing: int | None = None,
) -> Response:
    viewer = context.current_member()
    rules = await service.rules_in_force()
    return await render(
        "rules.html",
        status,
        rules=rules,
        rule_lang=context.language(),
        can_edit=viewer is not None and viewer.is_admin,
        errors=errors or FormErrors(),
        values=values or {},
        editing=editing,
        text_max=service.TEXT_MAX,
    )


@blueprint.get("/rules")
async def rules_page() -> Response:
    return await _page()


def _admin() -> Member:
    return admins.require_node_admin(member())


def _number(raw_value: str) -> int | None:
    return int(raw_value) if raw_value.isdigit() and len(raw_value) < 5 else None


async def _outcome(
    change: Any, done: str, values: dict[str, str] | None = None, editing: int | None = None
) -> Response:
    """Carry out ``change`` (an awaitable of the service); say what became of it."""
    try:
        await change
    except Proposed as exc:
        return await waiting_for_committee(exc)
    except Problem as exc:
        return await _page(exc.status, FormErrors.from_problem(exc), values, editing)
    await flash(done)
    return see_other(url_for("web_rules.rules_page"))


def _texts(form: Any) -> dict[str, str]:
    limit = service.TEXT_MAX + 1
    return {"text_fr": raw(form, "text_fr")[:limit], "text_en": raw(form, "text_en")[:limit]}


@blueprint.post("/rules/add")
@login_required
async def add() -> Response:
    me = _admin()
    form = await request.form
    values = {**_texts(form), "position": text(form, "position", 10)}
    position = _number(values["position"]) if values["position"] else None
    if values["position"] and position is None:
        errors = FormErrors(fields={"position": _("There is no such place in the list.")})
        return await _page(422, errors, values)
    change = service.add(
        current_node(), values["text_fr"], values["text_en"], position=position, by=me
    )
    return await _outcome(change, _("The rule is added."), values)


@blueprint.post("/rules/<int:number>/edit")
@login_required
async def edit(number: int) -> Response:
    me = _admin()
    values = _texts(await request.form)
    change = service.edit(current_node(), number, values["text_fr"], values["text_en"], by=me)
    return await _outcome(change, _("The rule is changed."), values, editing=number)


@blueprint.post("/rules/<int:number>/remove")
@login_required
async def remove(number: int) -> Response:
    me = _admin()
    return await _outcome(service.remove(current_node(), number, by=me), _("The rule is removed."))


@blueprint.post("/rules/<int:number>/move")
@login_required
async def move(number: int) -> Response:
    me = _admin()
    to = _number(text(await request.form, "to", 10)) or 0
    change = service.move(current_node(), number, to, by=me)
    return await _outcome(change, _("The rules are in their new order."))
