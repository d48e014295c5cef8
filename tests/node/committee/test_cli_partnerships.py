"""``entraide partnerships …`` and ``entraide associations …`` go through the same gates as
the pages and the API: with a seated committee, accepting a partnership or approving an
association opens a proposal and changes nothing."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from node import clock
from node.cli import main
from node.models import (
    Association,
    AssociationStatus,
    CommitteeProposal,
    Partnership,
    PartnershipDirection,
    PartnershipStatus,
)
from tests.migrated import seed_data_dir
from tests.node.committee_support import in_cli_db


def test_partnership_and_association_commands_wait_for_the_committee(
    tmp_path: Path, monkeypatch: Any
) -> None:
    runner = CliRunner()
    seed_data_dir(tmp_path / "data")
    env = {
        "ENTRAIDE_DATA_DIR": str(tmp_path / "data"),
        "ENTRAIDE_BASE_URL": "http://127.0.0.1:18997",
        "ENTRAIDE_CONFIG": str(tmp_path / "entraide.toml"),
    }
    monkeypatch.chdir(tmp_path)
    init = [
        "init",
        "--admin-phone",
        "0611223344",
        "--admin-email",
        "a@example.org",
        "--admin-password",
        "un mot de passe solide",
        "--committee",
        "0611223344",
    ]
    assert runner.invoke(main, init, env=env).exit_code == 0

    async def seed() -> tuple[uuid.UUID, uuid.UUID]:
        partnership = await Partnership.create(
            id=uuid.uuid4(),
            remote_domain="lyon.test",
            active_domain="lyon.test",
            remote_actor_iri="https://lyon.test/actor",
            direction=PartnershipDirection.INCOMING,
            scopes="actions",
            status=PartnershipStatus.PENDING,
            offer_activity_id="https://lyon.test/offers/1",
            object_iri="https://lyon.test/partnerships/1",
            created_at=clock.now(),
        )
        association = await Association.create(
            name="Les Amis", slug="les-amis", status=AssociationStatus.PENDING
        )
        return partnership.id, association.id

    partnership_id, association_id = in_cli_db(env, monkeypatch, seed)
    listed = runner.invoke(main, ["partnerships", "list"], env=env)
    assert listed.exit_code == 0 and "lyon.test" in listed.output and "pending" in listed.output
    listed = runner.invoke(main, ["associations", "list"], env=env)
    assert listed.exit_code == 0 and "Les Amis" in listed.output

    for args in (
        ["partnerships", "accept", str(partnership_id)],
        ["associations", "approve", str(association_id)],
    ):
        result = runner.invoke(main, args, env=env)
        assert result.exit_code == 0, result.output
        assert "Waiting for the street committee: proposal" in result.output

    async def state() -> tuple[str, str, list[str]]:
        p = await Partnership.get(id=partnership_id)
        a = await Association.get(id=association_id)
        kinds = await CommitteeProposal.all().order_by("number").values_list("kind", flat=True)
        return p.status.value, str(a.status), [str(k) for k in kinds]

    assert in_cli_db(env, monkeypatch, state) == (
        "pending",
        "pending",
        ["partnership.accept", "association.approve"],
    )
    # Refusing is not gated; unknown ids and bad scopes are refused plainly.
    result = runner.invoke(main, ["associations", "reject", str(association_id)], env=env)
    assert result.exit_code == 0 and "refused" in result.output
    result = runner.invoke(main, ["partnerships", "end", str(uuid.uuid4())], env=env)
    assert result.exit_code == 1 and "No such partnership" in result.output
    result = runner.invoke(main, ["associations", "approve", "not-a-uuid"], env=env)
    assert result.exit_code == 2


def test_charter_and_blocklist_commands_wait_for_the_committee(
    tmp_path: Path, monkeypatch: Any
) -> None:
    runner = CliRunner()
    seed_data_dir(tmp_path / "data")
    env = {
        "ENTRAIDE_DATA_DIR": str(tmp_path / "data"),
        "ENTRAIDE_BASE_URL": "http://127.0.0.1:18996",
        "ENTRAIDE_CONFIG": str(tmp_path / "entraide.toml"),
    }
    monkeypatch.chdir(tmp_path)
    init = [
        "init",
        "--admin-phone",
        "0611223344",
        "--admin-email",
        "a@example.org",
        "--admin-password",
        "un mot de passe solide",
    ]
    assert runner.invoke(main, init, env=env).exit_code == 0
    shown = runner.invoke(main, ["charter", "show"], env=env)
    assert shown.exit_code == 0 and "version 1" in shown.output and "argent" in shown.output
    (tmp_path / "fr.txt").write_text("Charte\n1. Respect.\n", encoding="utf-8")
    (tmp_path / "en.txt").write_text("Charter\n1. Respect.\n", encoding="utf-8")
    publish = ["charter", "publish", "--fr", "fr.txt", "--en", "en.txt"]
    # No committee yet: the admin decides alone.
    result = runner.invoke(main, publish, env=env)
    assert result.exit_code == 0 and "version 2 is in force" in result.output
    result = runner.invoke(main, publish, env=env)
    assert result.exit_code == 1 and "charter in force already" in result.output
    sample = Path(__file__).parents[2] / "vectors" / "mastodon_domain_blocks.csv"
    result = runner.invoke(main, ["blocklist", "import", str(sample)], env=env)
    assert result.exit_code == 0, result.output
    assert "blocked   spam.example" in result.output and "skipped   quiet.example" in result.output
    exported = runner.invoke(main, ["blocklist", "export"], env=env)
    assert exported.output.splitlines()[1:] == [
        "hate.example,suspend,false,false,Hate speech,false",
        'spam.example,suspend,false,false,"Spam, lots of it",false',
    ]
    (tmp_path / "bad.csv").write_text("domain;severity\n", encoding="utf-8")
    result = runner.invoke(main, ["blocklist", "import", "bad.csv"], env=env)
    assert result.exit_code == 1 and "#domain" in result.output
    # Once the committee sits, both are proposals.
    assert runner.invoke(main, ["committee", "add", "0611223344"], env=env).exit_code == 0
    (tmp_path / "fr.txt").write_text("Charte\n1. Respect de tous.\n", encoding="utf-8")
    result = runner.invoke(main, publish, env=env)
    assert result.exit_code == 0 and "Waiting for the street committee" in result.output
    (tmp_path / "more.csv").write_text("#domain,#severity\nother.example,suspend\n")
    result = runner.invoke(main, ["blocklist", "import", "more.csv"], env=env)
    assert result.exit_code == 0 and "proposed  other.example" in result.output

    async def kinds() -> list[str]:
        rows = await CommitteeProposal.all().order_by("number").values_list("kind", flat=True)
        return [str(k) for k in rows]

    assert in_cli_db(env, monkeypatch, kinds) == ["charter.change", "federation.block"]
