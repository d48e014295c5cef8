"""Upgrading a node whose committee was created before the charter and house-rules gates: the
migration puts the charter and the house rules under the committee, unless the committee (or
the admins before its first member) chose its own list."""

from __future__ import annotations

from pathlib import Path

import pytest

from node.db import migrate
from node.http_state import EntraideApp
from node.models import Committee
from node.services import charter, house_rules
from node.services.committee import seats
from node.services.committee.changes import ChangeGates
from node.services.committee.gates import Proposed
from node.services.committee.rules import Gate
from tests.conftest import DatabaseFactory, NodeFactory
from tests.node.committee_support import only_proposal, reach_deadline, seat, votes
from tests.node.fed_support import member

# The last migration before the upgrade, and the lists a committee was created with back then.
BEFORE_UPGRADE = "models.0033_call_answer_occurrence"
FIRST_DEFAULTS = "partnerships,federation_policy,associations,committee"
WITH_CHARTER = "partnerships,federation_policy,associations,committee,charter"


async def _node_before_upgrade(
    database_factory: DatabaseFactory, node_factory: NodeFactory, tmp_path: Path
) -> tuple[str, EntraideApp]:
    url = await database_factory.migrated_to(BEFORE_UPGRADE, "before_upgrade", tmp_path)
    return url, await node_factory("node", database_url=url)


async def _set_gates(app: EntraideApp, gates: str) -> None:
    with app.node.db.activate():
        await Committee.filter(id=1).update(gates=gates)


async def _gates(app: EntraideApp) -> str:
    with app.node.db.activate():
        return (await Committee.get(id=1)).gates


@pytest.mark.parametrize("former", [FIRST_DEFAULTS, WITH_CHARTER])
async def test_an_old_committee_decides_on_the_charter_and_house_rules_after_the_upgrade(
    database_factory: DatabaseFactory, node_factory: NodeFactory, tmp_path: Path, former: str
) -> None:
    url, app = await _node_before_upgrade(database_factory, node_factory, tmp_path)
    await seat(app, 2, quorum=2)
    await _set_gates(app, former)
    admin, _ = await member(app, "Admin", admin=True)

    await migrate(url)

    assert (await _gates(app)).split(",") == [g.value for g in Gate]
    with app.node.db.activate():
        with pytest.raises(Proposed) as charter_change:
            await charter.publish(app.node, "Nouvelle charte.", "New charter.", by=admin)
        assert charter_change.value.proposal.gate == "charter"
        assert (await charter.charter_in_force()).version == 1
        with pytest.raises(Proposed) as rule_change:
            await house_rules.remove(app.node, 1, by=admin)
        assert rule_change.value.proposal.gate == "moderation"
        assert len(await house_rules.rules_in_force()) == 6


async def test_a_list_the_committee_chose_is_kept(
    database_factory: DatabaseFactory, node_factory: NodeFactory, tmp_path: Path
) -> None:
    url, app = await _node_before_upgrade(database_factory, node_factory, tmp_path)
    people = await seat(app, 2, quorum=2)
    await _set_gates(app, FIRST_DEFAULTS)
    chosen = ChangeGates(gates=[Gate.PARTNERSHIPS, Gate.COMMITTEE])
    with app.node.db.activate(), pytest.raises(Proposed):
        await seats.change_gates(app.node, chosen)
    await votes(app, str((await only_proposal(app)).id), people, "for", "for")
    assert await reach_deadline(app) == 1
    assert await _gates(app) == "committee,partnerships"
    admin, _ = await member(app, "Admin", admin=True)

    await migrate(url)

    assert await _gates(app) == "committee,partnerships"
    with app.node.db.activate():
        rules = await house_rules.remove(app.node, 1, by=admin)  # not gated: done at once
        assert len(rules) == 5
        assert (await charter.publish(app.node, "Charte 2.", "Charter 2.", by=admin)).version == 2


async def test_a_list_the_admins_set_before_the_first_member_is_kept(
    database_factory: DatabaseFactory, node_factory: NodeFactory, tmp_path: Path
) -> None:
    url, app = await _node_before_upgrade(database_factory, node_factory, tmp_path)
    with app.node.db.activate():
        # No member sits yet: nothing is gated, the admins' list takes effect at once.
        await seats.change_gates(
            app.node,
            ChangeGates(
                gates=[Gate.PARTNERSHIPS, Gate.FEDERATION_POLICY, Gate.ASSOCIATIONS, Gate.COMMITTEE]
            ),
        )
    await seat(app, 2, quorum=2)
    admin, _ = await member(app, "Admin", admin=True)

    await migrate(url)

    assert await _gates(app) == "associations,committee,federation_policy,partnerships"
    with app.node.db.activate():
        assert len(await house_rules.remove(app.node, 1, by=admin)) == 5
