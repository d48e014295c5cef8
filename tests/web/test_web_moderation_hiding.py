"""Moderators hide a reported call or guide place from its report's page: others get 404 on its
page and no longer find it in the lists or the printed guide; its association still opens it.
Restoring brings it back. Refusals: CSRF, a resident, a reason missing, hiding twice."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from node.http_state import EntraideApp
from node.models import AssociationRole, Member
from tests.conftest import MemberFactory
from tests.factories import call_body, make_association, new_guide_place
from tests.node.fed.test_places import pdf_text
from tests.web.conftest import csrf_of, log_in

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}
PRINT = "/guide/print?where=Paris+4e&category=shower&size=A5&radius=5"


async def _report(app: EntraideApp, headers: Any, target: str) -> int:
    body = {"target": target, "category": "fraud", "text": "Faux lieu"}
    response = await app.test_client().post("/api/v1/reports", json=body, headers=headers)
    assert response.status_code == 201
    return int((await response.get_json())["id"])


async def test_a_moderator_hides_and_restores_a_call_and_a_place(
    app: EntraideApp, make_member: MemberFactory, tmp_path: Path
) -> None:
    with app.node.db.activate():
        place = await new_guide_place("Bains-douches 6", 48.8546, 2.3477, node=app.node)
    _, nadia_h = await make_member(pseudonym="Nadia")
    nadia = await log_in(app, make_member, pseudonym="Nadia 2")
    place_report = await _report(app, nadia_h, f"place:{place.id}")
    assert "Bains-douches 6" in await pdf_text(app, PRINT, tmp_path)

    mod = await log_in(app, make_member, pseudonym="Modé")
    with app.node.db.activate():
        await Member.filter(id=mod.member.id).update(is_moderator=True)
    page = f"/moderation/reports/{place_report}"
    shown = html.unescape(await (await mod.get(page, headers=FR)).get_data(as_text=True))
    assert 'value="hide"' in shown
    token = await csrf_of(mod, page)
    act = f"{page}/act"
    no_csrf = await mod.post(act, form={"verb": "hide", "reason": "Faux"})
    assert no_csrf.status_code == 403
    resident_token = await csrf_of(nadia, "/")
    resident = await nadia.post(
        act, form={"csrf_token": resident_token, "verb": "hide", "reason": "Faux"}
    )
    assert resident.status_code == 403
    no_reason = await mod.post(act, form={"csrf_token": token, "verb": "hide", "reason": " "})
    assert no_reason.status_code == 422
    hidden = await mod.post(act, form={"csrf_token": token, "verb": "hide", "reason": "Faux"})
    assert hidden.status_code == 303
    twice = await mod.post(act, form={"csrf_token": token, "verb": "hide", "reason": "Faux"})
    assert twice.status_code == 422

    assert (await nadia.get(f"/guide/{place.id}")).status_code == 404
    assert (await app.test_client().get(f"/guide/{place.id}")).status_code == 404
    assert (await mod.get(f"/guide/{place.id}")).status_code == 200
    assert "Bains-douches 6" not in await pdf_text(app, PRINT, tmp_path)
    after = html.unescape(await (await mod.get(page, headers=FR)).get_data(as_text=True))
    assert 'value="restore"' in after
    restored = await mod.post(
        act, form={"csrf_token": token, "verb": "restore", "reason": "Vérifié"}
    )
    assert restored.status_code == 303
    assert (await nadia.get(f"/guide/{place.id}")).status_code == 200
    assert "Bains-douches 6" in await pdf_text(app, PRINT, tmp_path)


async def test_a_hidden_call_is_404_for_others_and_still_open_to_its_association(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    coordinator, coord_h = await make_member(pseudonym="Coord")
    association = await make_association(app, {coordinator: AssociationRole.COORDINATOR})
    client = app.test_client()
    call = await (
        await client.post("/api/v1/calls", json=call_body(association=association), headers=coord_h)
    ).get_json()
    _, nadia_h = await make_member(pseudonym="Nadia")
    report = await _report(app, nadia_h, f"call:{call['id']}")
    mod = await log_in(app, make_member, pseudonym="Modé")
    with app.node.db.activate():
        await Member.filter(id=mod.member.id).update(is_moderator=True)
    page = f"/moderation/reports/{report}"
    token = await csrf_of(mod, page)
    hidden = await mod.post(
        f"{page}/act", form={"csrf_token": token, "verb": "hide", "reason": "Arnaque"}
    )
    assert hidden.status_code == 303
    nadia = await log_in(app, make_member, pseudonym="Nadia 2")
    assert (await nadia.get(f"/calls/{call['id']}")).status_code == 404
    assert (await client.get(f"/calls/{call['id']}")).status_code == 404
    assert (await mod.get(f"/calls/{call['id']}")).status_code == 200
    assert (await client.get(f"/api/v1/calls/{call['id']}", headers=coord_h)).status_code == 200
    on_page = html.unescape(await (await mod.get(page, headers=FR)).get_data(as_text=True))
    assert "masqué" in on_page
