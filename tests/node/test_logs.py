"""What the node writes to its logs: one line per request by route template, with a request id,
and never a phone number, an email, a token, an SMS code or an exact position."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from node.logs import configure_logging
from tests.conftest import NodeFactory, read_jsonl
from tests.fedtools import federated_nodes, settle
from tests.node.fed_support import feed, member, ok, partner

PHONE_TYPED, PHONE_E164 = "06 12 98 76 54", "+33612987654"
EMAIL = "lea.logs@example.org"
LAT, LON = 48.861234, 2.345678  # exact place of the need: only its author may see it


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """The node's production logging (JSON, DEBUG) into a buffer; the process's logging is put
    back afterwards."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    quiet = {name: logging.getLogger(name).level for name in ("tortoise", "tortoise.db_client")}
    configure_logging("debug", "json")
    ours = next(h for h in root.handlers if getattr(h, "entraide", False))
    buffer = io.StringIO()
    assert isinstance(ours, logging.StreamHandler)
    ours.setStream(buffer)
    yield buffer
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)
    for name, level in quiet.items():
        logging.getLogger(name).setLevel(level)
    for name in ("uvicorn.access", "granian.access", "hypercorn.access"):
        logging.getLogger(name).disabled = False


async def test_a_full_scenario_logs_no_personal_data(
    node_factory: NodeFactory, log_lines: io.StringIO
) -> None:
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await partner(paris, paris_admin, lyon, lyon_admin, paris, lyon)

    client = paris.test_client()
    password = "un mot de passe pour les logs"
    response = await client.post(
        "/api/v1/members",
        json={
            "phone": PHONE_TYPED,
            "email": EMAIL,
            "password": password,
            "kind": "resident",
            "accept_charter": True,
        },
    )
    assert response.status_code == 201
    sms = read_jsonl(Path(paris.node.settings.sms_backend[len("file:") :]))
    code = re.search(r"\b(\d{6})\b", json.dumps(sms[-1])).group(1)  # type: ignore[union-attr]
    wrong = "000000" if code != "000000" else "111111"
    await client.post("/api/v1/members/verify", json={"phone": PHONE_TYPED, "code": wrong})
    response = await client.post(
        "/api/v1/members/verify", json={"phone": PHONE_TYPED, "code": code}
    )
    assert response.status_code == 200
    mails = read_jsonl(Path(paris.node.settings.mail_backend[len("file:") :]))
    link = re.search(r"https?://\S+verify-email\S+", json.dumps(mails[-1]))
    assert link is not None
    email_token = parse_qs(urlsplit(link.group(0).rstrip('"\\')).query)["token"][0]
    await client.get(f"/api/v1/members/verify-email?token={email_token}")
    response = await client.post(
        "/api/v1/auth/token", json={"phone": PHONE_TYPED, "password": password}
    )
    token = (await response.get_json())["access_token"]
    await client.post("/api/v1/auth/token", json={"phone": PHONE_TYPED, "password": "faux"})
    headers = {"Authorization": f"Bearer {token}"}
    need = {
        "kind": "need",
        "category": "clothes",
        "title": "Un sac de couchage",
        "description": "Pour ce soir",
        "lat": LAT,
        "lon": LON,
    }
    await ok(paris, "POST", "/api/v1/actions", headers, json=need)
    await client.get(f"/api/v1/actions?lat={LAT}&lon={LON}&radius_km=2", headers=headers)
    await settle(paris, lyon)
    assert [item["title"] for item in await feed(lyon)] == ["Un sac de couchage"]

    lines = log_lines.getvalue().splitlines()
    assert lines, "the scenario logged nothing: the capture is broken"
    text = log_lines.getvalue()
    secrets = {
        "phone": [PHONE_E164, "0612987654", PHONE_TYPED, "612987654"],
        "email": [EMAIL],
        "token": [token, email_token],
        "sms code": [code],
        "position": [str(LAT), str(LON), "48.8612", "2.3456"],
        "password": [password],
    }
    for what, values in secrets.items():
        for value in values:
            assert value not in text, f"a log line contains the {what} {value!r}"

    records = [json.loads(line) for line in lines]
    access = [r for r in records if r["logger"] == "entraide.access"]
    assert any(r["message"].startswith("POST /api/v1/members 201 ") for r in access)
    assert any(r["message"].startswith("GET /api/v1/actions 200 ") for r in access)
    assert all(len(r["request_id"]) >= 16 for r in access)


async def test_requests_carry_a_request_id(node_factory: NodeFactory) -> None:
    app = await node_factory("ids")
    client = app.test_client()
    first = await client.get("/health")
    second = await client.get("/health")
    assert first.headers["X-Request-Id"] != second.headers["X-Request-Id"]
    given = await client.get("/health", headers={"X-Request-Id": "proxy-4f2a9c"})
    assert given.headers["X-Request-Id"] == "proxy-4f2a9c"
    # A header that could forge log lines is replaced, not echoed.
    forged = await client.get("/health", headers={"X-Request-Id": "x injected <line>"})
    assert "injected" not in forged.headers["X-Request-Id"]


def test_text_format_names_the_request_id(log_lines: io.StringIO) -> None:
    configure_logging("info", "text")
    ours = next(h for h in logging.getLogger().handlers if getattr(h, "entraide", False))
    assert isinstance(ours, logging.StreamHandler)
    buffer = io.StringIO()
    ours.setStream(buffer)
    logging.getLogger("entraide.test").info("bonjour")
    assert re.search(r"INFO entraide\.test \[-\] bonjour$", buffer.getvalue().strip())
