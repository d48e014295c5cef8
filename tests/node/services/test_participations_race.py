"""The last place of an outing, asked for at the same moment: by a person of a partner node and
one of ours, or by two people of partner nodes. Exactly one gets it, whoever it is, because a
remote join (an inbox row stepped by a worker) takes the same row lock and the same capacity
check as a local one. Meaningful on PostgreSQL (CI runs tests/node there: several connections,
truly concurrent transactions); on SQLite transactions are serial and it must hold as well."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import pytest

from federation import build
from federation.testing import FakeActor, FakeFediverse
from node import clock
from node.fed.processing import process_item
from node.http_state import EntraideApp
from node.models import (
    InboxItem,
    Member,
    Participation,
    ParticipationStatus,
)
from node.services import participations
from tests.conftest import NodeFactory
from tests.fedtools import accepted_partner, facing_fediverse, received
from tests.node.fed_support import member, need, ok


@pytest.fixture
async def node(node_factory: NodeFactory) -> EntraideApp:
    app = await node_factory("node", base_url="http://node.test", federation_allow_private=True)
    await accepted_partner(app, "lyon.test")
    return app


@pytest.fixture
def fedi(node: EntraideApp) -> FakeFediverse:
    return facing_fediverse(node)


async def _outing(app: EntraideApp) -> str:
    """An outing with one place left, letting people in at once; returns its id."""
    _, author = await member(app, "Léa")
    start = clock.now() + timedelta(days=2)
    body = need(
        "Maraude du jeudi",
        kind="outing",
        category="social",
        starts_at=start.isoformat(),
        ends_at=(start + timedelta(hours=3)).isoformat(),
        place_name="Gare de Lyon",
        capacity=1,
        auto_accept=True,
    )
    posted: dict[str, Any] = await ok(app, "POST", "/api/v1/actions", author, json=body)
    return str(posted["id"])


def _join(actor: FakeActor, action_id: str) -> dict[str, Any]:
    return build.join(
        id=actor.new_id(), actor=actor.id, object=f"http://node.test/actions/{action_id}"
    )


async def _statuses(app: EntraideApp, action_id: str) -> list[str]:
    with app.node.db.activate():
        rows = await Participation.filter(action_id=action_id)
    return sorted(str(row.status) for row in rows)


async def test_a_remote_and_a_local_join_for_the_last_place(
    node: EntraideApp, fedi: FakeFediverse
) -> None:
    action_id = await _outing(node)
    nadia = fedi.add_actor("lyon.test", "nadia")
    item = await received(node, fedi, nadia, _join(nadia, action_id))
    karim, _ = await member(node, "Karim")
    with node.node.db.activate():
        local = await Member.get(id=karim.id)
        outcomes = await asyncio.gather(
            process_item(node.node, item),
            participations.join(uuid.UUID(action_id), local, node=node.node),
            return_exceptions=True,
        )
        accepted = await Participation.filter(
            action_id=action_id, status=ParticipationStatus.ACCEPTED
        ).count()
    assert accepted == 1, outcomes
    local_outcome = outcomes[1]
    if isinstance(local_outcome, Participation):  # our member won: the remote one is declined
        assert await _statuses(node, action_id) == ["accepted", "declined"]
    else:  # the remote one won: our member is told the outing is full (409)
        assert "full" in str(local_outcome)
        assert await _statuses(node, action_id) == ["accepted"]


async def test_two_remote_joins_for_the_last_place(node: EntraideApp, fedi: FakeFediverse) -> None:
    action_id = await _outing(node)
    nadia = fedi.add_actor("lyon.test", "nadia")
    omar = fedi.add_actor("lyon.test", "omar")
    first = await received(node, fedi, nadia, _join(nadia, action_id))
    second = await received(node, fedi, omar, _join(omar, action_id))
    with node.node.db.activate():
        await asyncio.gather(process_item(node.node, first), process_item(node.node, second))
    assert await _statuses(node, action_id) == ["accepted", "declined"]
    with node.node.db.activate():
        assert {str(i.status) for i in await InboxItem.all()} == {"done"}
