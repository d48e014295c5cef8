"""The moderator role on the admin page: who has it, giving it by phone number, taking it back.
Each change is in the moderation log."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from quart import Blueprint, Response, flash, request, url_for

from node.errors import NotFound, Problem
from node.models import Member
from node.services import admins
from node.services import moderation as service
from node.services.phone import normalise_phone
from node.web import nav
from node.web.context import gettext as _
from node.web.forms import FormErrors, login_required, member, see_other, text
from node.web.nav import N_

blueprint = Blueprint("web_moderators", __name__, url_prefix="/admin/moderators")

MESSAGES = (N_("No member has this phone number."),)


async def _admin_page(status: int, errors: FormErrors) -> Response:
    from node.web.routes.admin import _page

    return await _page(status, errors=errors)


@blueprint.post("")
@login_required
async def grant() -> Response:
    me = admins.require_node_admin(member())
    form = await request.form
    try:
        found = await Member.get_or_none(phone=normalise_phone(text(form, "phone", 40)))
        if found is None:
            raise NotFound("No member has this phone number.")
        chosen = await service.set_moderator(me, found.id, True, text(form, "reason", 1000))
    except Problem as exc:
        return await _admin_page(exc.status, FormErrors.from_problem(exc))
    await flash(_("%(name)s is a moderator now.", name=chosen.display_name))
    return see_other(url_for("web_admin.index") + "#moderators")


@blueprint.post("/<uuid:member_id>/remove")
@login_required
async def revoke(member_id: UUID) -> Response:
    me = admins.require_node_admin(member())
    found = await service.set_moderator(me, member_id, False)
    await flash(_("%(name)s is no longer a moderator.", name=found.display_name))
    return see_other(url_for("web_admin.index") + "#moderators")


async def _section(viewer: Member) -> dict[str, Any] | None:
    if not viewer.is_admin:
        return None
    rows = await Member.filter(is_moderator=True).order_by("created_at").limit(200)
    return {"moderators": rows}


nav.ADMIN_SECTIONS.append(nav.Section("admin/_moderators.html", _section))
