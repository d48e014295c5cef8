"""Shared fixtures: a migrated database per test (SQLite by default, PostgreSQL when
``ENTRAIDE_TEST_DATABASE_URL`` names one), node apps, clients and ready-made members.

SQLite: each test copies a migrated template file (:mod:`tests.migrated`).
PostgreSQL: a template database is migrated once per session, each node name gets a copy,
emptied per test.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from node.app import create_app
from node.db import migrate
from node.http_state import EntraideApp
from node.settings import Settings
from tests import migrated
from tests.factories import CHEAP_PASSWORDS
from tests.route_builders import share_builders

share_builders()

PG_URL = os.environ.get("ENTRAIDE_TEST_DATABASE_URL", "")
TEST_SECRET = "test-secret-key-not-for-production-0123456789"


def _pg_url_for(name: str) -> str:
    parts = urlsplit(PG_URL)
    base = parts.path.lstrip("/") or "entraide_test"
    return urlunsplit(parts._replace(path=f"/{base}_{name}"))


async def _pg_create(url: str, *, template: str | None = None) -> None:
    """(Re)create the database of ``url``, as a copy of the ``template`` database if given."""
    import asyncpg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    conn = await asyncpg.connect(admin)
    try:
        dbname = parts.path.lstrip("/")
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", dbname)
        if exists:
            await conn.execute(f'DROP DATABASE "{dbname}" WITH (FORCE)')
        copy = f' TEMPLATE "{template}"' if template else ""
        await conn.execute(f'CREATE DATABASE "{dbname}"{copy}')
        # A throwaway database: commits need not wait for the disk.
        await conn.execute(f'ALTER DATABASE "{dbname}" SET synchronous_commit = off')
    finally:
        await conn.close()


@dataclass(frozen=True)
class Seeded:
    """What the migrations leave in a fresh database (such as the default house rules): the rows
    of each table and where each sequence stands, put back when a test database is emptied."""

    rows: dict[str, list[Any]]
    sequences: dict[str, int | None]


async def _pg_seeded(url: str) -> Seeded:
    import asyncpg

    conn = await asyncpg.connect(urlunsplit(urlsplit(url)._replace(scheme="postgresql")))
    try:
        rows: dict[str, list[Any]] = {}
        for table in await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'tortoise_migrations'"
        ):
            name = table["tablename"]
            found = await conn.fetch(f'SELECT * FROM "{name}"')
            if found:
                rows[name] = [tuple(r.values()) for r in found]
        sequences = {
            r["sequencename"]: r["last_value"]
            for r in await conn.fetch(
                "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
            )
        }
        return Seeded(rows, sequences)
    finally:
        await conn.close()


async def _pg_empty(url: str, seeded: Seeded) -> None:
    """Empty every table of a migrated test database, then put back what the migrations seeded.

    ``DELETE`` with foreign-key triggers off (``session_replication_role = replica``, the
    postgres superuser may) takes ~35 ms for the ~60 nearly empty tables of a test, where one
    ``TRUNCATE … CASCADE`` of them all takes ~210 ms: TRUNCATE gives each table a new file.
    Sequences go back to where the migrations left them, as TRUNCATE's RESTART IDENTITY did."""
    import asyncpg

    conn = await asyncpg.connect(urlunsplit(urlsplit(url)._replace(scheme="postgresql")))
    try:
        tables = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'tortoise_migrations'"
        )
        statements = ["SET session_replication_role = replica"]
        statements += [f'DELETE FROM "{row["tablename"]}"' for row in tables]
        for name, value in seeded.sequences.items():
            statements.append(
                f"SELECT setval('\"{name}\"', {value})"
                if value is not None
                else f'ALTER SEQUENCE "{name}" RESTART'
            )
        statements.append("SET session_replication_role = DEFAULT")
        await conn.execute("; ".join(statements))
        for name, records in seeded.rows.items():
            await conn.copy_records_to_table(name, records=records)
    finally:
        await conn.close()


class DatabaseFactory:
    """Hands out a clean, migrated database URL per node name."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._pg_ready: set[str] = set()
        self._pg_template: str | None = None
        self._pg_seeded = Seeded({}, {})

    @property
    def backend(self) -> str:
        return "postgres" if PG_URL else "sqlite"

    async def url(self, name: str, tmp_path: Path) -> str:
        if PG_URL:
            url = _pg_url_for(name)
            if url not in self._pg_ready:
                # Migrated once into a template; each node name's database is a copy of it
                # (CREATE DATABASE … TEMPLATE copies files: far quicker than migrating again).
                if self._pg_template is None:
                    template_url = _pg_url_for("template")
                    await _pg_create(template_url)
                    await migrate(template_url)
                    self._pg_seeded = await _pg_seeded(template_url)
                    self._pg_template = urlsplit(template_url).path.lstrip("/")
                await _pg_create(url, template=self._pg_template)
                self._pg_ready.add(url)
            else:
                await _pg_empty(url, self._pg_seeded)
            return url
        return f"sqlite://{migrated.copy_to(tmp_path / f'{name}.sqlite3')}"

    async def migrated_to(self, target: str, name: str, tmp_path: Path) -> str:
        """A database migrated up to ``target`` only (such as ``models.0032_…``), as a node
        that has not upgraded yet has it: for tests of the migrations that follow. Migrated
        once per target into a template, copied for each test."""
        stem = target.replace(".", "_")
        if PG_URL:
            template_url = _pg_url_for(stem)
            template = urlsplit(template_url).path.lstrip("/")
            if template_url not in self._pg_ready:
                await _pg_create(template_url)
                await migrate(template_url, target=target)
                self._pg_ready.add(template_url)
            url = _pg_url_for(name)
            await _pg_create(url, template=template)
            self._pg_ready.discard(url)  # not a copy of the latest schema: made again if reused
            return url
        template_path = self.root / f"{stem}.sqlite3"
        if not template_path.exists():
            await migrate(f"sqlite://{template_path}", target=target)
        target_path = tmp_path / f"{name}.sqlite3"
        shutil.copyfile(template_path, target_path)
        return f"sqlite://{target_path}"


@pytest.fixture(scope="session")
def database_factory(tmp_path_factory: pytest.TempPathFactory) -> DatabaseFactory:
    return DatabaseFactory(tmp_path_factory.mktemp("db"))


NodeFactory = Callable[..., Awaitable[EntraideApp]]


@pytest.fixture
async def node_factory(
    database_factory: DatabaseFactory, tmp_path: Path
) -> AsyncIterator[NodeFactory]:
    """``await node_factory("paris", base_url=…, **settings)`` → a started node app."""
    started: list[Any] = []

    async def make(name: str = "node", **overrides: Any) -> EntraideApp:
        data_dir = tmp_path / name
        values: dict[str, Any] = {
            "base_url": f"http://{name}.test",
            "data_dir": data_dir,
            "database_url": await database_factory.url(name, tmp_path),
            "secret_key": TEST_SECRET,
            "sms_backend": f"file:{data_dir / 'sms.jsonl'}",
            "mail_backend": f"file:{data_dir / 'mail.jsonl'}",
            "node_name": f"Entraide {name}",
            "worker_in_process": False,
            **CHEAP_PASSWORDS,
        }
        values.update(overrides)
        app = create_app(Settings(**values))
        if "rate_limit_per_minute" in overrides:
            # Rate limits count per calendar minute: the node's time starts at the top of a
            # minute, so a test's few requests never straddle two windows on a slow machine.
            now = app.node.clock.now()
            app.node.clock.advance(
                timedelta(seconds=60 - now.second, microseconds=-now.microsecond)
            )
        context = app.test_app()
        await context.__aenter__()
        started.append(context)
        return app

    yield make
    for context in reversed(started):
        await context.__aexit__(None, None, None)


@pytest.fixture
async def app(node_factory: NodeFactory) -> EntraideApp:
    return await node_factory("node")


@pytest.fixture
def client(app: EntraideApp) -> Any:
    return app.test_client()


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.fixture
def sms_outbox(app: EntraideApp) -> Callable[[], list[dict[str, Any]]]:
    """Messages the node sent through its ``file:`` SMS backend, oldest first."""
    path = Path(app.node.settings.sms_backend[len("file:") :])
    return lambda: read_jsonl(path)


@pytest.fixture
def mail_outbox(app: EntraideApp) -> Callable[[], list[dict[str, Any]]]:
    path = Path(app.node.settings.mail_backend[len("file:") :])
    return lambda: read_jsonl(path)


def run(coro: Awaitable[Any]) -> Any:
    return asyncio.get_event_loop().run_until_complete(coro)


MemberFactory = Callable[..., Awaitable[tuple[Any, dict[str, str]]]]


@pytest.fixture
def make_member(app: EntraideApp) -> MemberFactory:
    """``member, headers = await make_member(verified=True, admin=False, kind="resident")``:
    :func:`tests.factories.make_member` in this test's node (or ``target``)."""
    from tests.factories import make_member as make

    async def make_in(
        *, target: EntraideApp | None = None, **fields: Any
    ) -> tuple[Any, dict[str, str]]:
        return await make(target or app, **fields)

    return make_in


def assert_no_private_data(payload: Any, *members: Any) -> None:
    """No phone or email of ``members`` anywhere in a JSON payload."""
    text = repr(payload)
    for member in members:
        for secret in (member.phone, member.email):
            if secret:
                assert secret not in text
    assert "phone" not in text and "email" not in text
