"""The page of an association of a partner node, from what this node holds of it (the calls
its node sent here, which are public posts): its name and node, its open calls and what they
still need, and the follow button. Following goes through this node's one ActivityPub
``Follow`` of the association's actor, shared by every member here who follows it."""

from __future__ import annotations

from quart import Blueprint, Response, flash, request, url_for

from node.http_state import current_node
from node.services.calls import reading, remote_follows
from node.web.association_calls import open_call_rows
from node.web.context import current_member
from node.web.context import gettext as _
from node.web.forms import login_required, member, raw, render, see_other

blueprint = Blueprint("web_partner_associations", __name__)


@blueprint.get("/associations/remote/<int:actor_id>")
async def show(actor_id: int) -> Response:
    association = await reading.partner_association(actor_id=actor_id)
    viewer = current_member()
    calls = await reading.of_partner_association(association.actor_iri)
    follow = None
    if viewer is not None:
        follow = await remote_follows.view(viewer, association.actor_iri)
    return await render(
        "association_remote.html",
        association=association,
        open_calls=await open_call_rows(calls),
        needs=await reading.needs(calls, current_node().settings.timezone),
        remote_follow=follow,
    )


@blueprint.post("/associations/remote/<int:actor_id>/follow")
@login_required
async def follow(actor_id: int) -> Response:
    association = await reading.partner_association(actor_id=actor_id)
    form = await request.form
    if raw(form, "stop") == "1":
        await remote_follows.unfollow(current_node(), member(), association.actor_iri)
    else:
        await remote_follows.follow(current_node(), member(), association.actor_iri)
        await flash(_("You follow this association: its calls will reach you."))
    return see_other(url_for("web_partner_associations.show", actor_id=actor_id))
