"""``entraide demo`` seeds once, runs again without harm, and always says how to log in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from node.demo import DEMO_PASSWORD, PEOPLE, seed_demo
from node.http_state import EntraideApp
from node.models import Action, Association, Member
from tests.conftest import MemberFactory
from tests.migrated import seed_data_dir

ROOT = Path(__file__).resolve().parents[2]


async def _counts() -> tuple[int, int, int]:
    return await Member.all().count(), await Association.all().count(), await Action.all().count()


async def test_demo_twice_adds_nothing_the_second_time(app: EntraideApp) -> None:
    with app.node.db.activate():
        first = await seed_demo(app.node, only_if_empty=False)
        after_first = await _counts()
        second = await seed_demo(app.node, only_if_empty=False)
        again = await seed_demo(app.node, only_if_empty=True)
        assert await _counts() == after_first
    assert first.startswith("Demo data added: 6 members, 3 associations, 9 actions.")
    assert second.startswith("The demo data is already on this node.")
    for summary in (first, second, again):
        assert DEMO_PASSWORD in summary and "+33600000001  Admin du nœud (admin)" in summary


async def test_demo_on_a_node_with_its_own_data(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    await make_member()
    with app.node.db.activate():
        await Association.create(name="Armée du Salut", slug="armee-du-salut")
        skipped = await seed_demo(app.node, only_if_empty=True)
        assert await Action.all().count() == 0
        added = await seed_demo(app.node, only_if_empty=False)
        # The node's own association of that name is kept, not duplicated.
        assert await Association.filter(name="Armée du Salut").count() == 1
        assert await Member.filter(phone__in=[p.phone for p in PEOPLE]).count() == len(PEOPLE)
    assert skipped.startswith("The node already has members; no demo data added.")
    assert "entraide create-admin" in skipped
    assert added.startswith("Demo data added") and DEMO_PASSWORD in added


async def test_demo_refuses_when_a_demo_number_belongs_to_someone(app: EntraideApp) -> None:
    with app.node.db.activate():
        await Member.create(phone=PEOPLE[1].phone, email="vrai@example.org", password_hash="x")
        summary = await seed_demo(app.node, only_if_empty=False)
        assert await Member.all().count() == 1
    assert summary.startswith("Some demo phone numbers")


@pytest.mark.slow
def test_demo_command_if_empty_then_again(tmp_path: Path) -> None:
    seed_data_dir(tmp_path)  # an empty, migrated database: the demo command fills it
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENTRAIDE_")}
    env |= {
        "ENTRAIDE_DATA_DIR": str(tmp_path),
        "ENTRAIDE_CONFIG": str(tmp_path / "absent.toml"),
        "PYTHONPATH": str(ROOT),
    }

    def demo(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "node.cli", "demo", *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )

    runs = [demo("--if-empty"), demo()]
    for run in runs:
        assert run.returncode == 0, run.stderr
        assert "Traceback" not in run.stderr
        assert f"the password {DEMO_PASSWORD!r}" in run.stdout
        assert "+33600000002  Léa" in run.stdout
    assert runs[0].stdout.startswith("Demo data added")
    assert runs[1].stdout.startswith("The demo data is already on this node.")
