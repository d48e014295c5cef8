"""One helper shared by the notification listeners: notify members about an action or not."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from node.models import Action
from node.services import notifications
from node.state import NodeState


async def tell(
    node: NodeState,
    kind: str,
    members: Iterable[UUID],
    action: Action | None,
    payload: dict[str, str],
) -> None:
    await notifications.notify(
        node, kind, members, payload=payload, action_id=action.id if action else None
    )
