"""The node's database: one Tortoise context per node, so several nodes can share a process.

Tortoise 1.x keeps its connections in a ``TortoiseContext`` found through a context variable.
Each node app owns one and activates it around every request and worker step (see
``node.app``), which lets the federation tests run three nodes, three databases, one process.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tortoise.context import (
    TortoiseContext,
    _current_context,
)
from tortoise.migrations.api import migrate as tortoise_migrate

from node.clock import Clock
from node.settings import Settings

MODELS_APP = "models"


def connection_url(database_url: str) -> str:
    """The URL Tortoise connects with. SQLite runs in WAL mode (Tortoise's default) with
    ``synchronous=NORMAL`` unless the URL says otherwise: a commit no longer waits for an fsync
    of the log, only checkpoints do. That is durable across crashes of the process; a power loss
    or OS crash may lose the last transactions (never corrupts the file) — docs/operators.md."""
    if not database_url.startswith("sqlite://") or "synchronous=" in database_url:
        return database_url
    separator = "&" if "?" in database_url else "?"
    return f"{database_url}{separator}synchronous=NORMAL"


def tortoise_config(database_url: str) -> dict[str, Any]:
    """Tortoise's configuration for a database URL (sqlite://… or postgres://…)."""
    return {
        "connections": {"default": connection_url(database_url)},
        "apps": {
            MODELS_APP: {
                "models": ["node.models"],
                "default_connection": "default",
                "migrations": "node.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _ensure_sqlite_dir(database_url: str) -> None:
    if database_url.startswith("sqlite://"):
        path = database_url[len("sqlite://") :].split("?", 1)[0]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)


class NodeContext(TortoiseContext):
    """A node's Tortoise context, which also carries the node's clock (:class:`node.clock.Clock`)
    and its in-memory caches of derived data (see :func:`node_caches`): they belong to one
    database, never to the process."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = Clock()
        self.caches: dict[str, Any] = {}


def active_context() -> NodeContext | None:
    """The context of the node whose database is active, or None outside a node (a bare
    ``TortoiseContext``: migrations, scripts)."""
    context = _current_context.get()
    return context if isinstance(context, NodeContext) else None


def node_caches() -> dict[str, Any] | None:
    """The caches of the node whose database is active, or None outside a node (a bare
    ``TortoiseContext``: migrations, scripts), where callers read the database every time."""
    context = active_context()
    return context.caches if context is not None else None


class Database:
    """Owns the Tortoise context of one node."""

    def __init__(self, settings: Settings) -> None:
        self.url = settings.database_url
        self.context = NodeContext()
        self._open = False

    @property
    def clock(self) -> Clock:
        return self.context.clock

    @contextmanager
    def activate(self) -> Iterator[None]:
        """Make this node's connections, and its clock, the current ones for the code inside.

        The token is kept on the stack, not on the shared ``TortoiseContext`` (whose own
        ``__enter__`` stores it on the instance): a node entered concurrently by several tasks
        or re-entered (an in-process delivery to a node that fetches back from the sender)
        must restore each caller's previous context, not the last one's."""
        token = _current_context.set(self.context)
        try:
            with self.context.clock.activate():
                yield
        finally:
            _current_context.reset(token)

    async def open(self) -> None:
        if self._open:
            return
        _ensure_sqlite_dir(self.url)
        with self.context:
            await self.context.init(config=tortoise_config(self.url), _create_db=False)
        self._open = True

    async def close(self) -> None:
        if self._open:
            with self.context:
                await self.context.close_connections()
            self._open = False


async def migrate(database_url: str, *, target: str | None = None) -> None:
    """Apply Tortoise's migrations (``node/migrations``) to the database; idempotent.
    ``target`` (such as ``models.0032_partnership_scope_offer``) stops at that migration."""
    _ensure_sqlite_dir(database_url)
    async with TortoiseContext() as context:
        await context.init(config=tortoise_config(database_url), init_connections=False)
        await tortoise_migrate(config=tortoise_config(database_url), target=target)


# For Tortoise's own CLI (`tortoise -c node.db.TORTOISE_ORM makemigrations`, see the Makefile).
TORTOISE_ORM = tortoise_config("sqlite://:memory:")
