"""``entraide moderator grant|revoke --phone``: the operator names moderators; logged."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from node.cli import main
from node.db import Database
from node.models import Member, ModerationEntry
from node.settings import load_settings
from tests.migrated import seed_data_dir


def _state(env: dict[str, str], monkeypatch: Any) -> tuple[bool, list[str]]:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = load_settings()

    async def read() -> tuple[bool, list[str]]:
        db = Database(settings)
        await db.open()
        try:
            with db.activate():
                member = await Member.get(phone="+33611223344")
                verbs = await ModerationEntry.all().order_by("id").values_list("verb", flat=True)
                return member.is_moderator, [str(v) for v in verbs]
        finally:
            await db.close()

    return asyncio.run(read())


def test_the_operator_grants_and_takes_back_the_role(tmp_path: Path, monkeypatch: Any) -> None:
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
    ]
    assert runner.invoke(main, init, env=env).exit_code == 0
    unknown = runner.invoke(main, ["moderator", "grant", "--phone", "0699999999"], env=env)
    assert unknown.exit_code == 1 and "no member" in unknown.output
    garbage = runner.invoke(main, ["moderator", "grant", "--phone", "pas un numéro"], env=env)
    assert garbage.exit_code == 1
    granted = runner.invoke(main, ["moderator", "grant", "--phone", "0611223344"], env=env)
    assert granted.exit_code == 0, granted.output
    assert _state(env, monkeypatch) == (True, ["grant_moderator"])
    revoked = runner.invoke(main, ["moderator", "revoke", "--phone", "0611223344"], env=env)
    assert revoked.exit_code == 0
    assert _state(env, monkeypatch) == (False, ["grant_moderator", "revoke_moderator"])
