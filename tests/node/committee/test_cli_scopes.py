"""``entraide partnerships scopes …``: the same service as the page and the API. Without a
committee the change is made and the partner is told (in the outbox for the worker); once the
street committee sits, changing the scopes and accepting a partner's request are proposals."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from node import clock
from node.cli import main
from node.models import (
    CommitteeProposal,
    OutboxActivity,
    Partnership,
    PartnershipDirection,
    PartnershipScopeOffer,
    PartnershipStatus,
    RemoteActor,
)
from tests.migrated import seed_data_dir
from tests.node.committee_support import in_cli_db


async def _seed() -> uuid.UUID:
    await RemoteActor.create(
        ap_id="https://lyon.test/actor",
        type="Application",
        domain="lyon.test",
        inbox="https://lyon.test/inbox",
        fetched_at=clock.now(),
    )
    partnership = await Partnership.create(
        id=uuid.uuid4(),
        remote_domain="lyon.test",
        active_domain="lyon.test",
        remote_actor_iri="https://lyon.test/actor",
        direction=PartnershipDirection.INCOMING,
        scopes="guide,public_needs",
        status=PartnershipStatus.ACCEPTED,
        offer_activity_id="https://lyon.test/offers/1",
        object_iri="https://lyon.test/partnerships/1",
        created_at=clock.now(),
        decided_at=clock.now(),
    )
    await _ask_more(partnership.id, "https://lyon.test/offers/2")
    return partnership.id


async def _ask_more(partnership_id: uuid.UUID, offer_id: str) -> None:
    await PartnershipScopeOffer.create(
        id=uuid.uuid4(),
        partnership_id=partnership_id,
        direction=PartnershipDirection.INCOMING,
        scopes="calls",
        message="Et les appels ?",
        offer_activity_id=offer_id,
        created_at=clock.now(),
    )


def test_scopes_commands_change_answer_and_withdraw(tmp_path: Path, monkeypatch: Any) -> None:
    runner = CliRunner()
    seed_data_dir(tmp_path / "data")
    env = {
        "ENTRAIDE_DATA_DIR": str(tmp_path / "data"),
        "ENTRAIDE_BASE_URL": "http://127.0.0.1:18995",
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
    pid = str(in_cli_db(env, monkeypatch, _seed))

    def run(*args: str) -> Any:
        return runner.invoke(main, ["partnerships", "scopes", *args], env=env)

    listed = runner.invoke(main, ["partnerships", "list"], env=env)
    assert "guide, public_needs" in listed.output
    assert "(they ask to share also: calls)" in listed.output
    # No committee yet: the admin decides alone.
    result = run("reject", pid)
    assert result.exit_code == 0 and "Request of lyon.test to share more refused." in result.output
    result = run("set", pid, "--scope", "guide")
    assert result.exit_code == 0 and "lyon.test shares: guide." in result.output
    result = run("set", pid, "--scope", "guide", "--scope", "outreach", "--message", "Maraudes ?")
    assert result.exit_code == 0 and "Asked lyon.test to share also: outreach" in result.output
    result = run("set", pid, "--scope", "guide", "--scope", "calls")
    assert result.exit_code == 1 and "waits for the partner's answer" in result.output
    result = run("withdraw", pid)
    assert result.exit_code == 0 and "is withdrawn" in result.output
    result = run("withdraw", pid)
    assert result.exit_code == 1 and "We asked nothing more of this partner." in result.output
    # Refusals, said plainly.
    result = run("set", pid, "--scope", "everything")
    assert result.exit_code == 1 and "everything" in result.output
    result = run("accept", pid)
    assert result.exit_code == 1 and "The partner asks nothing more." in result.output
    result = run("accept", str(uuid.uuid4()))
    assert result.exit_code == 1 and "No such partnership" in result.output
    assert run("set", pid).exit_code == 2  # --scope is required

    async def sent() -> list[str]:
        rows = await OutboxActivity.all().order_by("created_at", "id")
        return [str(r.type) for r in rows]

    # The partner is told of each, in order, by the worker's deliveries.
    assert in_cli_db(env, monkeypatch, sent) == ["Reject", "Update", "Offer", "Undo"]

    # Once the committee sits, a change and an acceptance are proposals; nothing changes.
    assert runner.invoke(main, ["committee", "add", "0611223344"], env=env).exit_code == 0
    in_cli_db(env, monkeypatch, lambda: _ask_more(uuid.UUID(pid), "https://lyon.test/offers/3"))
    for args in (("set", pid, "--scope", "public_needs"), ("accept", pid)):
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert "Waiting for the street committee: proposal" in result.output

    async def state() -> tuple[list[str], list[str], int]:
        p = await Partnership.get(id=pid)
        kinds = await CommitteeProposal.all().order_by("number").values_list("kind", flat=True)
        return p.scope_list, [str(k) for k in kinds], await OutboxActivity.all().count()

    assert in_cli_db(env, monkeypatch, state) == (
        ["guide"],
        ["partnership.scopes", "partnership.scopes.accept"],
        4,
    )
    # Refusing shares nothing: not gated.
    assert run("reject", pid).exit_code == 0
