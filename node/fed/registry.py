"""Inbox handlers: one named function per (activity type, object type) pair (GoToSocial style).

    @handles("Follow")
    async def follow(ctx: InboxContext, activity: Activity) -> None: ...

    @handles("Create", "Proposal")
    async def create_proposal(ctx: InboxContext, activity: Activity) -> None: ...

Dispatch tries the exact (type, object type) first, then (type, None). A handler raises
:class:`Ignore` (row marked ``ignored``), :class:`Transient` (retried later by the retry policy);
any other exception marks the row ``failed`` with its reason.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from federation.parse import Activity
from node.models import InboxItem, RemoteActor
from node.state import NodeState


@dataclass
class InboxContext:
    node: NodeState
    sender: RemoteActor
    item: InboxItem


Handler = Callable[[InboxContext, Activity], Awaitable[None]]
_HANDLERS: dict[tuple[str, str | None], Handler] = {}


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


def handles(activity_type: str, object_type: str | None = None) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        key = (activity_type, object_type)
        existing = _HANDLERS.get(key)
        if (
            existing is not None
            and existing is not handler
            and (
                existing.__module__,
                existing.__qualname__,
            )
            != (handler.__module__, handler.__qualname__)
        ):
            raise RuntimeError(
                f"two handlers for {key}: {existing.__qualname__}, {handler.__qualname__}"
            )
        _HANDLERS[key] = handler
        return handler

    return register


def find_handler(activity_type: str, object_type: str | None) -> Handler | None:
    _load_handlers()
    if object_type is not None and (activity_type, object_type) in _HANDLERS:
        return _HANDLERS[(activity_type, object_type)]
    return _HANDLERS.get((activity_type, None))


_loaded = False


def _load_handlers() -> None:
    """Import every handler module once (registration happens at import)."""
    global _loaded
    if _loaded:
        return
    import importlib
    import pkgutil

    import node.fed.handlers as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    _loaded = True
