"""Failed log-ins per account: a few guesses per quarter, hour and day, then 429 with
Retry-After; a device that logged in before is never locked out by others' failures."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import pytest

from node import clock
from node.http_state import EntraideApp
from node.models import Member
from tests.factories import PASSWORDS
from tests.node.api.test_auth import FAST, PASSWORD
from tests.web.conftest import csrf_of

_addresses = count()


@pytest.fixture(autouse=True)
def _database(app: EntraideApp) -> Iterator[None]:
    with app.node.db.activate():
        yield


@pytest.fixture
async def owner(make_member: Any) -> Member:
    member, _ = await make_member()
    member.password_hash = FAST.hash(PASSWORD)
    await member.save(update_fields=["password_hash"])
    return member  # type: ignore[no-any-return]


async def _token(client: Any, phone: str, password: str, device: str | None = None) -> Any:
    n = next(_addresses)  # each attempt from another address: the per-minute limits stay out
    body = {"phone": phone, "password": password} | ({"device": device} if device else {})
    return await client.post(
        "/api/v1/auth/token", json=body, scope_base={"client": (f"10.3.{n // 250}.{n % 250}", 1)}
    )


async def _fail(client: Any, phone: str, times: int) -> list[int]:
    return [(await _token(client, phone, "wrong guess")).status_code for _ in range(times)]


@pytest.mark.parametrize("known_number", [True, False], ids=["account", "no-account"])
async def test_five_failures_hold_the_number_for_15_minutes(
    app: EntraideApp, client: Any, owner: Member, known_number: bool
) -> None:
    phone = owner.phone if known_number else "+33698765432"
    assert await _fail(client, phone, 6) == [401] * 5 + [429]
    response = await _token(client, phone, PASSWORD)
    body = await response.get_json()
    assert response.status_code == 429  # the right password waits too, without a known device
    assert 1 <= int(response.headers["Retry-After"]) <= 15 * 60
    assert "Too many failed log-ins with this number" in body["detail"]
    app.node.clock.advance(timedelta(minutes=15))
    assert (await _token(client, phone, PASSWORD)).status_code == (200 if known_number else 401)


async def test_ten_an_hour_and_twenty_a_day(app: EntraideApp, client: Any, owner: Member) -> None:
    now = clock.now()
    midnight = datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)
    app.node.clock.advance(
        midnight - now + timedelta(minutes=1)
    )  # the day's window, from its start
    statuses = await _fail(client, owner.phone, 5)
    app.node.clock.advance(timedelta(minutes=15))
    statuses += await _fail(client, owner.phone, 6)
    assert statuses == [401] * 10 + [429]  # 10 in the hour
    for _ in range(2):
        app.node.clock.advance(timedelta(hours=1))
        statuses += await _fail(client, owner.phone, 5)
    assert statuses[11:] == [401] * 10
    response = await _token(client, owner.phone, PASSWORD)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 3600
    app.node.clock.advance(timedelta(days=1))
    assert (await _token(client, owner.phone, PASSWORD)).status_code == 200


async def test_a_known_device_is_not_locked_out_by_others(client: Any, owner: Member) -> None:
    first = await _token(client, owner.phone, PASSWORD)
    device = (await first.get_json())["device"]
    assert await _fail(client, owner.phone, 6) == [401] * 5 + [429]
    assert (await _token(client, owner.phone, PASSWORD, device)).status_code == 200
    assert (await _token(client, owner.phone, "wrong guess", device)).status_code == 401
    assert (await _token(client, owner.phone, PASSWORD)).status_code == 429


async def test_a_device_token_of_another_account_does_not_help(
    client: Any, owner: Member, make_member: Any
) -> None:
    other, _ = await make_member()
    await Member.filter(id=other.id).update(password_hash=FAST.hash(PASSWORD))
    device = (await (await _token(client, other.phone, PASSWORD)).get_json())["device"]
    await _fail(client, owner.phone, 5)
    for forged in (device, "abc.def", "a.b.c"):
        assert (await _token(client, owner.phone, PASSWORD, forged)).status_code == 429
    assert (await _token(client, owner.phone, PASSWORD, "x" * 201)).status_code == 422


async def test_web_log_in_remembers_the_device(app: EntraideApp, owner: Member) -> None:
    await Member.filter(id=owner.id).update(password_hash=await PASSWORDS.hash("un mot de passe"))
    browser, stranger = app.test_client(), app.test_client()

    async def web_log_in(client: Any, password: str) -> Any:
        token = await csrf_of(client, "/login")
        return await client.post(
            "/login", form={"csrf_token": token, "phone": owner.phone, "password": password}
        )

    response = await web_log_in(browser, "un mot de passe")
    assert response.status_code == 303
    cookie = response.headers.get_all("Set-Cookie")
    assert any(c.startswith("device=") and "HttpOnly" in c for c in cookie), cookie
    await _fail(app.test_client(), owner.phone, 5)
    assert (await web_log_in(stranger, "un mot de passe")).status_code == 429
    assert (await web_log_in(browser, "un mot de passe")).status_code == 303


async def test_a_password_reset_lifts_the_hold(client: Any, owner: Member, sms_outbox: Any) -> None:
    """Someone guessed until the number was held; its owner resets the password by SMS and logs
    in at once with the new one, from a device that never logged in before."""
    assert owner.phone is not None
    assert await _fail(client, owner.phone, 6) == [401] * 5 + [429]
    assert (await client.post("/api/v1/auth/reset", json={"phone": owner.phone})).status_code == 202
    (sms,) = sms_outbox()
    code = re.findall(r"\b\d{6}\b", sms["body"])[0]
    body = {"phone": owner.phone, "code": code, "password": "un tout nouveau mot de passe"}
    assert (await client.post("/api/v1/auth/reset/confirm", json=body)).status_code == 200
    assert (await _token(client, owner.phone, "un tout nouveau mot de passe")).status_code == 200
