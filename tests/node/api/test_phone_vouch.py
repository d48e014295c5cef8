"""A lost phone changed through an association that knows the person: a coordinator vouches,
the code goes to the new number, the account moves once the coordinator types it; every
session and token ends and the member's email is told. The same answer for a number with or
without an account, and every refusal."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from node import clock
from node.http_state import EntraideApp
from node.models import (
    Association,
    AssociationMembership,
    AssociationRole,
    AssociationStatus,
    Member,
    PhoneChange,
)
from tests.factories import make_association, make_member

NEW = "+33698001122"


@dataclass
class Desk:
    association: Association
    coordinator: dict[str, str]
    coordinator_member: Member
    member: Member
    member_headers: dict[str, str]

    @property
    def url(self) -> str:
        return f"/api/v1/associations/{self.association.id}/phone-changes"


@pytest.fixture
async def desk(app: EntraideApp) -> Desk:
    coordinator, coordinator_headers = await make_member(app, pseudonym="Nadia")
    lost, lost_headers = await make_member(app, pseudonym="Samir", email="samir@example.org")
    with app.node.db.activate():
        await Member.filter(id=lost.id).update(email_verified_at=clock.now())
    association = await make_association(
        app,
        {coordinator: AssociationRole.COORDINATOR, lost: AssociationRole.VOLUNTEER},
        name="La Halte",
    )
    return Desk(association, coordinator_headers, coordinator, lost, lost_headers)


def _code(sms: dict[str, Any]) -> str:
    match = re.search(r"\b(\d{6})\b", sms["body"])
    assert match, sms
    return match.group(1)


async def _vouch(client: Any, desk: Desk, phone: str = NEW, headers: Any = None) -> Any:
    body = {"member_id": str(desk.member.id), "new_phone": phone}
    return await client.post(desk.url, json=body, headers=headers or desk.coordinator)


async def test_the_account_moves_once_the_code_is_typed(
    app: EntraideApp, client: Any, desk: Desk, sms_outbox: Any, mail_outbox: Any
) -> None:
    response = await _vouch(client, desk, "06 98 00 11 22")
    assert response.status_code == 202, await response.get_json()
    answer = await response.get_json()
    assert answer["status"] == "code_sent"
    (sms,) = sms_outbox()
    assert sms["to"] == NEW and "La Halte" in sms["body"]
    url = f"{desk.url}/{answer['id']}/confirm"
    wrong = await client.post(url, json={"code": "000000"}, headers=desk.coordinator)
    assert wrong.status_code == 400
    done = await client.post(url, json={"code": _code(sms)}, headers=desk.coordinator)
    assert done.status_code == 200, await done.get_json()
    assert (await done.get_json())["status"] == "changed"
    with app.node.db.activate():
        moved = await Member.get(id=desk.member.id)
        row = await PhoneChange.get(id=answer["id"])
    assert moved.phone == NEW and moved.phone_verified_at is not None
    assert row.vouched_by_id == desk.coordinator_member.id and row.done_at is not None  # type: ignore[attr-defined]
    # Every session and token of the account ended; the member's mailbox is told who did it.
    assert (await client.get("/api/v1/me", headers=desk.member_headers)).status_code == 401
    (mail,) = mail_outbox()
    assert (
        mail["to"] == "samir@example.org" and "Nadia" in mail["body"] and "La Halte" in mail["body"]
    )
    # The code is used up.
    assert (
        await client.post(url, json={"code": _code(sms)}, headers=desk.coordinator)
    ).status_code == 400


async def test_the_same_answer_for_a_number_that_has_an_account(
    app: EntraideApp, client: Any, desk: Desk, sms_outbox: Any
) -> None:
    other, _ = await make_member(app, phone="+33698009999")
    free = await _vouch(client, desk, NEW)
    taken = await _vouch(client, desk, "+33698009999")
    assert free.status_code == taken.status_code == 202
    a, b = await free.get_json(), await taken.get_json()
    assert set(a) == set(b) and a["status"] == b["status"]
    assert dict(free.headers).keys() == dict(taken.headers).keys()
    assert [s["to"] for s in sms_outbox()] == [NEW]  # nothing is texted to someone else's phone
    url = f"{desk.url}/{b['id']}/confirm"
    for code in ("123456", "654321"):
        response = await client.post(url, json={"code": code}, headers=desk.coordinator)
        assert response.status_code == 400  # like any wrong code
    with app.node.db.activate():
        assert (await Member.get(id=other.id)).phone == "+33698009999"
        assert (await Member.get(id=desk.member.id)).phone == desk.member.phone


async def test_only_a_coordinator_of_the_members_association(
    app: EntraideApp, client: Any, desk: Desk
) -> None:
    volunteer, volunteer_headers = await make_member(app)
    outsider, outsider_headers = await make_member(app)
    _, admin_headers = await make_member(app, admin=True)
    other_coordinator, other_headers = await make_member(app)
    await make_association(app, {other_coordinator: AssociationRole.COORDINATOR}, name="Ailleurs")
    with app.node.db.activate():
        await AssociationMembership.create(
            association=desk.association, member=volunteer, role=AssociationRole.VOLUNTEER
        )
    assert (await _vouch(client, desk, headers={"X": "y"})).status_code == 401
    for headers in (volunteer_headers, outsider_headers, admin_headers, other_headers):
        assert (await _vouch(client, desk, headers=headers)).status_code == 403
    # Not a member of this association, or a coordinator vouching for themselves.
    stranger_body = {"member_id": str(outsider.id), "new_phone": NEW}
    assert (
        await client.post(desk.url, json=stranger_body, headers=desk.coordinator)
    ).status_code == 404
    self_body = {"member_id": str(desk.coordinator_member.id), "new_phone": NEW}
    assert (
        await client.post(desk.url, json=self_body, headers=desk.coordinator)
    ).status_code == 403
    unknown = "/api/v1/associations/00000000-0000-0000-0000-000000000000/phone-changes"
    body = {"member_id": str(desk.member.id), "new_phone": NEW}
    assert (await client.post(unknown, json=body, headers=desk.coordinator)).status_code == 404
    # Confirming: another association's coordinator, an unknown change.
    row = await (await _vouch(client, desk)).get_json()
    url = f"{desk.url}/{row['id']}/confirm"
    assert (
        await client.post(url, json={"code": "123456"}, headers=other_headers)
    ).status_code == 403
    assert (await client.post(url, json={"code": "123456"})).status_code == 401
    missing = f"{desk.url}/999999/confirm"
    assert (
        await client.post(missing, json={"code": "123456"}, headers=desk.coordinator)
    ).status_code == 404


async def test_bad_input_and_an_association_not_approved(
    app: EntraideApp, client: Any, desk: Desk
) -> None:
    for body in (
        {"member_id": str(desk.member.id), "new_phone": "12"},
        {"member_id": "pas un id", "new_phone": NEW},
        {"member_id": str(desk.member.id)},
        {"member_id": str(desk.member.id), "new_phone": NEW, "extra": 1},
    ):
        assert (await client.post(desk.url, json=body, headers=desk.coordinator)).status_code in (
            400,
            422,
        )
    row = await (await _vouch(client, desk)).get_json()
    url = f"{desk.url}/{row['id']}/confirm"
    assert (await client.post(url, json={"code": "12"}, headers=desk.coordinator)).status_code in (
        400,
        422,
    )
    with app.node.db.activate():
        await Association.filter(id=desk.association.id).update(status=AssociationStatus.PENDING)
    assert (await _vouch(client, desk)).status_code == 409


async def test_a_code_dies_after_five_tries_and_thirty_minutes(
    app: EntraideApp, client: Any, desk: Desk, sms_outbox: Any
) -> None:
    row = await (await _vouch(client, desk)).get_json()
    url = f"{desk.url}/{row['id']}/confirm"
    code = _code(sms_outbox()[-1])
    for _ in range(5):
        await client.post(url, json={"code": "000000"}, headers=desk.coordinator)
    assert (
        await client.post(url, json={"code": code}, headers=desk.coordinator)
    ).status_code == 400
    row = await (await _vouch(client, desk, "+33698001133")).get_json()
    code = _code(sms_outbox()[-1])
    app.node.clock.advance(timedelta(minutes=31))
    url = f"{desk.url}/{row['id']}/confirm"
    assert (
        await client.post(url, json={"code": code}, headers=desk.coordinator)
    ).status_code == 400


async def test_ten_vouches_a_day_per_coordinator(app: EntraideApp, client: Any, desk: Desk) -> None:
    statuses = [(await _vouch(client, desk, f"+336980020{n:02d}")).status_code for n in range(11)]
    assert statuses == [202] * 10 + [429]
    response = await _vouch(client, desk, "+33698003000")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
