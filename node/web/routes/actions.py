"""An action's page: details, joining and leaving, the author's decisions, the private chat."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from quart import Blueprint, Response, flash, g, request, url_for

from node.errors import Problem, Unprocessable
from node.http_state import current_node
from node.models import Participation, ParticipationStatus
from node.services import actions as actions_service
from node.services import chat, notifications, participations, word_list
from node.services.inputs import parse
from node.services.inputs.actions import ChatMessageDraft, JoinRequest
from node.services.partner_nodes import node_names
from node.web.context import current_member
from node.web.context import gettext as _
from node.web.format import origin_domain
from node.web.forms import (
    FormErrors,
    checked,
    login_required,
    member,
    raw,
    render,
    see_other,
    text,
)

blueprint = Blueprint("web_actions", __name__)


async def _page(action_id: UUID, status: int = 200, **extra: Any) -> Response:
    viewer = current_member()
    action = await actions_service.get_visible_action(action_id, viewer)
    mine: Participation | None = None
    rows: list[Participation] = []
    messages: list[Any] = []
    in_chat = can_manage = False
    if viewer is not None:
        can_manage = await actions_service.can_manage(action, viewer)
        rows = await participations.list_participations(action.id, viewer)
        mine = next((r for r in rows if r.member_id == viewer.id), None)  # type: ignore[attr-defined]
        in_chat = await participations.is_in_chat(action, viewer)
        if in_chat:
            page = await chat.list_messages(action.id, viewer, limit=chat.MAX_LIMIT)
            messages = list(reversed(page.items))
    extra.setdefault("errors", FormErrors())
    extra.setdefault("screened", [])
    domains = [action.origin_domain]
    domains += [origin_domain(r.remote_actor_iri) for r in rows]
    domains += [origin_domain(getattr(m, "remote_actor_iri", None)) for m in messages]
    return await render(
        "action.html",
        status,
        node_names=await node_names(domains),
        action=action,
        action_status=actions_service.effective_status(action),
        is_author=viewer is not None and action.author_id == viewer.id,  # type: ignore[attr-defined]
        can_manage=can_manage,
        participations=rows,
        mine=mine,
        joinable=mine is None or mine.status == ParticipationStatus.LEFT,
        in_chat=in_chat,
        messages=messages,
        **extra,
    )


def _back(action_id: UUID, anchor: str = "") -> Response:
    return see_other(url_for("web_actions.show", action_id=action_id) + anchor)


@blueprint.get("/actions/<uuid:action_id>")
async def show(action_id: UUID) -> Response:
    viewer = current_member()
    # Seeing the page is reading what it was notified about (requests, messages).
    if viewer is not None and await notifications.mark_read(viewer, action_id=action_id):
        g.unread = await notifications.unread_count(viewer.id)
    return await _page(action_id)


@blueprint.post("/actions/<uuid:action_id>/join")
@login_required
async def join(action_id: UUID) -> Response:
    form = await request.form
    try:
        request_ = parse(JoinRequest, {"message": raw(form, "message")})
        row = await participations.join(action_id, member(), current_node(), request_.message)
    except Problem as exc:
        return await _page(
            action_id, exc.status, errors=FormErrors.from_problem(exc), join_message=form
        )
    if row.status == ParticipationStatus.ACCEPTED:
        await flash(_("You have joined this action."))
    else:
        await flash(_("Your request was sent to the author."))
    return _back(action_id)


@blueprint.post("/actions/<uuid:action_id>/leave")
@login_required
async def leave(action_id: UUID) -> Response:
    try:
        await participations.leave(action_id, None, member(), current_node())
    except Problem as exc:
        return await _page(action_id, exc.status, errors=FormErrors.from_problem(exc))
    await flash(_("You have left this action."))
    return _back(action_id)


@blueprint.post("/actions/<uuid:action_id>/participations/<int:participation_id>")
@login_required
async def decide(action_id: UUID, participation_id: int) -> Response:
    form = await request.form
    choice = form.get("status")
    status = ParticipationStatus(choice) if choice in ("accepted", "declined") else None
    try:
        if status is None:
            raise Unprocessable.field("status", "must be accepted or declined")
        await participations.decide(action_id, participation_id, member(), status, current_node())
    except Problem as exc:
        return await _page(action_id, exc.status, errors=FormErrors.from_problem(exc))
    return _back(action_id, "#participants")


@blueprint.post("/actions/<uuid:action_id>/messages")
@login_required
async def post_message(action_id: UUID) -> Response:
    form = await request.form
    try:
        draft = parse(ChatMessageDraft, {"body": raw(form, "body")})
        await chat.post_message(
            action_id,
            member(),
            draft.body,
            current_node(),
            confirmed_screened=checked(form, "confirm_screened"),
        )
    except word_list.ScreenedWords as exc:
        # A warning, not a refusal: the words found, the draft kept, a box to send it anyway.
        words = [str(error["message"]) for error in exc.errors]
        return await _page(action_id, 200, draft=form.get("body"), screened=words)
    except Problem as exc:
        return await _page(
            action_id, exc.status, errors=FormErrors.from_problem(exc), draft=form.get("body")
        )
    return _back(action_id, "#chat")


@blueprint.post("/actions/<uuid:action_id>/status")
@login_required
async def change_status(action_id: UUID) -> Response:
    form = await request.form
    try:
        await actions_service.update_action(
            action_id, member(), {"status": text(form, "status", 20)}, current_node()
        )
    except (Problem, ValueError) as exc:
        if not isinstance(exc, Problem):
            exc = Unprocessable.field("status", "can only become fulfilled or closed")
        return await _page(action_id, exc.status, errors=FormErrors.from_problem(exc))
    await flash(_("The action is updated."))
    return _back(action_id)
