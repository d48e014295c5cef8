"""API routes: posting, reading, changing and deleting actions (under /api/v1)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from quart import Blueprint
from quart_schema import security_scheme, validate_request, validate_response

from node.api.action_views import ActionOut, action_out
from node.api.deps import (
    optional_member,
    require_member,
    require_verified_member,
    screened_confirmed,
)
from node.api.types import BEARER
from node.errors import Unprocessable
from node.http_state import current_node
from node.services import actions as actions_service
from node.services import word_list
from node.services.inputs.actions import ActionChanges, ActionDraft

blueprint = Blueprint("actions", __name__, url_prefix="/api/v1")


@blueprint.post("/actions")
@security_scheme(BEARER)
@validate_request(ActionDraft)
@validate_response(ActionOut, 201)
async def create_action(data: ActionDraft) -> tuple[ActionOut, int]:
    """Post a need, an offer or an outing (verified members only). Text holding words of the
    moderators' list is refused with 422 ``/problems/screened-words`` until it is sent again
    with ``?confirm_screened=true``."""
    member = await require_verified_member()
    published = " \n".join(p for p in (data.title, data.description, data.place_name) if p)
    await word_list.check_text(published, screened_confirmed())
    action = await actions_service.create_action(
        member,
        **data.model_dump(),
        ttl_days=current_node().settings.action_ttl_days,
        node=current_node(),
    )
    return action_out(action, member), 201


@blueprint.get("/actions/<uuid:action_id>")
@validate_response(ActionOut)
async def get_action(action_id: UUID) -> ActionOut:
    """One action, if you may see it (404 otherwise)."""
    viewer = await optional_member()
    return action_out(await actions_service.get_visible_action(action_id, viewer), viewer)


@blueprint.patch("/actions/<uuid:action_id>")
@security_scheme(BEARER)
@validate_request(ActionChanges)
@validate_response(ActionOut)
async def update_action(action_id: UUID, data: ActionChanges) -> ActionOut:
    """Change an action (its author, a coordinator of its association, or a node admin)."""
    member = await require_member()
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    for name, value in changes.items():
        if value is None:
            raise Unprocessable.field(name, "cannot be null")
    action = await actions_service.update_action(action_id, member, changes, current_node())
    return action_out(action, member)


@blueprint.delete("/actions/<uuid:action_id>")
@security_scheme(BEARER)
async def delete_action(action_id: UUID) -> tuple[str, int]:
    """Delete an action with its participations and chat."""
    member = await require_member()
    await actions_service.delete_action(action_id, member, current_node())
    return "", 204
