"""``entraide rules list|add|edit|remove|move``: the operator changes the house rules at once
while no committee sits; once it does, each change opens a proposal and changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner

from node.cli import main
from node.models import CommitteeProposal
from node.services import house_rules
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


async def _texts() -> list[str]:
    return [r.text_fr for r in await house_rules.rules_in_force()]


def test_the_operator_changes_the_rules(tmp_path: Path, monkeypatch: Any) -> None:
    runner = CliRunner()
    env = _env(tmp_path, monkeypatch, 18981)
    _init(runner, env)
    listed = runner.invoke(main, ["rules", "list"], env=env)
    assert listed.exit_code == 0
    assert "1. Pas d'insultes ni de menaces.\n   No insults or threats." in listed.output
    added = runner.invoke(
        main,
        ["rules", "add", "--fr", "Pas de drogue.", "--en", "No drugs.", "--position", "1"],
        env=env,
    )
    assert added.exit_code == 0, added.output
    assert "Rule added.\n1. Pas de drogue.\n   No drugs." in added.output
    edited = runner.invoke(
        main,
        ["rules", "edit", "1", "--fr", "Pas de drogue ici.", "--en", "No drugs here."],
        env=env,
    )
    assert edited.exit_code == 0 and "Rule 1 changed." in edited.output
    moved = runner.invoke(main, ["rules", "move", "1", "7"], env=env)
    assert moved.exit_code == 0 and "7. Pas de drogue ici." in moved.output
    removed = runner.invoke(main, ["rules", "remove", "7"], env=env)
    assert removed.exit_code == 0 and "Pas de drogue" not in removed.output
    # Refusals: exit status 1 with the reason; nothing changes.
    for args, reason in (
        (["rules", "remove", "9"], "No house rule has this number."),
        (["rules", "move", "1", "9"], "There is no such place in the list."),
        (["rules", "add", "--fr", " ", "--en", "x"], "Write the rule."),
        (["rules", "add", "--fr", "PAS D'INSULTES NI DE MENACES.", "--en", "x"], "Another rule"),
        (["rules", "add", "--fr", "Une règle.", "--en", "x" * 301], "At most 300 characters."),
    ):
        refused = runner.invoke(main, args, env=env)
        assert refused.exit_code == 1 and reason in refused.output, (args, refused.output)
    assert len(in_cli_db(env, monkeypatch, _texts)) == 6


def test_with_the_committee_each_command_opens_a_proposal(tmp_path: Path, monkeypatch: Any) -> None:
    runner = CliRunner()
    env = _env(tmp_path, monkeypatch, 18982)
    _init(runner, env, "0611223344")
    before = in_cli_db(env, monkeypatch, _texts)
    added = runner.invoke(
        main, ["rules", "add", "--fr", "Pas de drogue.", "--en", "No drugs."], env=env
    )
    assert added.exit_code == 0 and WAITING in added.output, added.output
    assert "Règles de vie : une règle de plus" in added.output

    async def close_open() -> int:
        count = await CommitteeProposal.filter(kind="moderation.rules").count()
        await CommitteeProposal.filter(open_subject__not_isnull=True).update(open_subject=None)
        return count

    assert in_cli_db(env, monkeypatch, close_open) == 1
    for args in (
        ["rules", "edit", "1", "--fr", "Autre.", "--en", "Other."],
        ["rules", "move", "1", "2"],
        ["rules", "remove", "1"],
    ):
        result = runner.invoke(main, args, env=env)
        assert result.exit_code == 0 and WAITING in result.output, (args, result.output)
        in_cli_db(env, monkeypatch, close_open)
    assert in_cli_db(env, monkeypatch, close_open) == 4
    assert in_cli_db(env, monkeypatch, _texts) == before
