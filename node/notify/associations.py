"""What the node's admins are told about associations waiting for their approval."""

from __future__ import annotations

from uuid import UUID

from node.events import AssociationRequested
from node.models import Member
from node.notify.telling import tell
from node.state import NodeState


async def association_requested(node: NodeState, event: AssociationRequested) -> None:
    admins: list[UUID] = await Member.filter(is_admin=True).values_list("id", flat=True)  # type: ignore[assignment]
    ref = str(event.association.id)  # the periodic notice checks it: told once either way
    payload = {"actor": "", "title": event.association.name, "url": "/admin", "ref": ref}
    await tell(node, "association_awaiting", admins, None, payload)
