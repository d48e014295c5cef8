"""Blocking someone from their action's page, and lifting a block from my page."""

from __future__ import annotations

from uuid import UUID

from quart import Blueprint, Response, flash, request, url_for

from node.errors import NotFound, Problem, Unprocessable
from node.models import Action
from node.services import blocks
from node.web.context import gettext as _
from node.web.forms import login_required, member, see_other, text

blueprint = Blueprint("web_blocks", __name__)


@blueprint.post("/actions/<uuid:action_id>/block-author")
@login_required
async def block_author(action_id: UUID) -> Response:
    me = member()
    action = await Action.get_or_none(id=action_id)
    if action is None:
        raise NotFound("No such action.")
    author_id = action.author_id  # type: ignore[attr-defined]
    try:
        if author_id is not None:
            await blocks.block(me, member_id=author_id)
        elif action.remote_actor_iri is not None:
            await blocks.block(me, actor_iri=action.remote_actor_iri)
        else:
            raise NotFound("No such action.")
    except Problem as exc:
        if exc.status != 409:  # already blocked: the page says so anyway
            raise
    await flash(_("This person is blocked: you no longer see each other's posts."))
    return see_other(url_for("web_me.profile") + "#blocks")


@blueprint.post("/me/blocks/remove")
@login_required
async def unblock() -> Response:
    form = await request.form
    raw_id, actor = text(form, "member_id", 40), text(form, "actor", 2048)
    try:
        member_id = UUID(raw_id) if raw_id else None
    except ValueError:
        raise Unprocessable.field("member_id", "Choose one of the list.") from None
    await blocks.unblock(member(), member_id=member_id, actor_iri=actor or None)
    await flash(_("The block is lifted."))
    return see_other(url_for("web_me.profile") + "#blocks")
