"""My profile: pseudonym and email, password, my memberships, data export, account deletion."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from quart import Blueprint, Response, flash, request, url_for

from node.errors import Problem, Unprocessable
from node.http_state import current_node
from node.models import Action, ApiToken, AssociationMembership
from node.passwords import MAX_LENGTH, MIN_LENGTH
from node.services import association_invitations, blocks, members, my_actions, sessions
from node.services.export import export_member
from node.web import context, data_sections
from node.web.context import gettext as _
from node.web.forms import FormErrors, login_required, member, render, see_other, text

blueprint = Blueprint("web_me", __name__)


async def _page(status: int = 200, **extra: Any) -> Response:
    me = member()
    memberships = (
        await AssociationMembership.filter(member_id=me.id)
        .select_related("association")
        .order_by("created_at")
    )
    actions = await Action.filter(author_id=me.id).order_by("-created_at").limit(50)
    extra.setdefault("errors", FormErrors())
    extra["web_sessions"] = await sessions.sessions_of(me)
    extra["current_session_id"] = context.current_session_id()
    extra["api_tokens"] = await ApiToken.filter(member_id=me.id, revoked_at=None).order_by("-id")
    extra["invitations"] = await association_invitations.pending_invitations(me)
    extra["blocks"] = await blocks.blocks_of(me)
    extra.setdefault("form", None)
    return await render(
        "me.html",
        status,
        me=me,
        memberships=memberships,
        my_actions=actions,
        taking_part=await my_actions.my_actions(me),
        calendar_url=await my_actions.calendar_url(current_node(), me),
        **extra,
    )


@blueprint.get("/me")
@login_required
async def profile() -> Response:
    return await _page()


@blueprint.post("/me")
@login_required
async def update() -> Response:
    form = await request.form
    changes = {"pseudonym": text(form, "pseudonym", 60), "email": text(form, "email", 254)}
    try:
        if len(changes["pseudonym"]) > 50:
            raise Unprocessable.field("pseudonym", "At most 50 characters.")
        await members.update_profile(member(), changes, current_node())
    except Problem as exc:
        return await _page(exc.status, errors=FormErrors.from_problem(exc), form="profile")
    await flash(_("Your profile is saved."))
    return see_other(url_for("web_me.profile"))


@blueprint.post("/me/invitations/<uuid:invitation_id>")
@login_required
async def answer_invitation(invitation_id: UUID) -> Response:
    form = await request.form
    try:
        if form.get("answer") == "accept":
            association = await association_invitations.accept(member(), invitation_id)
            await flash(_("You have joined %(name)s.", name=association.name))
        else:
            await association_invitations.decline(member(), invitation_id)
            await flash(_("The invitation is declined."))
    except Problem as exc:
        return await _page(exc.status, errors=FormErrors.from_problem(exc), form="invitations")
    return see_other(url_for("web_me.profile") + "#invitations")


@blueprint.post("/me/invitations/code")
@login_required
async def invitation_code() -> Response:
    form = await request.form
    code = text(form, "code", 20)
    try:
        if not (len(code) == 6 and code.isdigit()):
            raise Unprocessable.field("code", "The code has 6 digits.")
        association = await association_invitations.accept_by_code(member(), code, current_node())
    except Problem as exc:
        return await _page(exc.status, errors=FormErrors.from_problem(exc), form="invitations")
    await flash(_("You have joined %(name)s.", name=association.name))
    return see_other(url_for("web_me.profile") + "#invitations")


@blueprint.post("/me/password")
@login_required
async def password() -> Response:
    form = await request.form
    changes = {
        "password": str(form.get("password", ""))[:200],
        "current_password": str(form.get("current_password", ""))[:200],
    }
    try:
        if not MIN_LENGTH <= len(changes["password"]) <= MAX_LENGTH:
            raise Unprocessable.field("password", f"Use {MIN_LENGTH} to {MAX_LENGTH} characters.")
        await members.update_profile(
            member(), changes, current_node(), current_session_id=context.current_session_id()
        )
    except Problem as exc:
        return await _page(exc.status, errors=FormErrors.from_problem(exc), form="password")
    await flash(_("Your password is changed."))
    return see_other(url_for("web_me.profile"))


@blueprint.post("/me/calendar/reset")
@login_required
async def reset_calendar() -> Response:
    await my_actions.reset_calendar(current_node(), member())
    await flash(_("Your calendar has a new address; the old one no longer works."))
    return see_other(url_for("web_me.profile") + "#calendar-title")


@blueprint.post("/me/sessions/end")
@login_required
async def log_out_everywhere() -> Response:
    """End every web session (this one too) and revoke every API token."""
    await sessions.log_out_everywhere(member())
    await context.log_out()
    await flash(_("You are logged out everywhere."))
    return see_other(url_for("web_auth.login"))


@blueprint.get("/me/export.json")
@login_required
async def export() -> Response:
    data = await export_member(member())
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(
        body,
        content_type="application/json; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="entraide-export.json"',
            "Cache-Control": "no-store",
        },
    )


@blueprint.get("/me/data")
@login_required
async def data() -> Response:
    """Everything the node stores about me, section by section, to read or print."""
    export = await export_member(member())
    response = await render(
        "me_data.html", exported_at=export["exported_at"], sections=data_sections.readable(export)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.get("/me/delete")
@login_required
async def confirm_delete() -> Response:
    return await render("me_delete.html", errors=FormErrors())


@blueprint.post("/me/delete")
@login_required
async def delete() -> Response:
    form = await request.form
    try:
        await members.delete_member(
            member(), str(form.get("delete_password", ""))[:200], current_node()
        )
    except Problem as exc:
        errors = FormErrors(fields={"delete_password": _("The password is wrong.")})
        return await render("me_delete.html", exc.status, errors=errors)
    await context.log_out()
    await flash(_("Your account and everything attached to it are deleted."))
    return see_other("/")
