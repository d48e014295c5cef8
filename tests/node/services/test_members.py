"""Members: sign-up, phone verification by SMS code, the email link, rate limits."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from node.http_state import EntraideApp
from node.models import EmailVerification, Member, PhoneVerification
from node.services import ratelimit
from tests.conftest import read_jsonl

Outbox = Callable[[], list[dict[str, Any]]]
PHONE = "+33612345678"


def signup_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "phone": "06 12 34 56 78",
        "email": "Alice@Example.org",
        "password": "correct horse",
        "pseudonym": "Alice",
        "kind": "resident",
        "accept_charter": True,
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def last_code(outbox: Outbox) -> str:
    match = re.search(r"\b(\d{6})\b", outbox()[-1]["body"])
    assert match
    return match.group(1)


def link_token(mail_body: str) -> str:
    match = re.search(r"(http\S+/api/v1/members/verify-email\?token=\S+)", mail_body)
    assert match, mail_body
    return parse_qs(urlsplit(match.group(1)).query)["token"][0]


async def sign_up(client: Any, **overrides: Any) -> Any:
    return await client.post("/api/v1/members", json=signup_body(**overrides))


async def verify(client: Any, code: str, phone: str = PHONE) -> Any:
    return await client.post("/api/v1/members/verify", json={"phone": phone, "code": code})


async def test_sign_up_verify_and_log_in(
    client: Any, sms_outbox: Outbox, mail_outbox: Outbox
) -> None:
    response = await sign_up(client)
    body = await response.get_json()
    assert response.status_code == 201, body
    assert body["phone"] == PHONE
    assert body["email"] == "alice@example.org"
    assert body["pseudonym"] == "Alice"
    assert body["phone_verified"] is False and body["email_verified"] is False
    assert "password" not in str(body)
    sms = sms_outbox()
    assert len(sms) == 1 and sms[0]["to"] == PHONE
    assert re.fullmatch(r"Entraide : votre code est \d{6}\. .*", sms[0]["body"])
    mails = mail_outbox()
    assert len(mails) == 1 and mails[0]["to"] == "alice@example.org"
    assert "http://node.test/api/v1/members/verify-email?token=" in mails[0]["body"]

    response = await verify(client, last_code(sms_outbox), phone="+33 6 12 34 56 78")
    assert response.status_code == 200, await response.get_json()
    assert (await response.get_json())["phone_verified"] is True

    response = await client.post(
        "/api/v1/auth/token", json={"phone": "0612345678", "password": "correct horse"}
    )
    body = await response.get_json()
    assert response.status_code == 200, body
    assert body["token_type"] == "bearer"
    response = await client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    me = await response.get_json()
    assert response.status_code == 200, me
    assert me["phone_verified"] is True
    assert [t["current"] for t in me["tokens"]] == [True]


async def test_code_is_stored_hashed(app: EntraideApp, client: Any, sms_outbox: Outbox) -> None:
    await sign_up(client)
    code = last_code(sms_outbox)
    with app.node.db.activate():
        row = await PhoneVerification.get()
    assert code not in row.code_hash and len(row.code_hash) == 64


async def test_pseudonym_and_kind_are_optional(client: Any) -> None:
    response = await sign_up(client, pseudonym=None, kind=None)
    body = await response.get_json()
    assert response.status_code == 201, body
    assert body["pseudonym"] is None and body["kind"] == "resident"


@pytest.mark.parametrize("kind", ["association", "person_in_need"])
async def test_every_kind_can_sign_up(client: Any, kind: str) -> None:
    response = await sign_up(client, kind=kind)
    assert response.status_code == 201
    assert (await response.get_json())["kind"] == kind


@pytest.mark.parametrize(
    "overrides",
    [
        {"phone": "+33 6 12 34 56 78", "email": "other@example.org"},
        {"phone": "0698765432", "email": "ALICE@example.org"},
    ],
)
async def test_sign_up_with_a_taken_number_or_address_answers_like_a_new_one(
    client: Any, make_member: Any, overrides: dict[str, Any]
) -> None:
    """No enumeration: the answer to a taken number or address is a 201 like any other."""
    first = await sign_up(client)
    assert first.status_code == 201
    await verify(client, "000000")  # (wrong: the account stays as it is)
    response = await sign_up(client, **overrides)
    body = await response.get_json()
    assert response.status_code == 201, body
    fresh = await sign_up(client, phone="0698765433", email="fresh@example.org")
    assert set(body) == set(await fresh.get_json())


async def test_wrong_code_counts_attempts_then_kills_the_code(
    app: EntraideApp, client: Any, sms_outbox: Outbox
) -> None:
    await sign_up(client)
    code = last_code(sms_outbox)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for remaining in (4, 3, 2, 1):
        response = await verify(client, wrong)
        body = await response.get_json()
        assert response.status_code == 400, body
        assert body["remaining_attempts"] == remaining
    response = await verify(client, wrong)
    assert (await response.get_json())["remaining_attempts"] == 0
    # The right code no longer works either.
    response = await verify(client, code)
    body = await response.get_json()
    assert response.status_code == 400 and body["remaining_attempts"] == 0
    with app.node.db.activate():
        assert (await Member.get(phone=PHONE)).phone_verified_at is None


async def test_right_code_on_the_fifth_attempt_works(client: Any, sms_outbox: Outbox) -> None:
    await sign_up(client)
    code = last_code(sms_outbox)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(4):
        await verify(client, wrong)
    assert (await verify(client, code)).status_code == 200


async def test_code_expires_after_ten_minutes(
    app: EntraideApp, client: Any, sms_outbox: Outbox
) -> None:
    await sign_up(client)
    code = last_code(sms_outbox)
    app.node.clock.advance(timedelta(minutes=11))
    response = await verify(client, code)
    body = await response.get_json()
    assert response.status_code == 400
    assert "expired" in body["detail"]


async def test_code_works_once(client: Any, sms_outbox: Outbox) -> None:
    await sign_up(client)
    code = last_code(sms_outbox)
    assert (await verify(client, code)).status_code == 200
    assert (await verify(client, code)).status_code == 400


async def test_resend_invalidates_older_codes(client: Any, sms_outbox: Outbox) -> None:
    await sign_up(client)
    first = last_code(sms_outbox)
    response = await client.post("/api/v1/members/verify/resend", json={"phone": "0612345678"})
    assert response.status_code == 202
    assert len(sms_outbox()) == 2
    second = last_code(sms_outbox)
    if first != second:
        assert (await verify(client, first)).status_code == 400
    assert (await verify(client, second)).status_code == 200


async def test_resend_answers_the_same_for_unknown_and_verified_numbers(
    client: Any, sms_outbox: Outbox, make_member: Any
) -> None:
    member, _ = await make_member(verified=True)
    for phone in ("0698765432", member.phone):
        response = await client.post("/api/v1/members/verify/resend", json={"phone": phone})
        assert response.status_code == 202
    assert sms_outbox() == []


async def test_verify_unknown_number_is_400(client: Any) -> None:
    response = await verify(client, "123456", phone="0698765432")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        {"phone": PHONE, "code": "12345"},
        {"phone": PHONE, "code": "abcdef"},
        {"phone": PHONE, "code": 123456},
        {"phone": PHONE},
        {"phone": "12", "code": "123456"},
        {"phone": PHONE, "code": "123456", "extra": 1},
    ],
)
async def test_verify_rejects_malformed_input(client: Any, body: dict[str, Any]) -> None:
    assert (await client.post("/api/v1/members/verify", json=body)).status_code == 422


async def test_verify_and_resend_malformed_json(client: Any) -> None:
    for path in ("/api/v1/members/verify", "/api/v1/members/verify/resend"):
        response = await client.post(path, data=b"{", headers={"Content-Type": "application/json"})
        assert response.status_code == 400
    response = await client.post("/api/v1/members/verify/resend", json={"phone": "x", "a": 1})
    assert response.status_code == 422


# --- email ---------------------------------------------------------------------------------------


async def test_email_link_verifies_the_address(
    app: EntraideApp, client: Any, mail_outbox: Outbox
) -> None:
    await sign_up(client)
    token = link_token(mail_outbox()[-1]["body"])
    response = await client.get("/api/v1/members/verify-email", query_string={"token": token})
    body = await response.get_json()
    assert response.status_code == 200, body
    assert body["email_verified"] is True
    with app.node.db.activate():
        assert (await Member.get(phone=PHONE)).email_verified_at is not None


async def test_email_link_is_opaque_stored_hashed_and_works_once(
    app: EntraideApp, client: Any, mail_outbox: Outbox
) -> None:
    """The link says nothing about the member or the address (it ends up in access logs, mail
    servers and browser histories): a random token whose SHA-256 alone is stored."""
    await sign_up(client)
    token = link_token(mail_outbox()[-1]["body"])
    padded = token + "=" * (-len(token) % 4)
    for part in [token, *token.split(".")]:
        decoded = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)) if part else b""
        assert b"alice" not in decoded.lower() and b"example.org" not in decoded.lower()
    assert "alice" not in padded.lower()
    with app.node.db.activate():
        member = await Member.get(phone=PHONE)
        rows = await EmailVerification.filter(member_id=member.id)
        assert [row.token_hash for row in rows] == [hashlib.sha256(token.encode()).hexdigest()]
    query = {"token": token}
    assert (await client.get("/api/v1/members/verify-email", query_string=query)).status_code == 200
    again = await client.get("/api/v1/members/verify-email", query_string=query)
    assert again.status_code == 400
    assert "no longer valid" in (await again.get_json())["detail"]


async def test_email_link_expires_after_48_hours(
    app: EntraideApp, client: Any, mail_outbox: Outbox
) -> None:
    await sign_up(client)
    token = link_token(mail_outbox()[-1]["body"])
    app.node.clock.advance(timedelta(hours=49))
    response = await client.get("/api/v1/members/verify-email", query_string={"token": token})
    assert response.status_code == 400
    assert "expired" in (await response.get_json())["detail"]


@pytest.mark.parametrize("token", ["garbage", "eyJtIjoiMSJ9.abc.def"])
async def test_email_link_with_bad_token_is_400(client: Any, token: str) -> None:
    response = await client.get("/api/v1/members/verify-email", query_string={"token": token})
    assert response.status_code == 400


async def test_email_link_without_token_is_422(client: Any) -> None:
    assert (await client.get("/api/v1/members/verify-email")).status_code == 422


async def test_email_token_of_another_node_is_rejected(
    client: Any, mail_outbox: Outbox, node_factory: Any
) -> None:
    other = await node_factory("other", secret_key="another-secret-key-0123456789")
    await sign_up(other.test_client())
    path = Path(other.node.settings.mail_backend[len("file:") :])
    token = link_token(read_jsonl(path)[-1]["body"])
    response = await client.get("/api/v1/members/verify-email", query_string={"token": token})
    assert response.status_code == 400


# --- rate limits -------------------------------------------------------------------------------


async def test_sign_up_is_rate_limited_per_ip(node_factory: Any) -> None:
    limited = await node_factory("limited", rate_limit_per_minute=2)
    client = limited.test_client()
    statuses = []
    for n in range(3):
        response = await sign_up(client, phone=f"06987654{n:02d}", email=f"m{n}@example.org")
        statuses.append(response.status_code)
    assert statuses == [201, 201, 429]
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    # Even a malformed request counts, and is refused first.
    response = await client.post("/api/v1/members", json={})
    assert response.status_code == 429
    limited.node.clock.advance(timedelta(seconds=61))
    response = await sign_up(client, phone="0698765499", email="late@example.org")
    assert response.status_code == 201


async def test_verify_is_rate_limited_per_phone(node_factory: Any) -> None:
    limited = await node_factory("limited", rate_limit_per_minute=3)
    client = limited.test_client()
    await sign_up(client)
    statuses = []
    for n in range(4):
        response = await client.post(
            "/api/v1/members/verify",
            json={"phone": PHONE, "code": "000000"},
            scope_base={"client": (f"10.0.0.{n}", 40000)},
        )
        statuses.append(response.status_code)
    # Each request came from another address: only the per-phone counter can refuse the 4th.
    assert statuses == [400, 400, 400, 429]
    assert "Retry-After" in response.headers


async def test_resend_is_rate_limited(node_factory: Any) -> None:
    limited = await node_factory("limited", rate_limit_per_minute=2)
    client = limited.test_client()
    statuses = []
    for _ in range(3):
        response = await client.post("/api/v1/members/verify/resend", json={"phone": PHONE})
        statuses.append(response.status_code)
    assert statuses == [202, 202, 429]


async def test_rate_counter_increments_atomically(app: EntraideApp) -> None:

    with app.node.db.activate():
        results = await asyncio.gather(*(ratelimit.hit("k") for _ in range(20)))
    assert sorted(count for count, _ in results) == list(range(1, 21))
