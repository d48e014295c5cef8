"""Back up a node, lose it, restore it elsewhere: same data, and partners still trust it."""

from __future__ import annotations

import json
import os
import subprocess
import tarfile
from pathlib import Path

import pytest

from node.backup import BackupError, backup, restore
from node.settings import Settings
from tests.conftest import TEST_SECRET, DatabaseFactory, NodeFactory
from tests.factories import need_body
from tests.fedprocs import ENTRAIDE
from tests.fedtools import federated_nodes, router_of, settle
from tests.migrated import seed_data_dir
from tests.node.fed_support import feed, member, ok, partner


def _settings_like(original: Settings, data_dir: Path, database_url: str) -> Settings:
    return Settings(
        base_url=original.base_url,
        data_dir=data_dir,
        database_url=database_url,
        secret_key=TEST_SECRET,
        worker_in_process=False,
    )


async def test_round_trip_keeps_data_and_the_partners_trust(
    node_factory: NodeFactory, database_factory: DatabaseFactory, tmp_path: Path
) -> None:
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await partner(paris, paris_admin, lyon, lyon_admin, paris, lyon)
    _, lea = await member(paris, "Léa")
    posted = await ok(paris, "POST", "/api/v1/actions", lea, json=need_body("Un duvet"))
    await settle(paris, lyon)
    assert [item["title"] for item in await feed(lyon)] == ["Un duvet"]

    archive = backup(paris.node.settings, tmp_path)
    assert archive.stat().st_mode & 0o777 == 0o600
    with tarfile.open(archive) as opened:
        names = set(opened.getnames())
        manifest = json.loads(opened.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert {"manifest.json", "secret_key", "keys/instance.pem"} <= names
    assert manifest["base_url"] == "http://paris.test"

    # The machine is lost: a new data directory and an empty database.
    new_dir = tmp_path / "paris-restored"
    new_url = await database_factory.url("parisrestored", tmp_path)
    restored = await restore(_settings_like(paris.node.settings, new_dir, new_url), archive)
    assert restored.base_url == "http://paris.test"
    assert (new_dir / "keys" / "instance.pem").read_bytes() == (
        paris.node.settings.data_dir / "keys" / "instance.pem"
    ).read_bytes()

    again = await node_factory(
        "parisnew",
        base_url="http://paris.test",
        data_dir=new_dir,
        database_url=new_url,
        federation_allow_private=True,
    )
    router = router_of(lyon)
    router.add("paris.test", again)
    again.node.http_transport = router
    # Same member, same token, same action.
    body = await ok(again, "GET", f"/api/v1/actions/{posted['id']}", lea)
    assert body["title"] == "Un duvet"
    # Lyon verifies the restored node's signatures with the key it already knew.
    await ok(again, "POST", "/api/v1/actions", lea, json=need_body("Des chaussettes"))
    await settle(again, lyon)
    assert {item["title"] for item in await feed(lyon)} == {"Un duvet", "Des chaussettes"}


async def test_restore_refuses_a_node_that_has_members(
    node_factory: NodeFactory, tmp_path: Path
) -> None:
    app = await node_factory("full")
    await member(app, "Déjà là")
    archive = backup(app.node.settings, tmp_path)
    with pytest.raises(BackupError, match="already has members"):
        await restore(app.node.settings, archive)


async def test_restore_refuses_a_damaged_archive(
    node_factory: NodeFactory, database_factory: DatabaseFactory, tmp_path: Path
) -> None:
    app = await node_factory("source")
    archive = backup(app.node.settings, tmp_path)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for info in source.getmembers():
            data = source.extractfile(info).read()  # type: ignore[union-attr]
            if info.name == "secret_key":
                data = b"x" + data[1:]
            info.size = len(data)
            import io

            target.addfile(info, io.BytesIO(data))
    url = await database_factory.url("empty", tmp_path)
    settings = _settings_like(app.node.settings, tmp_path / "empty", url)
    with pytest.raises(BackupError, match="secret_key does not match its digest"):
        await restore(settings, damaged)
    not_a_backup = tmp_path / "notes.tar.gz"
    not_a_backup.write_bytes(b"hello")
    with pytest.raises(BackupError, match="cannot read"):
        await restore(settings, not_a_backup)


async def test_restore_refuses_another_fixed_secret(
    node_factory: NodeFactory, database_factory: DatabaseFactory, tmp_path: Path
) -> None:
    app = await node_factory("source")
    archive = backup(app.node.settings, tmp_path)
    url = await database_factory.url("empty", tmp_path)
    settings = Settings(
        base_url=app.node.settings.base_url,
        data_dir=tmp_path / "other",
        database_url=url,
        secret_key="another-secret-0123456789-0123456789-0123456789",
    )
    with pytest.raises(BackupError, match="secret_key other than the backup's"):
        await restore(settings, archive)


def test_cli_backup_then_restore_elsewhere(tmp_path: Path) -> None:
    """The commands as an operator types them (separate processes: a command opens its own
    database, which must not leak into the other tests' process)."""

    def entraide(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [ENTRAIDE, *args],
            env={**os.environ, "ENTRAIDE_CONFIG": str(tmp_path / "absent.toml"), **env},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )

    seed_data_dir(tmp_path / "a")
    source = {
        "ENTRAIDE_DATA_DIR": str(tmp_path / "a"),
        "ENTRAIDE_BASE_URL": "http://127.0.0.1:18999",
    }
    result = entraide(
        source,
        "create-admin",
        "--phone",
        "0611223344",
        "--email",
        "a@example.org",
        "--password",
        "un mot de passe solide",
    )
    assert result.returncode == 0, result.stderr
    result = entraide(source, "backup", str(tmp_path / "node.tar.gz"))
    assert result.returncode == 0, result.stderr
    assert "Backup written to" in result.stdout

    result = entraide(source, "restore", str(tmp_path / "node.tar.gz"))
    assert result.returncode == 1
    assert "already has members" in result.stderr

    target = {"ENTRAIDE_DATA_DIR": str(tmp_path / "b"), "ENTRAIDE_BASE_URL": "http://other:1"}
    result = entraide(target, "restore", str(tmp_path / "node.tar.gz"))
    assert result.returncode == 0, result.stderr
    assert "Restored the sqlite backup of http://127.0.0.1:18999" in result.stdout
    assert "ENTRAIDE_BASE_URL=http://127.0.0.1:18999" in result.stderr
    secret = (tmp_path / "b" / "secret_key").read_bytes()
    assert secret == (tmp_path / "a" / "secret_key").read_bytes()
