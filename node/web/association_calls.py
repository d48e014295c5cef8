"""What the association pages show of calls, for an association of this node or of a partner
node alike: each open call with what it still needs and how many answered, and where a call's
page links to the association that posted it."""

from __future__ import annotations

from collections.abc import Sequence

from quart import url_for

from node.errors import Problem
from node.http_state import current_node
from node.models import Call, CallKind, Member, RemoteActor
from node.services.calls import occurrences, reading, remote_follows
from node.web.context import gettext as _


async def open_call_rows(calls: Sequence[Call]) -> list[tuple[Call, str, int]]:
    """Each call with what it still needs ("Duvets 15/20", "People 3/3") and its answers."""
    rows = []
    for call in calls:
        volunteers = call.kind == CallKind.VOLUNTEERS
        needs = ", ".join(
            f"{_('People') if volunteers else item.label} {item.remaining}/{item.wanted}"
            for item in await occurrences.items_now(call, current_node().settings.timezone)
        )
        rows.append((call, needs, await reading.answer_count(call)))
    return rows


async def association_url(call: Call) -> str | None:
    """The page of the association that posted the call, here or on a partner node."""
    association_id = call.association_id  # type: ignore[attr-defined]
    if association_id is not None:
        return url_for("web_associations.show", association_id=association_id)
    if call.remote_association_iri is None:
        return None  # an urgent call of the node itself
    actor = await RemoteActor.get_or_none(ap_id=call.remote_association_iri)
    if actor is None:
        return None
    return url_for("web_partner_associations.show", actor_id=actor.id)


async def partner_follow(
    viewer: Member | None, call: Call
) -> remote_follows.RemoteFollowView | None:
    """Whether the viewer follows the partner's association that posted the call (None for a
    call of this node, an anonymous reader, or an association whose actor is no longer held)."""
    if viewer is None or call.remote_association_iri is None:
        return None
    try:
        return await remote_follows.view(viewer, call.remote_association_iri)
    except Problem:
        return None
