"""Sign-up never tells who has an account, and a number cannot be squatted: the answer is the
same for a free, a verified or a pending number; the number's owner is told by SMS; an
unverified sign-up holds its number for 24 hours at most and never against the real owner."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest

from node import clock
from node.http_state import EntraideApp
from node.models import Association, Member, MemberKind
from node.services.members import purge_unverified_sign_ups
from tests.node.services.test_members import PHONE, last_code, sign_up, verify

Outbox = Callable[[], list[dict[str, Any]]]


@pytest.fixture(autouse=True)
def _database(app: EntraideApp) -> Iterator[None]:
    with app.node.db.activate():
        yield


def _comparable(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in ("id", "created_at")}


async def _log_in(client: Any, password: str, phone: str = PHONE) -> int:
    response = await client.post("/api/v1/auth/token", json={"phone": phone, "password": password})
    return int(response.status_code)


async def test_sign_up_of_a_verified_number_answers_the_same_and_tells_its_owner(
    client: Any, sms_outbox: Outbox
) -> None:
    response = await sign_up(client)
    assert (await verify(client, last_code(sms_outbox))).status_code == 200
    owner = await Member.get(phone=PHONE)
    again = await sign_up(client, email="someone@example.org", password="another password")
    assert again.status_code == 201
    assert _comparable(await again.get_json()) == _comparable(
        {**(await response.get_json()), "email": "someone@example.org"}
    )
    assert (await again.get_json())["id"] != str(owner.id)
    assert await Member.filter(phone=PHONE).count() == 1
    assert not await Member.exists(email="someone@example.org")
    assert sms_outbox()[-1]["to"] == PHONE and "déjà un compte" in sms_outbox()[-1]["body"]
    assert await _log_in(client, "another password") == 401
    assert await _log_in(client, "correct horse") == 200


async def test_a_squatter_cannot_keep_the_owner_out_nor_get_the_owners_code(
    client: Any, sms_outbox: Outbox
) -> None:
    squatter = await sign_up(client, email="squatter@example.org", password="squatter's pass")
    assert squatter.status_code == 201
    squatter_code = last_code(sms_outbox)  # texted to the owner's phone, not to the squatter

    owner = await sign_up(client, email="owner@example.org", password="owner password")
    assert owner.status_code == 201
    assert not await Member.exists(phone=PHONE)  # contested: nobody holds the number now
    assert "n'a pas abouti" in sms_outbox()[-1]["body"]
    assert (await verify(client, squatter_code)).status_code == 400

    assert (
        await sign_up(client, email="owner@example.org", password="owner password")
    ).status_code == 201
    assert (await verify(client, last_code(sms_outbox))).status_code == 200
    member = await Member.get(phone=PHONE)
    assert member.email == "owner@example.org" and member.is_verified
    assert await _log_in(client, "owner password") == 200
    assert await _log_in(client, "squatter's pass") == 401


async def test_a_squatted_address_is_freed_for_its_owner(client: Any, sms_outbox: Outbox) -> None:
    await sign_up(client, phone="0698765430", email="alice@example.org")
    await sign_up(client, phone="0698765431", email="alice@example.org")
    assert not await Member.exists(email="alice@example.org")
    assert (await sign_up(client, phone="0698765431", email="alice@example.org")).status_code == 201
    assert await Member.exists(email="alice@example.org", phone="+33698765431")


async def test_the_address_of_a_verified_account_creates_nothing(
    client: Any, sms_outbox: Outbox, make_member: Any
) -> None:
    member, _ = await make_member(verified=True)
    response = await sign_up(client, email=member.email)
    assert response.status_code == 201
    assert not await Member.exists(phone=PHONE)
    assert sms_outbox()[-1]["to"] == PHONE and "n'a pas abouti" in sms_outbox()[-1]["body"]


async def test_unverified_sign_ups_expire_after_24_hours(
    app: EntraideApp, client: Any, sms_outbox: Outbox
) -> None:
    await sign_up(client, email="squatter@example.org")
    code = last_code(sms_outbox)
    app.node.clock.advance(timedelta(hours=24, minutes=1))
    assert (await verify(client, code)).status_code == 400  # the sign-up is over
    response = await sign_up(client, email="owner@example.org", password="owner password")
    assert response.status_code == 201
    member = await Member.get(phone=PHONE)
    assert member.email == "owner@example.org"
    assert re.search(r"code est \d{6}", sms_outbox()[-1]["body"])
    assert (await verify(client, last_code(sms_outbox))).status_code == 200


async def test_the_purge_job_keeps_verified_members_admins_and_proxy_profiles(
    app: EntraideApp, client: Any, make_member: Any
) -> None:
    verified, _ = await make_member(verified=True)
    admin, _ = await make_member(verified=False, admin=True)
    pending, _ = await make_member(verified=False)
    association = await Association.create(name="Asso", slug="asso")
    proxy = await Member.create(
        pseudonym="Jo", kind=MemberKind.PERSON_IN_NEED, managed_by=association
    )
    young = await sign_up(client)
    await Member.filter(id__in=[verified.id, admin.id, pending.id, proxy.id]).update(
        created_at=clock.now() - timedelta(days=2)
    )
    await purge_unverified_sign_ups()
    assert not await Member.exists(id=pending.id)
    assert await Member.exists(id=verified.id), "verified"
    assert await Member.exists(id=admin.id), "admin"
    assert await Member.exists(id=proxy.id), "proxy"
    assert await Member.exists(id=(await young.get_json())["id"])


async def test_web_sign_up_of_a_taken_number_looks_like_any_other(
    app: EntraideApp, client: Any, sms_outbox: Outbox, make_member: Any
) -> None:
    from tests.web.conftest import csrf_of

    member, _ = await make_member(verified=True)
    pages = []
    for phone in (member.phone, "0698765439"):
        token = await csrf_of(client, "/signup")
        response = await client.post(
            "/signup",
            form={
                "csrf_token": token,
                "phone": phone,
                "email": f"x{phone[-2:]}@example.org",
                "password": "un mot de passe",
                "password_again": "un mot de passe",
                "kind": "resident",
                "accept_charter": "yes",
            },
        )
        pages.append((response.status_code, response.headers.get("Location")))
    assert pages[0] == pages[1] == (303, "/verify")
