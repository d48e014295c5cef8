"""The API fuzzed from its own OpenAPI document (schemathesis, property-based): every operation
under ``/api/v1``, as an anonymous visitor, a verified member and a node admin. Bad input of any
shape is a 4xx; nothing is a 500 and no answer contradicts the documented response schema.

Bounded for CI: a fixed number of examples per operation (``ENTRAIDE_FUZZ_EXAMPLES``, 6 by
default: about a minute on two cores), three calls per example (one per caller).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import response_schema_conformance

from node import clock
from node.app import create_app
from node.db import Database
from node.models import Member, MemberKind
from node.services.tokens import issue_token
from node.settings import Settings
from tests.factories import CHEAP_PASSWORDS, PASSWORDS
from tests.migrated import copy_to

EXAMPLES = int(os.environ.get("ENTRAIDE_FUZZ_EXAMPLES", "6"))
CHECKS = [not_a_server_error, response_schema_conformance]
# Ending the caller's own session would leave the rest of the run anonymous.
SESSION_ENDERS = {("POST", "/api/v1/auth/logout"), ("POST", "/api/v1/me/logout-everywhere")}
BASE = f"http://{asgi.HOST}"


@dataclass
class FuzzNode:
    client: asgi.ASGIClient
    callers: dict[str, dict[str, str]]


async def _seed(settings: Settings) -> dict[str, dict[str, str]]:
    db = Database(settings)
    await db.open()
    callers: dict[str, dict[str, str]] = {"anonymous": {}}
    try:
        with db.activate():
            for n, name in enumerate(("member", "admin")):
                member = await Member.create(
                    phone=f"+3361299000{n}",
                    email=f"fuzz-{name}@example.org",
                    pseudonym=f"Fuzz {name}",
                    kind=MemberKind.RESIDENT,
                    is_admin=name == "admin",
                    phone_verified_at=clock.now(),
                    password_hash=await PASSWORDS.hash("fuzz password"),
                )
                _, secret = await issue_token(member)
                callers[name] = {"Authorization": f"Bearer {secret}"}
    finally:
        await db.close()
    return callers


def _settings(data_dir: Path) -> Settings:
    return Settings(
        base_url="http://fuzz.test",
        data_dir=data_dir,
        database_url=f"sqlite://{data_dir / 'fuzz.sqlite3'}",
        secret_key="fuzz-secret-key-not-for-production-0123456789",
        sms_backend=f"file:{data_dir / 'sms.jsonl'}",
        mail_backend=f"file:{data_dir / 'mail.jsonl'}",
        worker_in_process=False,
        rate_limit_per_minute=100_000,  # explore past the rate limits (they have their tests)
        **CHEAP_PASSWORDS,  # log-in attempts hash every time
    )


async def _openapi() -> dict[str, Any]:
    """The node's OpenAPI document (it needs no database)."""
    response = await create_app(_settings(Path("unused"))).test_client().get("/openapi.json")
    document: dict[str, Any] = await response.get_json()
    return document


# Asking a node for a partnership fetches the target over the network: its hostile inputs are
# tested with a fake fediverse (tests/node/fed/test_partnerships.py), not with DNS lookups.
# The live stream never ends for an authenticated caller: its rejection paths and events are
# tested in tests/node/api/test_live_stream.py.
schema = (
    schemathesis.openapi.from_dict(asyncio.run(_openapi()))
    .include(path_regex=r"^/api/v1/")
    .exclude(method="POST", path="/api/v1/admin/partnerships")
    .exclude(method="GET", path="/api/v1/stream")
)


@pytest.fixture(scope="module")
def fuzz_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzNode]:
    node_settings = _settings(tmp_path_factory.mktemp("fuzz"))
    copy_to(Path(node_settings.database_url.removeprefix("sqlite://")))
    callers = asyncio.run(_seed(node_settings))
    app = create_app(node_settings)
    with asgi.get_client(app) as client:  # runs the app's start-up in schemathesis' loop
        yield FuzzNode(client=client, callers=callers)
    asgi.shutdown_lifespans()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_every_caller_without_a_server_error(case: Any, fuzz_node: FuzzNode) -> None:
    for name, headers in fuzz_node.callers.items():
        if name != "anonymous" and (case.method, case.path) in SESSION_ENDERS:
            continue
        case.call_and_validate(
            base_url=BASE, session=fuzz_node.client, headers=headers, checks=CHECKS
        )
