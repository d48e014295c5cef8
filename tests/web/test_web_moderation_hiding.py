"""Moderators hide a reported call or guide place from its report's page: others get 404 on its
page and no longer find it in the lists or the printed guide; its association still opens it.
Restoring brings it back. Refusals: CSRF, a resident, a reason missing, hiding twice."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from node.http_state import EntraideApp
from node.models import AssociationRole, CallMessage, Member, Report
from tests.conftest import MemberFactory
from tests.factories import call_body, make_association, new_guide_place
from tests.node.fed.test_places import pdf_text
from tests.web.conftest import csrf_of, log_in

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}
PRINT = "/guide/print?where=Paris+4e&category=shower&size=A5&radius=5"


async def _text(response: Any) -> str:
    return html.unescape(await response.get_data(as_text=True))


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


async def test_a_message_of_a_call_is_reported_from_the_call_page_and_hidden(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    coordinator = await log_in(app, make_member, pseudonym="Coord")
    association = await make_association(app, {coordinator.member: AssociationRole.COORDINATOR})
    space = f"/associations/{association.id}"
    form = {
        "csrf_token": await csrf_of(coordinator, f"{space}/calls/new"),
        "kind": "volunteers",
        "title": "Soupe du soir",
        "people": "3",
        "radius_km": "1",
        "days": "7",
    }
    call_url = (await coordinator.post(f"{space}/calls", form=form)).headers["Location"]
    lea = await log_in(app, make_member, pseudonym="Léa")
    token = await csrf_of(lea, call_url)
    await lea.post(f"{call_url}/answer", form={"csrf_token": token})
    await lea.post(f"{call_url}/messages", form={"csrf_token": token, "body": "Bande d'idiots"})
    with app.node.db.activate():
        written = await CallMessage.get(body="Bande d'idiots")
    target = f"call_message:{written.id}"
    page = await _text(await coordinator.get(call_url, headers=FR))
    assert f"/report?target={target}" in page and "Signaler" in page
    assert f"/report?target={target}" not in await _text(await lea.get(call_url))  # her own
    token = await csrf_of(coordinator, f"/report?target={target}")
    unknown = {"csrf_token": token, "target": "call_message:999999", "category": "harassment"}
    assert (await coordinator.post("/report", form=unknown)).status_code == 404
    sent = await coordinator.post(
        "/report",
        form={"csrf_token": token, "target": target, "category": "harassment", "text": "Insulte"},
    )
    assert sent.status_code == 303
    with app.node.db.activate():
        report = await Report.get(target_kind="call_message")

    mod = await log_in(app, make_member, pseudonym="Modé")
    with app.node.db.activate():
        await Member.filter(id=mod.member.id).update(is_moderator=True)
    page = f"/moderation/reports/{report.id}"
    shown = await _text(await mod.get(page, headers=FR))
    assert "Bande d'idiots" in shown and "Soupe du soir" in shown and "Léa" in shown
    token = await csrf_of(mod, page)
    hidden = await mod.post(
        f"{page}/act", form={"csrf_token": token, "verb": "hide", "reason": "Insulte"}
    )
    assert hidden.status_code == 303
    assert "Bande d'idiots" not in await _text(await coordinator.get(call_url))
    own = await _text(await lea.get(call_url, headers=FR))
    assert "Bande d'idiots" in own and "Masqué par la modération" in own
    restored = await mod.post(
        f"{page}/act", form={"csrf_token": token, "verb": "restore", "reason": "Relu"}
    )
    assert restored.status_code == 303
    assert "Bande d'idiots" in await _text(await coordinator.get(call_url))
