"""The Quart app of a node, and how routes (API, web pages, federation endpoints) reach it."""

from __future__ import annotations

from typing import cast

from quart import Quart, current_app

from node.state import NodeState


class EntraideApp(Quart):
    """A Quart app that knows its node and runs every request inside the node's database."""

    node: NodeState

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        # The Tortoise context is a context variable: activating it here makes it current for
        # this request's task and for every task Quart starts from it.
        with self.node.db.activate():
            await super().__call__(scope, receive, send)


def current_node() -> NodeState:
    return cast(EntraideApp, current_app).node


def app_node(app: Quart) -> NodeState:
    return cast(EntraideApp, app).node
