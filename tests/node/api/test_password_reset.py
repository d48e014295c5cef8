"""A forgotten password: a code by SMS or a link by mail, the same answer for any number or
address, the caps, expiry with the node's clock, and every session and token ended."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from node import clock
from node.http_state import EntraideApp
from node.models import Member

RESET = "/api/v1/auth/reset"
CONFIRM = "/api/v1/auth/reset/confirm"
OLD = "l'ancien mot de passe"
NEW = "un tout nouveau mot de passe"


@pytest.fixture
async def lea(app: EntraideApp, make_member: Any) -> tuple[Member, dict[str, str]]:
    member, headers = await make_member(pseudonym="Léa", password=OLD)
    with app.node.db.activate():
        await Member.filter(id=member.id).update(email_verified_at=clock.now())
    return member, headers


def _code(sms: dict[str, Any]) -> str:
    match = re.search(r"\b(\d{6})\b", sms["body"])
    assert match, sms
    return match.group(1)


def _token(mail: dict[str, Any]) -> str:
    match = re.search(r"(http\S+/password/reset\?token=\S+)", mail["body"])
    assert match, mail
    return parse_qs(urlsplit(match.group(1)).query)["token"][0]


async def _log_in(client: Any, phone: str, password: str) -> int:
    response = await client.post("/api/v1/auth/token", json={"phone": phone, "password": password})
    return int(response.status_code)


async def test_reset_by_sms_ends_every_session(
    client: Any, lea: tuple[Member, dict[str, str]], sms_outbox: Any
) -> None:
    member, headers = lea
    assert member.phone is not None
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    response = await client.post(RESET, json={"phone": "0" + member.phone[3:]})
    assert response.status_code == 202
    (sms,) = sms_outbox()
    assert sms["to"] == member.phone and "mot de passe" in sms["body"]
    body = {"phone": member.phone, "code": _code(sms), "password": NEW}
    response = await client.post(CONFIRM, json=body)
    assert response.status_code == 200, await response.get_json()
    # The old token is dead, the old password too; the new one works.
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401
    assert await _log_in(client, member.phone, OLD) == 401
    assert await _log_in(client, member.phone, NEW) == 200
    # The code is used up.
    assert (await client.post(CONFIRM, json=body)).status_code == 400


async def test_reset_by_mail_link(
    client: Any, lea: tuple[Member, dict[str, str]], mail_outbox: Any
) -> None:
    member, headers = lea
    assert member.phone is not None and member.email is not None
    response = await client.post(RESET, json={"email": member.email.upper()})
    assert response.status_code == 202
    (mail,) = mail_outbox()
    assert mail["to"] == member.email
    token = _token(mail)
    response = await client.post(CONFIRM, json={"token": token, "password": NEW})
    assert response.status_code == 200
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401
    assert await _log_in(client, member.phone, NEW) == 200
    again = await client.post(CONFIRM, json={"token": token, "password": "encore un autre"})
    assert again.status_code == 400
    assert (await again.get_json())["errors"][0]["field"] == "token"


async def test_the_request_answers_the_same_for_any_number_or_address(
    app: EntraideApp,
    client: Any,
    lea: tuple[Member, dict[str, str]],
    make_member: Any,
    sms_outbox: Any,
    mail_outbox: Any,
) -> None:
    member, _ = lea
    unverified, _ = await make_member(verified=False)
    asks = [
        {"phone": member.phone},
        {"phone": "+33698765432"},  # no account
        {"phone": unverified.phone},  # an account whose number nobody proved
        {"email": member.email},
        {"email": "personne@example.org"},
        {"email": unverified.email},  # an address nobody proved
    ]
    answers = []
    for ask in asks:
        response = await client.post(RESET, json=ask)
        headers = sorted(k for k, _ in response.headers.items() if k.lower() != "date")
        answers.append((response.status_code, headers, await response.get_data(as_text=True)))
    assert len(set(map(repr, answers))) == 1
    assert answers[0][0] == 202
    # Only the owner of the account receives something.
    assert [sms["to"] for sms in sms_outbox()] == [member.phone]
    assert [mail["to"] for mail in mail_outbox()] == [member.email]


async def test_confirm_answers_the_same_for_an_unknown_number(
    client: Any, lea: tuple[Member, dict[str, str]]
) -> None:
    member, _ = lea
    answers = []
    for phone in (member.phone, "+33698765432"):  # no reset asked / no account
        response = await client.post(
            CONFIRM, json={"phone": phone, "code": "123456", "password": NEW}
        )
        answers.append((response.status_code, await response.get_json()))
    assert answers[0] == answers[1]
    assert answers[0][0] == 400


async def test_a_code_expires_and_dies_after_five_wrong_tries(
    app: EntraideApp, client: Any, lea: tuple[Member, dict[str, str]], sms_outbox: Any
) -> None:
    member, _ = lea
    await client.post(RESET, json={"phone": member.phone})
    code = _code(sms_outbox()[-1])
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1, 0):
        body = {"phone": member.phone, "code": wrong, "password": NEW}
        response = await client.post(CONFIRM, json=body)
        assert response.status_code == 400
        assert (await response.get_json())["remaining_attempts"] == left
    right = {"phone": member.phone, "code": code, "password": NEW}
    assert (await client.post(CONFIRM, json=right)).status_code == 400
    # A new code, too late.
    await client.post(RESET, json={"phone": member.phone})
    code = _code(sms_outbox()[-1])
    app.node.clock.advance(timedelta(minutes=16))
    right["code"] = code
    response = await client.post(CONFIRM, json=right)
    assert response.status_code == 400
    assert member.phone is not None
    assert await _log_in(client, member.phone, OLD) == 200


async def test_a_link_expires_after_an_hour(
    app: EntraideApp, client: Any, lea: tuple[Member, dict[str, str]], mail_outbox: Any
) -> None:
    member, _ = lea
    await client.post(RESET, json={"email": member.email})
    token = _token(mail_outbox()[-1])
    app.node.clock.advance(timedelta(minutes=61))
    response = await client.post(CONFIRM, json={"token": token, "password": NEW})
    assert response.status_code == 400


async def test_a_new_request_kills_the_older_code(
    client: Any, lea: tuple[Member, dict[str, str]], sms_outbox: Any
) -> None:
    member, _ = lea
    await client.post(RESET, json={"phone": member.phone})
    first = _code(sms_outbox()[-1])
    await client.post(RESET, json={"phone": member.phone})
    second = _code(sms_outbox()[-1])
    if first != second:
        body = {"phone": member.phone, "code": first, "password": NEW}
        assert (await client.post(CONFIRM, json=body)).status_code == 400
    body = {"phone": member.phone, "code": second, "password": NEW}
    assert (await client.post(CONFIRM, json=body)).status_code == 200


async def test_the_caps_hold_any_number_and_address(
    app: EntraideApp,
    client: Any,
    lea: tuple[Member, dict[str, str]],
    sms_outbox: Any,
    mail_outbox: Any,
) -> None:
    member, _ = lea
    for ask in ({"phone": member.phone}, {"phone": "+33698765432"}):
        for _ in range(3):
            assert (await client.post(RESET, json=ask)).status_code == 202
        response = await client.post(RESET, json=ask)
        assert response.status_code == 429
        assert int(response.headers["Retry-After"]) > 0
    app.node.clock.advance(timedelta(minutes=1))  # the client's per-minute limit starts again
    for ask in ({"email": member.email}, {"email": "personne@example.org"}):
        for _ in range(3):
            assert (await client.post(RESET, json=ask)).status_code == 202
        response = await client.post(RESET, json=ask)
        assert response.status_code == 429
        assert int(response.headers["Retry-After"]) > 0
    assert len(sms_outbox()) == 3 and len(mail_outbox()) == 3
    app.node.clock.advance(timedelta(minutes=15))
    assert (await client.post(RESET, json={"phone": member.phone})).status_code == 202
    assert len(sms_outbox()) == 4


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"phone": "0612345678", "email": "a@example.org"},
        {"phone": "12"},
        {"email": "pas une adresse"},
        {"phone": "0612345678", "x": 1},
    ],
)
async def test_bad_requests(client: Any, body: dict[str, Any]) -> None:
    assert (await client.post(RESET, json=body)).status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        {"phone": "0612345678", "code": "123456", "password": "court"},
        {"phone": "0612345678", "code": "12", "password": NEW},
        {"token": "pas un jeton!", "password": NEW},
        {"password": NEW},
        {"phone": "0612345678", "password": NEW},
        {"token": "x" * 300, "password": NEW},
    ],
)
async def test_bad_confirmations(client: Any, body: dict[str, Any]) -> None:
    assert (await client.post(CONFIRM, json=body)).status_code == 422


async def test_malformed_json(client: Any) -> None:
    headers = {"Content-Type": "application/json"}
    assert (await client.post(RESET, data=b"{", headers=headers)).status_code == 400
