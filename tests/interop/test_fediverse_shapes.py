"""Signed deliveries shaped exactly like Mastodon, GoToSocial, Misskey and Pleroma activities,
into a node through its real inbox: none gives a 5xx, none leaves an inbox row stuck, and
each row ends done or ignored with a reason (tests/interop/shapes.py holds the shapes)."""

from __future__ import annotations

import pytest

from node.http_state import EntraideApp
from node.models import InboxItem, InboxStatus
from node.worker.federation import run_once
from tests.conftest import NodeFactory
from tests.fedtools import facing_fediverse
from tests.interop.shapes import SEQUENCE, SOFTWARE, Shapes, builder
from tests.node.fed_support import member, need, ok

BASE = "http://node.test"


@pytest.fixture
async def node(node_factory: NodeFactory) -> EntraideApp:
    return await node_factory("node", base_url=BASE, federation_allow_private=True)


@pytest.mark.parametrize("software", SOFTWARE)
async def test_a_real_servers_activities_never_break_the_inbox(
    node: EntraideApp, software: str
) -> None:
    fedi = facing_fediverse(node)
    actor = fedi.add_actor(
        f"{software}.example",
        "alice",
        software="gotosocial" if software == "gotosocial" else "mastodon",
    )
    _, headers = await member(node, "Léa")
    action = await ok(node, "POST", "/api/v1/actions", headers, json=need())
    shapes = Shapes(software, actor, f"{BASE}/actor", f"{BASE}/actions/{action['id']}")
    answers: dict[str, int] = {}
    for name in SEQUENCE:
        response = await actor.post(fedi, f"{BASE}/inbox", builder(shapes, name)())
        answers[name] = response.status_code
        assert response.status_code < 500, (software, name, response.text)
        with node.node.db.activate():
            await run_once(node.node)
    assert all(status in (202, 200) for status in answers.values()), answers
    with node.node.db.activate():
        for _ in range(3):
            await run_once(node.node)
        rows = await InboxItem.all().order_by("id")
    outcomes = {row.type: (row.status, row.last_error) for row in rows}
    stuck = [r for r in rows if r.status in (InboxStatus.QUEUED, InboxStatus.PROCESSING)]
    assert not stuck, outcomes
    failed = [r for r in rows if r.status == InboxStatus.FAILED]
    assert not failed, outcomes
    # What matters was acted upon: the follow was accepted, then undone; the account's
    # deletion removed it.
    assert outcomes["Follow"][0] == InboxStatus.DONE, outcomes
    assert len(rows) == len(SEQUENCE), outcomes
