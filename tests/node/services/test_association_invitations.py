"""Invitations to an association: nobody joins without saying yes, and inviting a number tells
the association nothing about it (account or not, kind of member)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest

from node import clock
from node.http_state import EntraideApp
from node.models import AssociationInvitation, AssociationMembership, AssociationRole, Member
from tests.factories import make_association

INVITATIONS = "/api/v1/me/invitations"


@pytest.fixture
async def space(app: EntraideApp, make_member: Any) -> dict[str, Any]:
    admin, headers = await make_member(pseudonym="Responsable")
    association = await make_association(app, {admin: AssociationRole.ADMIN}, name="La Cloche")
    return {
        "association": association,
        "url": f"/api/v1/associations/{association.id}/members",
        "admin": (admin, headers),
    }


def _code(sms: dict[str, Any]) -> str:
    match = re.search(r"\b(\d{6})\b", sms["body"])
    assert match, sms
    return match.group(1)


async def test_inviting_answers_the_same_for_every_number(
    app: EntraideApp, client: Any, space: dict[str, Any], make_member: Any, sms_outbox: Any
) -> None:
    resident, _ = await make_member(kind="resident")
    in_need, _ = await make_member(kind="person_in_need")
    unverified, _ = await make_member(kind="person_in_need", verified=False)
    unknown = "+33698765432"
    numbers = [resident.phone, in_need.phone, unverified.phone, unknown]
    answers = []
    for phone in numbers:
        response = await client.post(space["url"], json={"phone": phone}, headers=space["admin"][1])
        answers.append((response.status_code, dict(response.headers), await response.get_json()))
    for status, headers, body in answers:
        assert status == 202
        assert set(body) == {"status", "expires_at"} and body["status"] == "invited"
        text = repr(body) + repr(headers)
        for word in ("person_in_need", "resident", "kind", "account", "pseudonym"):
            assert word not in text
    # Same headers (but the date), same keys, and expiry a week ahead for every number.
    shapes = {tuple(sorted(k for k in h if k.lower() != "date")) for _, h, _ in answers}
    assert len(shapes) == 1
    expiries = [datetime.fromisoformat(body["expires_at"]) for _, _, body in answers]
    assert max(expiries) - min(expiries) < timedelta(seconds=5)
    assert expiries[0] - clock.now() > timedelta(days=6, hours=23)
    # The same work: one text to each number, each with the same words but the code.
    texts = sms_outbox()
    assert [sms["to"] for sms in texts] == numbers
    assert len({re.sub(r"\d{6}", "CODE", sms["body"]) for sms in texts}) == 1
    with app.node.db.activate():
        assert await AssociationInvitation.filter(phone__in=numbers).count() == 4
        # Nobody joined.
        assert (
            await AssociationMembership.filter(association_id=space["association"].id).count() == 1
        )


async def test_accept_on_my_page(
    app: EntraideApp, client: Any, space: dict[str, Any], make_member: Any
) -> None:
    person, headers = await make_member(pseudonym="Nadia")
    await client.post(
        space["url"], json={"phone": person.phone, "role": "coordinator"}, headers=space["admin"][1]
    )
    mine = (await (await client.get(INVITATIONS, headers=headers)).get_json())["items"]
    assert [(i["association_name"], i["role"]) for i in mine] == [("La Cloche", "coordinator")]
    # Another member cannot answer it, nor see it.
    _, other_headers = await make_member()
    assert (await (await client.get(INVITATIONS, headers=other_headers)).get_json())["items"] == []
    url = f"{INVITATIONS}/{mine[0]['id']}/accept"
    assert (await client.post(url, headers=other_headers)).status_code == 404
    assert (await client.post(url)).status_code == 401
    response = await client.post(url, headers=headers)
    assert response.status_code == 200
    assert (await response.get_json())["association_name"] == "La Cloche"
    with app.node.db.activate():
        row = await AssociationMembership.get(member_id=person.id)
        assert row.role == AssociationRole.COORDINATOR
    # Answered: not listed any more, and a second answer is refused.
    assert (await (await client.get(INVITATIONS, headers=headers)).get_json())["items"] == []
    assert (await client.post(url, headers=headers)).status_code == 409
    unknown = f"{INVITATIONS}/00000000-0000-0000-0000-000000000000/accept"
    assert (await client.post(unknown, headers=headers)).status_code == 404


async def test_decline(
    app: EntraideApp, client: Any, space: dict[str, Any], make_member: Any
) -> None:
    person, headers = await make_member()
    await client.post(space["url"], json={"phone": person.phone}, headers=space["admin"][1])
    (invitation,) = (await (await client.get(INVITATIONS, headers=headers)).get_json())["items"]
    response = await client.post(f"{INVITATIONS}/{invitation['id']}/decline", headers=headers)
    assert response.status_code == 204
    accept = await client.post(f"{INVITATIONS}/{invitation['id']}/accept", headers=headers)
    assert accept.status_code == 409
    with app.node.db.activate():
        assert not await AssociationMembership.exists(member_id=person.id)


async def test_accept_with_the_texted_code(
    app: EntraideApp, client: Any, space: dict[str, Any], make_member: Any, sms_outbox: Any
) -> None:
    person, headers = await make_member()
    assert (
        await client.post(f"{INVITATIONS}/accept", json={"code": "123456"}, headers=headers)
    ).status_code == 404
    await client.post(space["url"], json={"phone": person.phone}, headers=space["admin"][1])
    code = _code(sms_outbox()[-1])
    wrong = "000000" if code != "000000" else "111111"
    response = await client.post(f"{INVITATIONS}/accept", json={"code": wrong}, headers=headers)
    assert response.status_code == 422
    assert (await response.get_json())["errors"][0]["field"] == "code"
    for bad in ({"code": "12"}, {"code": "abcdef"}, {}, {"code": code, "x": 1}):
        response = await client.post(f"{INVITATIONS}/accept", json=bad, headers=headers)
        assert response.status_code == 422
    assert (await client.post(f"{INVITATIONS}/accept", json={"code": code})).status_code == 401
    # Someone else's account cannot use the code.
    _, other = await make_member()
    response = await client.post(f"{INVITATIONS}/accept", json={"code": code}, headers=other)
    assert response.status_code == 404
    response = await client.post(f"{INVITATIONS}/accept", json={"code": code}, headers=headers)
    assert response.status_code == 200
    with app.node.db.activate():
        assert await AssociationMembership.exists(member_id=person.id)


async def test_a_code_dies_after_five_wrong_tries(
    client: Any, space: dict[str, Any], make_member: Any, sms_outbox: Any
) -> None:
    person, headers = await make_member()
    await client.post(space["url"], json={"phone": person.phone}, headers=space["admin"][1])
    code = _code(sms_outbox()[-1])
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        response = await client.post(f"{INVITATIONS}/accept", json={"code": wrong}, headers=headers)
        assert response.status_code == 422
    response = await client.post(f"{INVITATIONS}/accept", json={"code": code}, headers=headers)
    assert response.status_code == 404
    # The page still works: the person can accept there.
    (invitation,) = (await (await client.get(INVITATIONS, headers=headers)).get_json())["items"]
    assert (
        await client.post(f"{INVITATIONS}/{invitation['id']}/accept", headers=headers)
    ).status_code == 200


async def test_invitations_expire(
    app: EntraideApp, client: Any, space: dict[str, Any], make_member: Any, sms_outbox: Any
) -> None:
    person, headers = await make_member()
    await client.post(space["url"], json={"phone": person.phone}, headers=space["admin"][1])
    (invitation,) = (await (await client.get(INVITATIONS, headers=headers)).get_json())["items"]
    code = _code(sms_outbox()[-1])
    app.node.clock.advance(timedelta(days=7, minutes=1))
    assert (await (await client.get(INVITATIONS, headers=headers)).get_json())["items"] == []
    response = await client.post(f"{INVITATIONS}/{invitation['id']}/accept", headers=headers)
    assert response.status_code == 409
    response = await client.post(f"{INVITATIONS}/accept", json={"code": code}, headers=headers)
    assert response.status_code == 404


async def test_an_unverified_number_sees_no_invitation(
    client: Any, space: dict[str, Any], make_member: Any
) -> None:
    person, headers = await make_member(verified=False)
    await client.post(space["url"], json={"phone": person.phone}, headers=space["admin"][1])
    assert (await (await client.get(INVITATIONS, headers=headers)).get_json())["items"] == []


async def test_a_new_invitation_replaces_the_old_one(
    client: Any, space: dict[str, Any], make_member: Any, sms_outbox: Any
) -> None:
    person, headers = await make_member()
    await client.post(space["url"], json={"phone": person.phone}, headers=space["admin"][1])
    old = _code(sms_outbox()[-1])
    await client.post(
        space["url"], json={"phone": person.phone, "role": "admin"}, headers=space["admin"][1]
    )
    items = (await (await client.get(INVITATIONS, headers=headers)).get_json())["items"]
    assert [i["role"] for i in items] == ["admin"]
    new = _code(sms_outbox()[-1])
    if old != new:
        response = await client.post(f"{INVITATIONS}/accept", json={"code": old}, headers=headers)
        assert response.status_code == 422


async def test_inviting_is_capped_like_every_text(
    client: Any, space: dict[str, Any], sms_outbox: Any
) -> None:
    phone = "+33698765400"
    for _ in range(3):
        response = await client.post(space["url"], json={"phone": phone}, headers=space["admin"][1])
        assert response.status_code == 202
    response = await client.post(space["url"], json={"phone": phone}, headers=space["admin"][1])
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert len(sms_outbox()) == 3


async def test_invitation_needs_an_approved_association(
    app: EntraideApp, client: Any, make_member: Any
) -> None:
    from node.models import AssociationStatus

    admin, headers = await make_member()
    pending = await make_association(
        app, {admin: AssociationRole.ADMIN}, name="En attente", status=AssociationStatus.PENDING
    )
    url = f"/api/v1/associations/{pending.id}/members"
    response = await client.post(url, json={"phone": "+33698765401"}, headers=headers)
    assert response.status_code == 409


# --- withdrawing a proxy profile's consent ------------------------------------------------------


PROXY = {"pseudonym": "Jo", "consent": True, "consent_statement": "Accord oral, le 3 mars"}


async def test_withdrawing_consent_deletes_the_profile(
    app: EntraideApp, client: Any, space: dict[str, Any], make_member: Any
) -> None:
    association = space["association"]
    volunteer, volunteer_headers = await make_member()
    from tests.factories import add_member

    await add_member(app, volunteer, association, "volunteer")
    base = f"/api/v1/associations/{association.id}/proxies"
    proxy = await (await client.post(base, json=PROXY, headers=space["admin"][1])).get_json()
    url = f"{base}/{proxy['id']}"
    assert (await client.delete(url)).status_code == 401
    assert (await client.delete(url, headers=volunteer_headers)).status_code == 403
    other = await make_association(app, {volunteer: AssociationRole.ADMIN}, name="Autre")
    elsewhere = f"/api/v1/associations/{other.id}/proxies/{proxy['id']}"
    assert (await client.delete(elsewhere, headers=volunteer_headers)).status_code == 404
    assert (await client.delete(url, headers=space["admin"][1])).status_code == 204
    with app.node.db.activate():
        assert not await Member.exists(id=proxy["id"])
    assert (await client.delete(url, headers=space["admin"][1])).status_code == 404
    # Ordinary members are not proxy profiles.
    member_url = f"{base}/{volunteer.id}"
    assert (await client.delete(member_url, headers=space["admin"][1])).status_code == 404
