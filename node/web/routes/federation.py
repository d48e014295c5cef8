"""Node administration: federation status (deliveries queued, failing and abandoned, with a retry
button), domain blocks and allowlist mode. Same use cases as the admin API and the CLI
(:mod:`node.services.deliveries`, :mod:`node.services.federation_policy`)."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, flash, request, url_for

from node.errors import Problem
from node.fed import blocklists as fed_blocklists
from node.http_state import current_node
from node.models import Member
from node.services import blocklists, deliveries
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
        values = {
            "domain": form.get("domain", ""),
            "reason": form.get("reason", ""),
            "emergency": "on" if emergency else "",
        }
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


# --- a partner's published blocklist -------------------------------------------------------------


async def _partner_list_page(domain: str, status: int = 200, **extra: Any) -> Response:
    rows: list[blocklists.Reviewed] = []
    errors = extra.pop("errors", FormErrors())
    try:
        entries = await fed_blocklists.fetch_partner_list(current_node(), domain)
        rows = await blocklists.review(entries)
    except Problem as exc:
        if exc.status == 404:
            raise
        status, errors = exc.status, FormErrors.from_problem(exc)
    return await render(
        "admin_partner_blocklist.html", status, partner=domain, rows=rows, errors=errors, **extra
    )


@blueprint.get("/partners/<domain>/blocklist")
@login_required
async def partner_blocklist(domain: str) -> Response:
    """An accepted partner's published blocklist beside ours, to choose entries to apply."""
    _require_admin()
    return await _partner_list_page(await blocklists.accepted_partner(domain))


@blueprint.post("/partners/<domain>/blocklist")
@login_required
async def apply_partner_blocklist(domain: str) -> Response:
    me = _require_admin()
    domain = await blocklists.accepted_partner(domain)
    form = await request.form
    chosen = {str(d)[:255] for d in form.getlist("domain")[: blocklists.MAX_ROWS]}
    if not chosen:
        errors = FormErrors(fields={"domain": _("Choose at least one domain.")})
        return await _partner_list_page(domain, 422, errors=errors)
    try:
        entries = await fed_blocklists.fetch_partner_list(current_node(), domain)
        result = await blocklists.apply(current_node(), entries, by=me, only=chosen)
    except Problem as exc:
        return await _partner_list_page(domain, exc.status, errors=FormErrors.from_problem(exc))
    if result.blocked:
        await flash(_("Blocked now: %(domains)s.", domains=", ".join(result.blocked)))
    if result.proposed:
        domains = ", ".join(d for d, _number in result.proposed)
        await flash(_("Waiting for the street committee: %(domains)s.", domains=domains))
    if not result.blocked and not result.proposed:
        await flash(_("Nothing to apply: these domains are already blocked or not blocks."))
    return see_other(url_for("web_federation.partner_blocklist", domain=domain))


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
