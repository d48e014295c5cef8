"""Asking for a partnership with what an admin types: a domain, the node's address (as the form
suggests), an acct:, an actor URL; what names no node is 422 before anything is fetched."""

from __future__ import annotations

import pytest

from node.models import Partnership
from tests.conftest import NodeFactory
from tests.fedtools import federated_nodes, router_of
from tests.node.fed_support import call, member

PATH = "/api/v1/admin/partnerships"


@pytest.mark.parametrize(
    "target",
    [
        "http://lyon.test/",
        "http://lyon.test",
        "  http://LYON.test/  ",
        "lyon.test",
        "Lyon.Test.",
        "acct:lyon.test",
        "acct:lyon.test@lyon.test",
        "@lyon.test@lyon.test",
        "http://lyon.test/actor",
    ],
)
async def test_a_partnership_can_be_asked_by_address(
    node_factory: NodeFactory, target: str
) -> None:
    paris, _ = await federated_nodes(node_factory, "paris", "lyon")
    _, admin = await member(paris, "Admin", admin=True)
    body = {"target": target, "scopes": ["public_needs"]}
    status, answer = await call(paris, "POST", PATH, admin, json=body)
    assert status == 201, answer
    assert answer["remote_domain"] == "lyon.test"
    with paris.node.db.activate():
        row = await Partnership.get(id=answer["id"])
    assert row.remote_actor_iri == "http://lyon.test/actor"


@pytest.mark.parametrize(
    "target",
    [
        "not a domain",
        "http://u@lyon.test/",
        "ftp://lyon.test/",
        "lyon.test/some/path",
        "acct:@",
        "a@b@c",
        "http://[::1/",
        "https://",
    ],
)
async def test_a_target_that_names_no_node_is_422(node_factory: NodeFactory, target: str) -> None:
    paris, _ = await federated_nodes(node_factory, "paris", "lyon")
    _, admin = await member(paris, "Admin", admin=True)
    before = len(router_of(paris).requests)
    status, answer = await call(
        paris, "POST", PATH, admin, json={"target": target, "scopes": ["calls"]}
    )
    assert status == 422, answer
    assert "target" in {e["field"] for e in answer.get("errors", [])}, answer
    assert len(router_of(paris).requests) == before  # refused before fetching anything
