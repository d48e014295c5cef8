"""Web pages of invitations: an association admin invites a number, the person says yes on
their page or with the texted code; a proxy profile is deleted when its consent is withdrawn."""

from __future__ import annotations

import re
from typing import Any

from node.http_state import EntraideApp
from node.models import AssociationMembership, AssociationRole, Member
from tests.factories import make_association, make_proxy
from tests.web.conftest import csrf_of, log_in


async def _page(client: Any, path: str) -> str:
    response = await client.get(path)
    assert response.status_code == 200
    return str(await response.get_data(as_text=True))


async def test_invite_then_join_on_my_page(
    app: EntraideApp, make_member: Any, sms_outbox: Any
) -> None:
    admin = await log_in(app, make_member, pseudonym="Responsable")
    association = await make_association(
        app, {admin.member: AssociationRole.ADMIN}, name="La Cloche"
    )
    space = f"/associations/{association.id}"
    assert "Inviter un membre" in await _page(admin, space)
    person = await log_in(app, make_member, pseudonym="Nadia")
    token = await csrf_of(admin, space)
    form = {"csrf_token": token, "phone": person.member.phone, "role": "volunteer"}
    response = await admin.post(f"{space}/members", form=form)
    assert response.status_code == 303
    assert "envoyée par SMS" in await _page(admin, space)
    bad = await admin.post(f"{space}/members", form={**form, "phone": "12"})
    assert bad.status_code == 422
    assert "Nadia" not in await _page(admin, space)  # not a member before saying yes

    me = await _page(person, "/me")
    assert "La Cloche" in me and "Rejoindre" in me
    (invitation_id,) = re.findall(r'action="/me/invitations/([0-9a-f-]{36})"', me)
    token = await csrf_of(person, "/me")
    response = await person.post(
        f"/me/invitations/{invitation_id}", form={"csrf_token": token, "answer": "accept"}
    )
    assert response.status_code == 303
    assert "Vous avez rejoint La Cloche." in await _page(person, "/me")
    with app.node.db.activate():
        assert await AssociationMembership.exists(member_id=person.member.id)
    again = await person.post(
        f"/me/invitations/{invitation_id}", form={"csrf_token": token, "answer": "accept"}
    )
    assert again.status_code == 409
    assert "déjà répondu" in await again.get_data(as_text=True)


async def test_join_with_the_code(app: EntraideApp, make_member: Any, sms_outbox: Any) -> None:
    admin = await log_in(app, make_member)
    association = await make_association(
        app, {admin.member: AssociationRole.ADMIN}, name="Le Relais"
    )
    person = await log_in(app, make_member)
    space = f"/associations/{association.id}"
    token = await csrf_of(admin, space)
    await admin.post(
        f"{space}/members",
        form={"csrf_token": token, "phone": person.member.phone, "role": "volunteer"},
    )
    code = re.search(r"\b(\d{6})\b", sms_outbox()[-1]["body"]).group(1)  # type: ignore[union-attr]
    token = await csrf_of(person, "/me")
    short = await person.post("/me/invitations/code", form={"csrf_token": token, "code": "12"})
    assert short.status_code == 422
    assert "6 chiffres" in await short.get_data(as_text=True)
    wrong = "000000" if code != "000000" else "111111"
    response = await person.post("/me/invitations/code", form={"csrf_token": token, "code": wrong})
    assert response.status_code == 422
    assert "Code faux." in await response.get_data(as_text=True)
    response = await person.post("/me/invitations/code", form={"csrf_token": token, "code": code})
    assert response.status_code == 303
    with app.node.db.activate():
        assert await AssociationMembership.exists(member_id=person.member.id)


async def test_withdraw_a_proxy_consent(app: EntraideApp, make_member: Any) -> None:
    coordinator = await log_in(app, make_member)
    association = await make_association(
        app, {coordinator.member: AssociationRole.COORDINATOR}, name="La Halte"
    )
    jo = await make_proxy(app, association, "Jo")
    space = f"/associations/{association.id}"
    assert "retire son accord" in await _page(coordinator, space)
    token = await csrf_of(coordinator, space)
    url = f"{space}/proxies/{jo.id}/withdraw"
    response = await coordinator.post(url, form={"csrf_token": token})
    assert response.status_code == 422
    assert "Cochez la case" in await response.get_data(as_text=True)
    response = await coordinator.post(url, form={"csrf_token": token, "confirm": "on"})
    assert response.status_code == 303
    with app.node.db.activate():
        assert not await Member.exists(id=jo.id)
    response = await coordinator.post(url, form={"csrf_token": token, "confirm": "on"})
    assert response.status_code == 404
