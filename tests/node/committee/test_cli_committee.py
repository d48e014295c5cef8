"""``entraide committee remove|rules|gates`` and ``entraide partnerships end`` go through the
committee's own gate: once it has members, each opens a proposal and changes nothing; before,
they take effect at once."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from node import clock
from node.cli import main
from node.models import (
    CommitteeMember,
    CommitteeProposal,
    Member,
    Partnership,
    PartnershipDirection,
    PartnershipStatus,
)
from node.services.committee.rules import get_committee
from tests.migrated import seed_data_dir
from tests.node.committee_support import in_cli_db

WAITING = "Waiting for the street committee: proposal"


def _env(tmp_path: Path, monkeypatch: Any, port: int) -> dict[str, str]:
    seed_data_dir(tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    return {
        "ENTRAIDE_DATA_DIR": str(tmp_path / "data"),
        "ENTRAIDE_BASE_URL": f"http://127.0.0.1:{port}",
        "ENTRAIDE_CONFIG": str(tmp_path / "entraide.toml"),
    }


def _init(runner: CliRunner, env: dict[str, str], *committee: str) -> None:
    init = ["init", "--admin-phone", "0611223344", "--admin-email", "a@example.org"]
    init += ["--admin-password", "un mot de passe solide"]
    for phone in committee:
        init += ["--committee", phone]
    result = runner.invoke(main, init, env=env)
    assert result.exit_code == 0, result.output


async def _second_member() -> None:
    await Member.create(
        phone="+33622334455",
        email="b@example.org",
        password_hash="x",
        phone_verified_at=clock.now(),
    )


async def _unverified_member() -> None:
    await Member.create(phone="+33633445566", email="c@example.org", password_hash="x")


async def _state() -> tuple[int, int, str, list[str], int]:
    committee = await get_committee()
    kinds = await CommitteeProposal.all().order_by("number").values_list("kind", flat=True)
    seated = await CommitteeMember.filter(active_member_id__not_isnull=True).count()
    return committee.quorum, committee.voting_days, committee.gates, [str(k) for k in kinds], seated


def test_committee_commands_wait_for_the_committee(tmp_path: Path, monkeypatch: Any) -> None:
    runner = CliRunner()
    env = _env(tmp_path, monkeypatch, 18995)
    _init(runner, env, "0611223344")
    in_cli_db(env, monkeypatch, _second_member)

    async def seed() -> uuid.UUID:
        partnership = await Partnership.create(
            id=uuid.uuid4(),
            remote_domain="nantes.test",
            active_domain="nantes.test",
            remote_actor_iri="https://nantes.test/actor",
            direction=PartnershipDirection.OUTGOING,
            scopes="actions",
            status=PartnershipStatus.ACCEPTED,
            offer_activity_id="https://nantes.test/offers/1",
            object_iri="https://nantes.test/partnerships/1",
            created_at=clock.now(),
        )
        return partnership.id

    partnership_id = in_cli_db(env, monkeypatch, seed)
    before = in_cli_db(env, monkeypatch, _state)
    for args in (
        ["committee", "add", "0622334455"],
        ["committee", "remove", "0611223344"],
        ["committee", "rules", "--quorum", "3"],
        ["committee", "gates", "partnerships", "charter"],
        ["partnerships", "end", str(partnership_id)],
    ):
        result = runner.invoke(main, args, env=env)
        assert result.exit_code == 0, result.output
        assert WAITING in result.output, result.output
    quorum, days, gates, kinds, seated = in_cli_db(env, monkeypatch, _state)
    # Nothing took effect: same rules, same gates, one seat, the partnership still on.
    assert (quorum, days, gates, seated) == (before[0], before[1], before[2], 1)
    assert kinds == [
        "committee.seat_add",
        "committee.seat_remove",
        "committee.rules",
        "committee.gates",
        "partnership.end",
    ]

    async def status() -> str:
        return (await Partnership.get(id=partnership_id)).status.value

    assert in_cli_db(env, monkeypatch, status) == "accepted"
    # The same change again is the same proposal; an unchanged rule opens nothing.
    result = runner.invoke(main, ["committee", "rules", "--quorum", "3"], env=env)
    assert result.exit_code == 0 and "proposal 3 " in result.output
    result = runner.invoke(main, ["committee", "rules", "--quorum", "5", "--days", "7"], env=env)
    assert result.exit_code == 0 and "already these" in result.output
    assert len(in_cli_db(env, monkeypatch, _state)[3]) == 5


def test_committee_commands_refuse_plainly(tmp_path: Path, monkeypatch: Any) -> None:
    runner = CliRunner()
    env = _env(tmp_path, monkeypatch, 18994)
    _init(runner, env, "0611223344")
    in_cli_db(env, monkeypatch, _second_member)
    in_cli_db(env, monkeypatch, _unverified_member)
    cases: list[tuple[list[str], int, str]] = [
        (["committee", "remove", "0622334455"], 1, "does not sit on the committee"),
        (["committee", "remove", "0699999999"], 1, "sign up first"),
        (["committee", "add", "0633445566"], 1, "not verified their phone"),
        (["committee", "rules"], 2, "Give --quorum, --days or both"),
        (["committee", "rules", "--quorum", "0"], 2, "--quorum"),
        (["committee", "rules", "--days", "61"], 2, "--days"),
        (["committee", "gates"], 2, "Name the gates, or give --none"),
        (["committee", "gates", "partnerships", "--none"], 2, "Name the gates, or give --none"),
        (["committee", "gates", "everything"], 2, "everything: the gates are partnerships"),
    ]
    for args, code, words in cases:
        result = runner.invoke(main, args, env=env)
        assert result.exit_code == code, (args, result.output)
        assert words in result.output, (args, result.output)
    assert in_cli_db(env, monkeypatch, _state)[3] == []


def test_before_the_committee_sits_the_commands_act_at_once(
    tmp_path: Path, monkeypatch: Any
) -> None:
    runner = CliRunner()
    env = _env(tmp_path, monkeypatch, 18993)
    _init(runner, env)
    result = runner.invoke(main, ["committee", "rules", "--quorum", "3", "--days", "5"], env=env)
    assert result.exit_code == 0 and "quorum 3, 5 days to vote" in result.output
    result = runner.invoke(main, ["committee", "gates", "charter", "partnerships"], env=env)
    assert result.exit_code == 0 and "Gates saved: charter, partnerships." in result.output
    result = runner.invoke(main, ["committee", "gates", "--none"], env=env)
    assert result.exit_code == 0 and "Gates saved: -." in result.output
    quorum, days, gates, kinds, _ = in_cli_db(env, monkeypatch, _state)
    assert (quorum, days, gates, kinds) == (3, 5, "", [])
