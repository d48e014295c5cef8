"""The event base type and the node's bus: who listens to what, run in the transaction of the
change (see :mod:`node.events`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from node.state import NodeState


@dataclass(frozen=True, kw_only=True)
class Event:
    """Something that happened on this node, recorded in the transaction of the change."""


E = TypeVar("E", bound=Event)
Listener = Callable[["NodeState", E], Awaitable[None]]


class EventBus:
    """The node's listeners, by event type (exact type: no inheritance lookup)."""

    def __init__(self) -> None:
        self._listeners: dict[type[Event], list[Listener[Any]]] = {}

    def listen(self, event_type: type[E], listener: Listener[E]) -> None:
        self._listeners.setdefault(event_type, []).append(listener)

    def listeners(self, event_type: type[Event]) -> tuple[Listener[Any], ...]:
        return tuple(self._listeners.get(event_type, ()))

    async def record(self, node: NodeState, event: Event) -> None:
        """Call INSIDE the service's ``in_transaction()``: awaits every listener registered for
        ``type(event)`` in registration order. A listener that raises aborts the change."""
        for listener in self._listeners.get(type(event), ()):
            await listener(node, event)
