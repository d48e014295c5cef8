"""Node administration: federation status (deliveries queued, failing and abandoned, with a retry
button), domain blocks and allowlist mode. Same use cases as the admin API and the CLI
(:mod:`node.services.deliveries`, :mod:`node.services.federation_policy`)."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, flash, request, url_for

from node.errors import Problem
from node.http_state import current_node
from node.models import Member
from node.services import deliveries
from node.services import federation_policy as policy
from node.services.committee.gates import Proposed
from node.web import nav
from node.web.context import gettext as _
from node.web.forms import FormErrors, checked, login_required, render, see_other, text
from node.web.routes.admin import _require_admin
from node.web.routes.committee import waiting_for_committee

blueprint = Blueprint("web_federation", __name__, url_prefix="/admin/federation")
LIST_LIMIT = 50


async def _page(status: int = 200, **extra: Any) -> Response:
    _require_admin()
    queued = await deliveries.list_deliveries("queued", LIST_LIMIT)
    mode, allowed = await policy.current_policy()
    extra.setdefault("errors", FormErrors())
    extra.setdefault("values", {})
    return await render(
        "admin_federation.html",
        status,
        counts=await deliveries.delivery_counts(),
        waiting=[row for row in queued if not row["attempts"]],
        failing=[row for row in queued if row["attempts"]],
        abandoned=await deliveries.list_deliveries("abandoned", LIST_LIMIT),
        blocks=await policy.list_blocks(),
        allowlist_mode=mode,
        allowed_domains=allowed,
        **extra,
    )


@blueprint.get("")
@login_required
async def index() -> Response:
    return await _page()


@blueprint.post("/deliveries/<int:delivery_id>/retry")
@login_required
async def retry(delivery_id: int) -> Response:
    _require_admin()
    try:
        row = await deliveries.retry_delivery(delivery_id)
    except Problem as exc:
        return await _page(exc.status, errors=FormErrors.from_problem(exc))
    await flash(_("The delivery to %(host)s is queued again.", host=row["host"]))
    return see_other(url_for("web_federation.index") + "#deliveries")


@blueprint.post("/blocks")
@login_required
async def block() -> Response:
    me = _require_admin()
    form = await request.form
    emergency = checked(form, "emergency")
    try:
        row = await policy.block_domain(
            text(form, "domain", 255),
            text(form, "reason", 500),
            node=current_node(),
            by=me,
            emergency=emergency,
        )
    except Proposed as exc:
        return await waiting_for_committee(exc)
    except Problem as exc:
        values = {"domain": form.get("domain", ""), "reason": form.get("reason", "")}
        return await _page(exc.status, errors=FormErrors.from_problem(exc), values=values)
    if emergency:
        await flash(
            _(
                "%(domain)s is blocked now. The street committee will confirm or lift it.",
                domain=row.domain,
            )
        )
    else:
        await flash(_("%(domain)s is blocked.", domain=row.domain))
    return see_other(url_for("web_federation.index") + "#blocks")


@blueprint.post("/blocks/remove")
@login_required
async def unblock() -> Response:
    me = _require_admin()
    form = await request.form
    domain = text(form, "domain", 255)
    try:
        await policy.unblock_domain(domain, node=current_node(), by=me)
    except Proposed as exc:
        return await waiting_for_committee(exc)
    except Problem as exc:
        return await _page(exc.status, errors=FormErrors.from_problem(exc))
    await flash(_("%(domain)s is no longer blocked.", domain=domain))
    return see_other(url_for("web_federation.index") + "#blocks")


@blueprint.post("/policy")
@login_required
async def set_policy() -> Response:
    me = _require_admin()
    form = await request.form
    lines = text(form, "allowed_domains", 50_000).replace(",", "\n").splitlines()
    domains = [line.strip() for line in lines if line.strip()]
    try:
        await policy.set_policy(
            allowlist_mode=checked(form, "allowlist_mode"),
            allowed_domains=domains,
            node=current_node(),
            by=me,
        )
    except Proposed as exc:
        return await waiting_for_committee(exc)
    except Problem as exc:
        values = {"allowed_domains": form.get("allowed_domains", "")}
        errors = FormErrors.from_problem(exc)
        if "domain" in errors.fields:
            errors.fields["allowed_domains"] = errors.fields.pop("domain")
        return await _page(exc.status, errors=errors, values=values)
    await flash(_("The federation policy is saved."))
    return see_other(url_for("web_federation.index") + "#policy")


async def _summary(viewer: Member) -> dict[str, Any] | None:
    counts = await deliveries.delivery_counts()
    mode, _allowed = await policy.current_policy()
    return {"counts": counts, "allowlist_mode": mode}


nav.ADMIN_SECTIONS.append(nav.Section("admin/_federation.html", _summary))
