"""The charter page: anyone reads it; a member asked to accept a new version does it here.

A member whose accepted version is older than the one in force is sent here from every page
(except the charter, logging out, the data export and deleting the account), and back to where
they were going once they accepted.
"""

from __future__ import annotations

from quart import Blueprint, Response, flash, request, url_for

from node.errors import Forbidden, Problem
from node.http_state import current_node
from node.services import charter as service
from node.services.committee.gates import Proposed
from node.web import context
from node.web.context import gettext as _
from node.web.forms import FormErrors, render, safe_next, see_other, text
from node.web.routes.committee import waiting_for_committee

blueprint = Blueprint("web_charter", __name__)

# Pages open before accepting a new charter: read and accept it, leave, take one's data.
CHARTER_FREE_ENDPOINTS = frozenset(
    {
        "web_charter.charter_page",
        "web_charter.accept",
        "web_auth.logout",
        "web_me.profile",
        "web_me.export",
        "web_me.delete",
    }
)


async def _page(
    status: int = 200, errors: FormErrors | None = None, values: dict[str, str] | None = None
) -> Response:
    member = context.current_member()
    charter = await service.charter_in_force()
    values = values or {"text_fr": charter.text_fr, "text_en": charter.text_en}
    must_accept = member is not None and await service.needs_acceptance(member) is not None
    return await render(
        "charter.html",
        status,
        charter=charter,
        text=charter.text(context.language()),
        must_accept=must_accept,
        next=safe_next(request.args.get("next")),
        errors=errors or FormErrors(),
        values=values,
        can_edit=member is not None and member.is_admin and not must_accept,
    )


@blueprint.get("/charter")
async def charter_page() -> Response:
    return await _page()


@blueprint.post("/charter")
async def accept() -> Response:
    member = context.current_member()
    if member is None:
        return see_other(url_for("web_auth.login", next="/charter"))
    form = await request.form
    if form.get("accept") != "yes":
        errors = FormErrors(fields={"accept": _("Tick the box to accept the charter.")})
        return await _page(422, errors)
    try:
        await service.accept(member, int(str(form.get("version", "0"))[:9] or 0))
    except (Problem, ValueError):
        errors = FormErrors(fields={"accept": _("The charter changed meanwhile. Read it again.")})
        return await _page(409, errors)
    await flash(_("Thank you. You accepted the charter."))
    return see_other(safe_next(str(form.get("next", "/"))))


@blueprint.post("/charter/edit")
async def edit() -> Response:
    """Node admin: a new version; while the street committee sits, a proposal to vote on."""
    member = context.current_member()
    if member is None or not member.is_admin:
        raise Forbidden("Only the node's administrators change the charter.")
    form = await request.form
    values = {"text_fr": text(form, "text_fr", 20_001), "text_en": text(form, "text_en", 20_001)}
    try:
        await service.publish(current_node(), values["text_fr"], values["text_en"], by=member)
    except Proposed as exc:
        return await waiting_for_committee(exc)
    except Problem as exc:
        return await _page(exc.status, FormErrors.from_problem(exc), values)
    await flash(_("The new charter is published. Members will accept it on their next visit."))
    return see_other(url_for("web_charter.charter_page"))
