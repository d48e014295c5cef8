"""Caps on verification SMS: 3 per number in 15 minutes, 10 per number a day, and a node-wide
hourly cap; a capped request is a 429 with Retry-After and a plain message, for any number."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from node.http_state import EntraideApp
from tests.node.services.test_members import sign_up

Outbox = Callable[[], list[dict[str, Any]]]


async def _resend(client: Any, phone: str, n: int = 0) -> Any:
    # Each request from another address: only the SMS caps can refuse it.
    return await client.post(
        "/api/v1/members/verify/resend",
        json={"phone": phone},
        scope_base={"client": (f"10.1.{n // 250}.{n % 250}", 40000)},
    )


@pytest.mark.parametrize("pending", [True, False], ids=["pending", "unknown"])
async def test_three_codes_per_number_in_15_minutes(
    app: EntraideApp, client: Any, sms_outbox: Outbox, pending: bool
) -> None:
    sent = 0
    if pending:
        assert (await sign_up(client)).status_code == 201
        sent = 1
    statuses = [(await _resend(client, "0612345678", n)).status_code for n in range(4 - sent)]
    assert statuses == [202] * (3 - sent) + [429]
    response = await _resend(client, "0612345678", 9)
    body = await response.get_json()
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 15 * 60
    assert "Too many codes were sent to this number" in body["detail"]
    assert len(sms_outbox()) == (3 if pending else 0)
    app.node.clock.advance(timedelta(minutes=15))
    assert (await _resend(client, "0612345678", 10)).status_code == 202


async def test_ten_codes_per_number_a_day(
    app: EntraideApp, client: Any, sms_outbox: Outbox
) -> None:
    assert (await sign_up(client)).status_code == 201
    statuses = []
    for n in range(12):
        statuses.append((await _resend(client, "0612345678", n)).status_code)
        if n % 3 == 2:
            app.node.clock.advance(timedelta(minutes=15))
    assert statuses.count(202) == 9 and statuses[-1] == 429  # 1 sign-up + 9 resends
    response = await _resend(client, "0612345678", 99)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 15 * 60  # the day's window, not the quarter's
    assert len(sms_outbox()) == 10


async def test_other_numbers_are_not_held_by_a_capped_one(client: Any) -> None:
    for n in range(4):
        await _resend(client, "0612345678", n)
    assert (await _resend(client, "0698765432", 5)).status_code == 202


async def test_the_node_caps_its_sms_per_hour(node_factory: Any, sms_outbox: Outbox) -> None:
    capped = await node_factory("capped", sms_per_hour=2)
    client = capped.test_client()
    statuses = []
    for n in range(3):
        response = await client.post(
            "/api/v1/members",
            json={
                "phone": f"06987654{n:02d}",
                "email": f"m{n}@example.org",
                "password": "correct horse",
                "accept_charter": True,
            },
            scope_base={"client": (f"10.2.0.{n}", 40000)},
        )
        statuses.append(response.status_code)
    assert statuses == [201, 201, 429]
    body = await response.get_json()
    assert "too many text messages this hour" in body["detail"]
    assert int(response.headers["Retry-After"]) <= 3600
