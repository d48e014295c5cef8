"""The committee page names the first members while the committee is empty: a member by phone
number (the first one may facilitate), a proxy profile only with the person's consent; every
refusal is shown on the page. Once someone sits, the same form opens a proposal."""

from __future__ import annotations

import html
from typing import Any

from node.http_state import EntraideApp
from node.models import CommitteeMember, CommitteeProposal, CommitteeRole
from tests.conftest import MemberFactory
from tests.factories import make_association, make_proxy
from tests.web.conftest import csrf_of, log_in

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}


async def _add(client: Any, form: dict[str, str]) -> Any:
    token = await csrf_of(client, "/committee")
    return await client.post("/committee/members", form={"csrf_token": token, **form}, headers=FR)


async def _text(response: Any) -> str:
    return html.unescape(str(await response.get_data(as_text=True)))


async def test_the_admin_names_the_first_members_on_the_page(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    admin = await log_in(app, make_member, admin=True)
    first, _ = await make_member(pseudonym="Awa")
    response = await _add(admin, {"phone": first.phone, "role": "facilitator"})
    assert response.status_code == 303 and response.headers["Location"].endswith("#members")
    page = await _text(await admin.get("/committee", headers=FR))
    assert "fait maintenant partie du comité de la rue" in page
    association = await make_association(app, name="Aux captifs")
    proxy = await make_proxy(app, association, "Jo")
    with app.node.db.activate():
        [seat] = await CommitteeMember.filter(active_member_id=first.id)
        assert seat.role == CommitteeRole.FACILITATOR
    # A proxy profile without the person's consent is refused, then a second seat is a vote.
    response = await _add(admin, {"proxy_id": str(proxy.id)})
    assert response.status_code == 422 and "accord de la personne" in await _text(response)
    consent = "Jo a dit oui à la permanence du 3 décembre."
    response = await _add(admin, {"proxy_id": str(proxy.id), "consent_statement": consent})
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/committee/proposals/")
    with app.node.db.activate():
        assert await CommitteeMember.filter(active_member_id=proxy.id).count() == 0
        [proposal] = await CommitteeProposal.all()
        assert proposal.kind == "committee.seat_add"


async def test_naming_a_member_is_refused_plainly(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    admin = await log_in(app, make_member, admin=True)
    first, _ = await make_member(pseudonym="Awa")
    unverified, _ = await make_member(pseudonym="Marc", verified=False)
    cases: list[tuple[dict[str, str], int, str]] = [
        ({}, 422, "Donnez un numéro de téléphone ou choisissez un profil"),
        ({"phone": "0699999999"}, 422, "Aucun membre n'a ce numéro"),
        ({"proxy_id": "not-a-uuid"}, 422, "Aucun membre n'a ce numéro"),
        ({"phone": first.phone, "role": "chief"}, 422, ""),
        ({"phone": unverified.phone}, 422, ""),
    ]
    for form, status, words in cases:
        response = await _add(admin, form)
        assert response.status_code == status, (form, response.status_code)
        assert words in await _text(response), form
    assert (await _add(admin, {"phone": first.phone})).status_code == 303
    again = await _add(admin, {"phone": first.phone})
    assert again.status_code == 409 and "Awa" in await _text(again)
    # Someone who is not an administrator, and someone not logged in.
    someone = await log_in(app, make_member)
    assert (await _add(someone, {"phone": first.phone})).status_code == 403
    anonymous = app.test_client()
    token = await csrf_of(anonymous, "/login")
    response = await anonymous.post(
        "/committee/members", form={"csrf_token": token, "phone": first.phone}
    )
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]
    with app.node.db.activate():
        assert await CommitteeMember.all().count() == 1
