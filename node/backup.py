"""``entraide backup`` and ``entraide restore``: a node in one archive, and back.

The archive (``.tar.gz``, mode 0600: it holds members' phones and emails and the node's keys)
contains:

- ``manifest.json``: format, Entraide version, when, the node's ``base_url`` (its fediverse
  identity), the database kind, and a SHA-256 of every other member of the archive;
- ``database.sqlite3`` (SQLite's online backup API: consistent while the node runs) or
  ``database.dump`` (``pg_dump --format=custom``, consistent as one transaction);
- ``secret_key`` (signs tokens and links, and derives the key that encrypts outreach notes at
  rest) and ``keys/…`` (the instance key that partners know the node's signatures by).

``restore`` goes onto an *empty* node only (no database, or a database without members), checks
every digest first, and refuses a secret key that differs from one the settings already fix:
restored encrypted data would not decrypt.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from node import __version__
from node.settings import Settings

FORMAT = 1
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.dump"
SECRET_MEMBER = "secret_key"
KEYS_DIR = "keys"


class BackupError(Exception):
    """A backup or restore that cannot be done; ``str()`` says why in one sentence."""


@dataclass(frozen=True)
class Restored:
    base_url: str
    created_at: str
    database: str


def sqlite_path(settings: Settings) -> Path:
    path = settings.database_url[len("sqlite://") :].split("?", 1)[0]
    if not path or path == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(path)


def _pg_env_and_url(database_url: str) -> tuple[dict[str, str], str]:
    """libpq's URL without the password (given through PGPASSWORD, never on a command line)."""
    parts = urlsplit(database_url)
    env = dict(os.environ)
    if parts.password:
        env["PGPASSWORD"] = parts.password
    netloc = parts.hostname or ""
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    return env, urlunsplit(("postgresql", netloc, parts.path, "", ""))


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)"
        )
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip().splitlines()[-1:]}")


def _dump_database(settings: Settings, into: Path) -> str:
    if settings.is_sqlite:
        source = sqlite_path(settings)
        if not source.exists():
            raise BackupError(f"no database at {source}")
        target = into / SQLITE_MEMBER
        with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
            live.backup(copy)  # page by page, consistent even while the node writes
        copy.close()
        return SQLITE_MEMBER
    env, url = _pg_env_and_url(settings.database_url)
    _run(
        ["pg_dump", "--format=custom", "--no-owner", "--file", str(into / POSTGRES_MEMBER), url],
        env,
    )
    return POSTGRES_MEMBER


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def backup(settings: Settings, destination: Path) -> Path:
    """Write the node's archive to ``destination`` (a file, or a directory to put it in)."""
    from node.keys import ensure_instance_key

    ensure_instance_key(settings)
    now = datetime.now(UTC)
    if destination.is_dir():
        destination = destination / f"entraide-{now:%Y%m%d-%H%M%S}.tar.gz"
    with tempfile.TemporaryDirectory(prefix="entraide-backup-") as work:
        staging = Path(work)
        database = _dump_database(settings, staging)
        (staging / SECRET_MEMBER).write_bytes(settings.secret())
        keys = settings.data_dir / KEYS_DIR
        shutil.copytree(keys, staging / KEYS_DIR)
        key_files = (staging / KEYS_DIR).rglob("*")
        keys_in = sorted(str(path.relative_to(staging)) for path in key_files if path.is_file())
        members = [database, SECRET_MEMBER, *keys_in]
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "entraide_version": __version__,
            "created_at": now.isoformat(),
            "base_url": settings.base_url,
            "node_name": settings.node_name,
            "database": "sqlite" if settings.is_sqlite else "postgres",
            "files": {name: _digest(staging / name) for name in members},
        }
        fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mode, info.mtime = len(data), 0o600, int(now.timestamp())
            archive.addfile(info, io.BytesIO(data))
            for name in members:
                archive.add(staging / name, arcname=name, recursive=False)
    return destination


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.getmember("manifest.json")
        handle = archive.extractfile(member)
        manifest = json.loads(handle.read()) if handle else None
    except (KeyError, ValueError) as error:
        raise BackupError("this is not an Entraide backup (no readable manifest.json)") from error
    found = manifest.get("format") if isinstance(manifest, dict) else None
    if not isinstance(manifest, dict) or found != FORMAT:
        raise BackupError(f"unknown backup format {found!r}")
    return manifest


async def _has_members(settings: Settings) -> bool:
    from tortoise.exceptions import DBConnectionError, OperationalError

    from node.db import Database
    from node.models import Member

    db = Database(settings)
    try:
        await db.open()
        with db.activate():
            return await Member.exists()
    except (OperationalError, DBConnectionError):  # no table yet: an empty database
        return False
    finally:
        await db.close()


async def _check_empty(settings: Settings) -> None:
    if settings.is_sqlite and not sqlite_path(settings).exists():
        return
    if await _has_members(settings):
        raise BackupError("this node already has members; restore only onto an empty node")


async def restore(settings: Settings, archive_path: Path) -> Restored:
    """Restore ``archive_path`` onto this (empty) node's database and data directory."""
    await _check_empty(settings)
    return await asyncio.to_thread(_restore_files, settings, archive_path)


def _restore_files(settings: Settings, archive_path: Path) -> Restored:
    try:
        archive = tarfile.open(archive_path, mode="r:gz")  # noqa: SIM115 - closed by the with below
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"cannot read {archive_path}: {error}") from error
    with archive, tempfile.TemporaryDirectory(prefix="entraide-restore-") as work:
        manifest = _read_manifest(archive)
        files: dict[str, str] = manifest.get("files", {})
        staging = Path(work)
        # Only the members the manifest names, as plain files: no links, no paths outside.
        try:
            wanted = [archive.getmember(name) for name in files]
        except KeyError as error:
            raise BackupError(f"the archive lacks {error}: it is incomplete") from error
        try:
            archive.extractall(staging, members=wanted, filter="data")
        except (OSError, tarfile.TarError) as error:
            raise BackupError(f"cannot unpack {archive_path}: {error}") from error
        for name, expected in files.items():
            if _digest(staging / name) != expected:
                raise BackupError(f"{name} does not match its digest: the archive is damaged")
        kind = manifest["database"]
        if kind != ("sqlite" if settings.is_sqlite else "postgres"):
            raise BackupError(
                f"the backup holds a {kind} database but this node is configured for "
                f"{'sqlite' if settings.is_sqlite else 'postgres'}"
            )
        secret = (staging / SECRET_MEMBER).read_bytes()
        configured = settings.secret_key.get_secret_value().encode()
        if configured and configured != secret:
            raise BackupError(
                "the settings fix a secret_key other than the backup's; remove it from the "
                "settings (the backup's is restored into the data directory) or set the old one"
            )
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        if settings.is_sqlite:
            target = sqlite_path(settings)
            target.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(staging / SQLITE_MEMBER, target)
        else:
            env, url = _pg_env_and_url(settings.database_url)
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--dbname",
                    url,
                    str(staging / POSTGRES_MEMBER),
                ],
                env,
            )
        if not configured:
            _write_private(settings.data_dir / SECRET_MEMBER, secret)
        for name in files:
            if name.startswith(f"{KEYS_DIR}/"):
                _write_private(settings.data_dir / name, (staging / name).read_bytes())
    return Restored(
        base_url=str(manifest.get("base_url", "")),
        created_at=str(manifest.get("created_at", "")),
        database=kind,
    )


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
