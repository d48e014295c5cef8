"""The command line: ``entraide init --committee`` names the first members, then every gated
``entraide federation`` command opens a proposal instead of acting."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from node import clock
from node.cli import main
from node.db import Database
from node.models import AllowedDomain, CommitteeProposal, DomainBlock, FederationPolicy
from node.settings import load_settings
from tests.migrated import seed_data_dir
from tests.node.committee_support import in_cli_db


def _rows(env: dict[str, str], monkeypatch: Any) -> dict[str, Any]:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = load_settings()

    async def read() -> dict[str, Any]:
        db = Database(settings)
        await db.open()
        try:
            with db.activate():
                policy = await FederationPolicy.get_or_none(id=1)
                return {
                    "blocks": sorted(await DomainBlock.all().values_list("domain", flat=True)),
                    "allowed": await AllowedDomain.all().count(),
                    "allowlist": bool(policy and policy.allowlist_mode),
                    "proposals": await CommitteeProposal.all()
                    .order_by("number")
                    .values_list("kind", flat=True),
                }
        finally:
            await db.close()

    return asyncio.run(read())


def test_cli_names_the_committee_then_gated_commands_propose(
    tmp_path: Path, monkeypatch: Any
) -> None:
    runner = CliRunner()
    seed_data_dir(tmp_path / "data")
    env = {
        "ENTRAIDE_DATA_DIR": str(tmp_path / "data"),
        "ENTRAIDE_BASE_URL": "http://127.0.0.1:18998",
        "ENTRAIDE_CONFIG": str(tmp_path / "entraide.toml"),
    }
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["init", "--committee", "0611223399"], env=env)
    assert result.exit_code == 1 and "sign up first" in result.output
    result = runner.invoke(
        main,
        [
            "init",
            "--admin-phone",
            "0611223344",
            "--admin-email",
            "a@example.org",
            "--admin-password",
            "un mot de passe solide",
            "--committee",
            "0611223344",
        ],
        env=env,
    )
    assert result.exit_code == 0, result.output
    assert "sits on the street committee" in result.output
    assert (runner.invoke(main, ["federation", "block", "old.example"], env=env)).exit_code == 0
    rows = _rows(env, monkeypatch)
    assert rows["blocks"] == [] and rows["proposals"] == ["federation.block"]

    for args in (
        ["federation", "block", "spam.example", "--reason", "spam"],
        ["federation", "allowlist", "--on", "--add", "lyon.test"],
        ["committee", "add", "0611223344"],
    ):
        result = runner.invoke(main, args, env=env)
        if args[0] == "committee":
            assert result.exit_code == 1 and "already sits" in result.output
        else:
            assert result.exit_code == 0, result.output
            assert "Waiting for the street committee: proposal" in result.output
    # An emergency block takes effect at once; the committee reviews it.
    result = runner.invoke(
        main, ["federation", "block", "abuse.example", "--emergency", "--reason", "haine"], env=env
    )
    assert result.exit_code == 0 and "Blocked abuse.example" in result.output
    # While the committee reviews it, lifting it is that same vote.
    result = runner.invoke(main, ["federation", "unblock", "abuse.example"], env=env)
    assert result.exit_code == 1 and "Proposal 4 about the same thing is open" in result.output
    rows = _rows(env, monkeypatch)
    assert rows["blocks"] == ["abuse.example"]
    assert rows["allowed"] == 0 and rows["allowlist"] is False
    assert list(rows["proposals"]) == [
        "federation.block",
        "federation.block",
        "federation.allowlist",
        "federation.block",
    ]
    shown = runner.invoke(main, ["committee", "show"], env=env)
    assert shown.exit_code == 0 and "quorum: 5" in shown.output
    assert "(facilitator)" in shown.output and "Bloquer spam.example" in shown.output
    # Lifting a block made before the committee sat is a proposal too: the block stays.
    in_cli_db(env, monkeypatch, lambda: _old_block("legacy.example"))
    result = runner.invoke(main, ["federation", "unblock", "legacy.example"], env=env)
    assert result.exit_code == 0, result.output
    assert "Waiting for the street committee: proposal 5" in result.output
    rows = _rows(env, monkeypatch)
    assert rows["blocks"] == ["abuse.example", "legacy.example"]
    assert rows["proposals"][-1] == "federation.unblock"


async def _old_block(domain: str) -> None:
    await DomainBlock.create(domain=domain, reason="", created_at=clock.now())
