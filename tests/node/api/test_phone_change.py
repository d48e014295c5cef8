"""A lost phone: the account's verified email and a code to the new number move it after a
waiting period (the node's clock), the old number is told and can cancel; the same answer for
any address or number."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from node import clock
from node.http_state import EntraideApp
from node.models import Member
from node.services.phone_change import apply_due_changes

ASK = "/api/v1/auth/phone-change"
CONFIRM = "/api/v1/auth/phone-change/confirm"
CANCEL = "/api/v1/auth/phone-change/cancel"
NEW = "+33698765400"


@pytest.fixture
async def lea(app: EntraideApp, make_member: Any) -> tuple[Member, dict[str, str]]:
    member, headers = await make_member(pseudonym="Léa")
    with app.node.db.activate():
        await Member.filter(id=member.id).update(email_verified_at=clock.now())
    return member, headers


def _token(mail: dict[str, Any]) -> str:
    match = re.search(r"(http\S+/phone/change\?token=\S+)", mail["body"])
    assert match, mail
    return parse_qs(urlsplit(match.group(1)).query)["token"][0]


def _code(sms: dict[str, Any], digits: int = 6) -> str:
    match = re.search(rf"\b(\d{{{digits}}})\b", sms["body"])
    assert match, sms
    return match.group(1)


async def _apply(app: EntraideApp) -> int:
    with app.node.db.activate():
        return await apply_due_changes()


async def _confirm(client: Any, member: Member, sms_outbox: Any, mail_outbox: Any) -> Any:
    assert (
        await client.post(ASK, json={"email": member.email, "new_phone": NEW})
    ).status_code == 202
    (sms,) = [s for s in sms_outbox() if s["to"] == NEW]
    return await client.post(CONFIRM, json={"token": _token(mail_outbox()[-1]), "code": _code(sms)})


async def test_the_change_waits_then_moves_the_account(
    app: EntraideApp, client: Any, lea: Any, sms_outbox: Any, mail_outbox: Any
) -> None:
    member, headers = lea
    response = await _confirm(client, member, sms_outbox, mail_outbox)
    assert response.status_code == 202
    # The old number is told at once, with a way to cancel.
    told = [s for s in sms_outbox() if s["to"] == member.phone]
    assert len(told) == 1 and "annulez" in told[0]["body"]
    # Not before the delay (72 hours by default).
    app.node.clock.advance(timedelta(hours=71))
    assert await _apply(app) == 0
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    app.node.clock.advance(timedelta(hours=2))
    assert await _apply(app) == 1
    with app.node.db.activate():
        moved = await Member.get(id=member.id)
    assert moved.phone == NEW and moved.phone_verified_at is not None
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401  # all tokens end
    assert await _apply(app) == 0  # once


async def test_the_old_number_cancels(
    app: EntraideApp, client: Any, lea: Any, sms_outbox: Any, mail_outbox: Any
) -> None:
    member, _ = lea
    assert (await _confirm(client, member, sms_outbox, mail_outbox)).status_code == 202
    told = [s for s in sms_outbox() if s["to"] == member.phone][-1]
    code = _code(told, 12)
    assert (await client.post(CANCEL, json={"code": code})).status_code == 204
    assert (await client.post(CANCEL, json={"code": code})).status_code == 400
    app.node.clock.advance(timedelta(hours=73))
    assert await _apply(app) == 0
    with app.node.db.activate():
        assert (await Member.get(id=member.id)).phone == member.phone


async def test_the_answer_is_the_same_for_any_address_or_number(
    client: Any, lea: Any, make_member: Any, sms_outbox: Any, mail_outbox: Any
) -> None:
    member, _ = lea
    other, _ = await make_member()
    asks = [
        {"email": member.email, "new_phone": NEW},
        {"email": "personne@example.org", "new_phone": "+33698765401"},
        {"email": other.email, "new_phone": "+33698765402"},  # an address nobody proved
        {"email": member.email, "new_phone": other.phone},  # a number that has an account
    ]
    answers = []
    for ask in asks:
        response = await client.post(ASK, json=ask)
        answers.append((response.status_code, await response.get_data(as_text=True)))
    assert len(set(answers)) == 1 and answers[0][0] == 202
    assert [s["to"] for s in sms_outbox()] == [NEW]
    assert [m["to"] for m in mail_outbox()] == [member.email]


async def test_wrong_codes_and_links(
    app: EntraideApp, client: Any, lea: Any, sms_outbox: Any, mail_outbox: Any
) -> None:
    member, _ = lea
    await client.post(ASK, json={"email": member.email, "new_phone": NEW})
    token = _token(mail_outbox()[-1])
    code = _code(sms_outbox()[-1])
    wrong = "000000" if code != "000000" else "111111"
    assert (await client.post(CONFIRM, json={"token": "x" * 43, "code": code})).status_code == 400
    for _ in range(5):
        response = await client.post(CONFIRM, json={"token": token, "code": wrong})
        assert response.status_code == 400
    assert (await client.post(CONFIRM, json={"token": token, "code": code})).status_code == 400
    # A fresh request, confirmed too late.
    app.node.clock.advance(timedelta(minutes=16))
    await client.post(ASK, json={"email": member.email, "new_phone": NEW})
    token, code = _token(mail_outbox()[-1]), _code(sms_outbox()[-1])
    app.node.clock.advance(timedelta(minutes=61))
    assert (await client.post(CONFIRM, json={"token": token, "code": code})).status_code == 400


async def test_caps_and_bad_input(client: Any, lea: Any) -> None:
    member, _ = lea
    for _ in range(3):
        response = await client.post(ASK, json={"email": member.email, "new_phone": NEW})
        assert response.status_code == 202
    response = await client.post(ASK, json={"email": member.email, "new_phone": NEW})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    for body in (
        {"email": member.email},
        {"new_phone": NEW},
        {"email": "pas une adresse", "new_phone": NEW},
        {"email": member.email, "new_phone": "12"},
    ):
        assert (await client.post(ASK, json=body)).status_code == 422
    assert (await client.post(CONFIRM, json={"token": "x" * 43, "code": "12"})).status_code == 422
    assert (await client.post(CANCEL, json={"code": "123"})).status_code == 422
