"""Node administration: partnerships with other nodes (ask, accept or refuse, end).

Same service as the admin API (:mod:`node.services.partnerships`); accepting and refusing go
through its single decision function, so the street committee's gates apply here too: a gated
action opens a proposal and the page says so.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from quart import Blueprint, Response, flash, request, url_for

from node.errors import Problem, Unprocessable
from node.fed.remote import resolve
from node.http_state import current_node
from node.models import Member, Partnership, PartnershipDirection, PartnershipStatus
from node.services import partnerships as service
from node.services.committee.gates import Proposed
from node.web import nav
from node.web.context import gettext as _
from node.web.forms import FormErrors, login_required, render, see_other, text
from node.web.nav import N_
from node.web.routes.admin import _require_admin
from node.web.routes.committee import waiting_for_committee

blueprint = Blueprint("web_partnerships", __name__, url_prefix="/admin/partnerships")


def _groups(rows: list[Partnership]) -> dict[str, list[Partnership]]:
    active = (PartnershipStatus.PENDING, PartnershipStatus.ACCEPTED)
    return {
        "incoming": [
            p for p in rows if p.direction == PartnershipDirection.INCOMING and p.status in active
        ],
        "outgoing": [
            p for p in rows if p.direction == PartnershipDirection.OUTGOING and p.status in active
        ],
        "history": [p for p in rows if p.status not in active],
    }


async def _page(status: int = 200, **extra: Any) -> Response:
    _require_admin()
    extra.setdefault("errors", FormErrors())
    extra.setdefault("values", {})
    return await render(
        "admin_partnerships.html",
        status,
        scopes=service.SCOPES,
        **_groups(await service.list_partnerships()),
        **extra,
    )


@blueprint.get("")
@login_required
async def index() -> Response:
    return await _page()


@blueprint.post("")
@login_required
async def ask() -> Response:
    _require_admin()
    form = await request.form
    try:
        target = text(form, "target", 500)
        if not target:
            raise Unprocessable.field("target", "This value is not valid.")
        scopes = [s for s in form.getlist("scopes") if s in service.SCOPES]
        if not scopes:
            raise Unprocessable.field("scopes", "Choose at least one thing to share.")
        node = current_node()
        p = await service.request_partnership(
            node,
            remote=await resolve(node, target),
            scopes=scopes,
            message=text(form, "message", 2000),
        )
    except Problem as exc:
        values = {"target": form.get("target", ""), "message": form.get("message", "")}
        values["scopes"] = form.getlist("scopes")
        return await _page(exc.status, errors=FormErrors.from_problem(exc), values=values)
    await flash(_("Your request is sent to %(domain)s.", domain=p.remote_domain))
    return see_other(url_for("web_partnerships.index") + "#outgoing")


@blueprint.post("/<uuid:partnership_id>/<any(accept, reject, end):verb>")
@login_required
async def change(partnership_id: UUID, verb: str) -> Response:
    admin: Member = _require_admin()
    try:
        p = await service.get_partnership(partnership_id)
        if verb == "end":
            p = await service.end_partnership(current_node(), p, by=admin)
        else:
            p = await service.decide_partnership(
                current_node(), p, accept=verb == "accept", decided_by=admin
            )
    except Proposed as exc:
        return await waiting_for_committee(exc)
    except Problem as exc:
        return await _page(exc.status, errors=FormErrors.from_problem(exc))
    messages = {
        "accept": N_("The partnership with %(domain)s is accepted."),
        "reject": N_("The request of %(domain)s is refused."),
        "end": N_("The partnership with %(domain)s is ended."),
    }
    await flash(_(messages[verb], domain=p.remote_domain))
    return see_other(url_for("web_partnerships.index"))


async def _summary(viewer: Member) -> dict[str, Any] | None:
    groups = _groups(await service.list_partnerships())
    pending = PartnershipStatus.PENDING
    return {
        "waiting": sum(1 for p in groups["incoming"] if p.status == pending),
        "accepted": sum(1 for p in groups["incoming"] + groups["outgoing"] if p.status != pending),
    }


nav.ADMIN_SECTIONS.append(nav.Section("admin/_partnerships.html", _summary))
