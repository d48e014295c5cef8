"""The charter pages: shown and accepted at sign-up, accepted again when it changes (every page
leads to it until then), and changed by an admin through the street committee."""

from __future__ import annotations

import html
from typing import Any

from node.http_state import EntraideApp
from node.models import CharterAcceptance, CommitteeProposal, Member
from node.services import charter
from tests.conftest import MemberFactory
from tests.node.committee_support import seat
from tests.web.conftest import csrf_of, log_in

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}
NEW_FR = "Charte\n\n1. Je respecte tout le monde.\n"
NEW_EN = "Charter\n\n1. I respect everyone.\n"


async def _text(response: Any) -> str:
    return html.unescape(str(await response.get_data(as_text=True)))


async def test_sign_up_shows_the_charter_and_needs_the_box_ticked(app: EntraideApp) -> None:
    client = app.test_client()
    page = await _text(await client.get("/signup", headers=FR))
    assert "Je ne demande pas d'argent" in page and 'name="accept_charter"' in page
    token = await csrf_of(client, "/signup")
    form = {
        "csrf_token": token,
        "phone": "0612345670",
        "email": "lea@example.org",
        "password": "un mot de passe",
        "password_again": "un mot de passe",
        "kind": "resident",
        "charter_version": "1",
    }
    refused = await client.post("/signup", form=form, headers=FR)
    assert refused.status_code == 422
    assert "Cochez la case pour accepter la charte." in await _text(refused)
    stale = await client.post(
        "/signup", form={**form, "accept_charter": "yes", "charter_version": "9"}
    )
    assert stale.status_code == 409
    accepted = await client.post("/signup", form={**form, "accept_charter": "yes"})
    assert accepted.status_code == 303
    with app.node.db.activate():
        member = await Member.get(email="lea@example.org")
        assert await CharterAcceptance.filter(member=member, version=1).exists()


async def test_a_changed_charter_is_accepted_on_the_next_visit(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    client = await log_in(app, make_member)
    with app.node.db.activate():
        await charter.publish(app.node, NEW_FR, NEW_EN)
    sent = await client.get("/associations")
    assert sent.status_code == 303
    assert sent.headers["Location"].startswith("/charter?next=/associations")
    # Leaving and taking one's data stay open.
    assert (await client.get("/me")).status_code == 200
    assert (await client.get("/me/export.json")).status_code == 200
    page = await _text(await client.get("/charter?next=/associations", headers=FR))
    assert "La charte a changé" in page and "Je respecte tout le monde." in page
    token = await csrf_of(client, "/charter")
    base = {"csrf_token": token, "version": "2", "next": "/associations"}
    unticked = await client.post("/charter", form=base, headers=FR)
    assert unticked.status_code == 422
    assert "Cochez la case pour accepter la charte." in await _text(unticked)
    stale = await client.post("/charter", form={**base, "accept": "yes", "version": "1"})
    assert stale.status_code == 409
    done = await client.post("/charter", form={**base, "accept": "yes"})
    assert done.status_code == 303 and done.headers["Location"] == "/associations"
    assert (await client.get("/associations")).status_code == 200


async def test_an_admin_change_of_the_charter_opens_a_proposal(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    await seat(app, 2)
    admin = await log_in(app, make_member, admin=True)
    page = await _text(await admin.get("/charter", headers=FR))
    assert "Modifier la charte" in page
    token = await csrf_of(admin, "/charter")
    response = await admin.post(
        "/charter/edit", form={"csrf_token": token, "text_fr": NEW_FR, "text_en": NEW_EN}
    )
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/committee/proposals/")
    with app.node.db.activate():
        proposal = await CommitteeProposal.get(kind="charter.change")
        assert (await charter.charter_in_force()).version == 1  # nothing changed yet
    assert "+ 1. Je respecte tout le monde." in proposal.after["changed_fr"]
    empty = await admin.post(
        "/charter/edit", form={"csrf_token": token, "text_fr": "", "text_en": NEW_EN}
    )
    assert empty.status_code == 422
    resident = await log_in(app, make_member)
    token = await csrf_of(resident, "/charter")
    forbidden = await resident.post(
        "/charter/edit", form={"csrf_token": token, "text_fr": NEW_FR, "text_en": NEW_EN}
    )
    assert forbidden.status_code == 403
