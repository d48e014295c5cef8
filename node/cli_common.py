"""What every ``entraide`` command shares: reading the settings, running work on a node."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click

from node.settings import Settings, SettingsError, load_settings
from node.state import NodeState
from node.wiring import build_node

T = TypeVar("T")


def settings_or_exit() -> Settings:
    """The node's settings; a bad setting stops the command with one line naming it."""
    try:
        return load_settings()
    except SettingsError as exc:
        click.echo(f"entraide: {exc}", err=True)
        sys.exit(2)


def run_on_node(
    settings: Settings, work: Callable[[NodeState], Awaitable[T]], *, federate: bool = True
) -> T:
    """Build the node (``federate=False``: nothing it does is announced to other nodes), open
    its database, run ``work`` inside it, close it."""

    async def main() -> T:
        node = build_node(settings, federate=federate)
        await node.db.open()
        try:
            with node.db.activate():
                return await work(node)
        finally:
            await node.db.close()

    return asyncio.run(main())
