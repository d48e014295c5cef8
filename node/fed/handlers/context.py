"""What every inbox handler receives, and the two outcomes it may raise besides success.

A handler is ``async def handler(ctx: InboxContext, activity: Activity) -> None``; it runs in the
transaction that marks its :class:`InboxItem` done, so its effects and the row's status commit
together. It raises :class:`Ignore` (row marked ``ignored``) or :class:`Transient` (retried later
by the retry policy); any other exception marks the row ``failed`` with its reason.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from federation.parse import Activity
from node.models import InboxItem, RemoteActor
from node.state import NodeState


@dataclass(frozen=True)
class InboxContext:
    node: NodeState
    sender: RemoteActor
    item: InboxItem


Handler = Callable[[InboxContext, Activity], Awaitable[None]]


class Ignore(Exception):
    """The activity is understood and deliberately not acted upon."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Transient(Exception):
    """The handler could not finish now (remote down, ordering); retry later."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
