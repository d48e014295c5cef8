"""Node administration: partnerships with other nodes (ask, accept or refuse, end, change what
an accepted one shares, answer a partner's request to share more or withdraw ours).

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
from node.services import partnership_scopes
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


async def _offers() -> dict[UUID, dict[str, object]]:
    """The pending requests to share more, by partnership: ``asked`` (ours), ``asks`` (theirs)."""
    out: dict[UUID, dict[str, object]] = {}
    for pid, rows in (await partnership_scopes.pending_offers()).items():
        for offer in rows:
            key = "asked" if offer.direction == PartnershipDirection.OUTGOING else "asks"
            out.setdefault(pid, {})[key] = offer
    return out


async def _page(status: int = 200, **extra: Any) -> Response:
    _require_admin()
    extra.setdefault("errors", FormErrors())
    extra.setdefault("values", {})
    return await render(
        "admin_partnerships.html",
        status,
        scopes=service.SCOPES,
        offers=await _offers(),
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


@blueprint.post("/<uuid:partnership_id>/scopes")
@login_required
async def change_scopes(partnership_id: UUID) -> Response:
    """Share exactly the boxes ticked: what goes stops at once, what comes is asked."""
    admin: Member = _require_admin()
    form = await request.form
    try:
        p = await service.get_partnership(partnership_id)
        wanted = [s for s in form.getlist("scopes") if s in service.SCOPES]
        if not wanted:
            raise Unprocessable.field("scopes", "Choose at least one thing to share.")
        done = await partnership_scopes.change_scopes(
            current_node(), p, wanted, message=text(form, "message", 2000), by=admin
        )
    except Proposed as exc:
        return await waiting_for_committee(exc)
    except Problem as exc:
        return await _page(exc.status, errors=_one_message(exc))
    if done.offer is not None:
        await flash(_("Your request to share more is sent to %(domain)s.", domain=p.remote_domain))
    else:
        await flash(_("You share less with %(domain)s from now on.", domain=p.remote_domain))
    return see_other(url_for("web_partnerships.index"))


@blueprint.post("/<uuid:partnership_id>/scopes/<any(accept, reject, withdraw):verb>")
@login_required
async def answer_scopes(partnership_id: UUID, verb: str) -> Response:
    """Accept or refuse the partner's request to share more, or withdraw ours."""
    admin: Member = _require_admin()
    try:
        p = await service.get_partnership(partnership_id)
        if verb == "withdraw":
            await partnership_scopes.withdraw_request(current_node(), p, by=admin)
        else:
            offer = await partnership_scopes.incoming_request(p)
            await partnership_scopes.decide_widening(
                current_node(), offer, accept=verb == "accept", decided_by=admin
            )
    except Proposed as exc:
        return await waiting_for_committee(exc)
    except Problem as exc:
        return await _page(exc.status, errors=_one_message(exc))
    messages = {
        "accept": N_("You share more with %(domain)s from now on."),
        "reject": N_("The request of %(domain)s to share more is refused."),
        "withdraw": N_("Your request to %(domain)s to share more is withdrawn."),
    }
    await flash(_(messages[verb], domain=p.remote_domain))
    return see_other(url_for("web_partnerships.index"))


def _one_message(exc: Problem) -> FormErrors:
    """A refusal of a partnership's scopes form, said at the top of the page: every partnership
    has its own form, so a field's link would not say which one."""
    errors = FormErrors.from_problem(exc)
    words = [*errors.fields.values(), *([errors.general] if errors.general else [])]
    return FormErrors(general=" ".join(dict.fromkeys(words)))


async def _summary(viewer: Member) -> dict[str, Any] | None:
    groups = _groups(await service.list_partnerships())
    pending = PartnershipStatus.PENDING
    return {
        "waiting": sum(1 for p in groups["incoming"] if p.status == pending),
        "accepted": sum(1 for p in groups["incoming"] + groups["outgoing"] if p.status != pending),
    }


nav.ADMIN_SECTIONS.append(nav.Section("admin/_partnerships.html", _summary))
