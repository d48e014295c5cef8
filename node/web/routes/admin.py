"""Node administration: the settings that matter (read-only), association requests to decide,
and the sections that other features add (``node.web.nav.ADMIN_SECTIONS``)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from quart import Blueprint, Response, flash, url_for

from node import __version__
from node.errors import Problem
from node.http_state import current_node
from node.models import Action, ActionStatus, Association, AssociationStatus, Member
from node.services import admins
from node.services import associations as service
from node.services.committee.gates import Proposed
from node.web import nav
from node.web.context import gettext as _
from node.web.forms import FormErrors, login_required, member, render, see_other

blueprint = Blueprint("web_admin", __name__, url_prefix="/admin")


def _require_admin() -> Member:
    return admins.require_node_admin(member())


def _settings_rows() -> list[tuple[str, str]]:
    s = current_node().settings
    return [
        ("base_url", s.base_url),
        ("node_name", s.node_name),
        ("node_kind", s.node_kind),
        ("default_language", s.default_language),
        ("area", f"{s.area_lat:.4f}, {s.area_lon:.4f} — {s.area_radius_km:g} km"),
        ("database", "SQLite" if s.is_sqlite else "PostgreSQL"),
        ("sms_backend", s.sms_backend.split(":", 1)[0]),
        ("mail_backend", s.mail_backend.split(":", 1)[0]),
        ("rate_limit_per_minute", str(s.rate_limit_per_minute)),
        ("action_ttl_days", str(s.action_ttl_days)),
        ("session_days", f"{s.session_days:g}"),
        ("map_tile_url", s.map_tile_url),
        ("timezone", s.timezone),
        ("secure_cookies", "true" if s.secure_cookies else "false"),
        ("federation_allow_private", "true" if s.federation_allow_private else "false"),
        ("worker_in_process", "true" if s.worker_in_process else "false"),
        ("version", __version__),
    ]


async def _page(status: int = 200, **extra: Any) -> Response:
    me = _require_admin()
    counts = {
        "members": await Member.filter(managed_by_id=None).count(),
        "proxies": await Member.exclude(managed_by_id=None).count(),
        "associations": await Association.filter(status=AssociationStatus.APPROVED).count(),
        "open_actions": await Action.filter(status=ActionStatus.OPEN).count(),
    }
    sections = []
    for section in nav.ADMIN_SECTIONS:
        variables = await section.load(me)
        if variables is not None:
            sections.append((section.template, variables))
    extra.setdefault("errors", FormErrors())
    return await render(
        "admin.html",
        status,
        settings_rows=_settings_rows(),
        counts=counts,
        pending=await service.list_associations(AssociationStatus.PENDING, limit=100),
        sections=sections,
        **extra,
    )


@blueprint.get("")
@login_required
async def index() -> Response:
    return await _page()


@blueprint.post("/associations/<uuid:association_id>/<any(approve, reject):decision>")
@login_required
async def decide(association_id: UUID, decision: str) -> Response:
    me = _require_admin()
    try:
        association = await service.visible_association(association_id, me)
        await service.decide(association, decision == "approve", node=current_node(), by=me)
    except Proposed as exc:
        from node.web.routes.committee import waiting_for_committee

        return await waiting_for_committee(exc)
    except Problem as exc:
        return await _page(exc.status, errors=FormErrors.from_problem(exc))
    if decision == "approve":
        await flash(_("The association %(name)s is approved.", name=association.name))
    else:
        await flash(_("The request of %(name)s is rejected.", name=association.name))
    return see_other(url_for("web_admin.index"))
