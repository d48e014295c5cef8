"""Reporting from the web: the "Report" links, the form with the emergency numbers always on
it, a danger report answered with the numbers, "My reports" with each outcome, and every refusal
(login, CSRF, bad category, unknown target, the hourly cap)."""

from __future__ import annotations

import html
from typing import Any

from node.http_state import EntraideApp
from node.models import AssociationRole, Message, Report
from tests.conftest import MemberFactory, NodeFactory
from tests.factories import call_body, make_association, new_guide_place, post_action
from tests.web.conftest import csrf_of, log_in

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}


async def _page(client: Any, path: str) -> str:
    response = await client.get(path, headers=FR)
    assert response.status_code == 200, path
    return html.unescape(await response.get_data(as_text=True))


async def test_a_danger_report_shows_the_numbers_before_and_after_sending(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    marc, marc_h = await make_member(pseudonym="Marc")
    action = await post_action(app.test_client(), marc_h, title="Un lit pour ce soir")
    nadia = await log_in(app, make_member, pseudonym="Nadia")
    page = await _page(nadia, f"/actions/{action['id']}")
    form_url = f"/report?target=action:{action['id']}"
    assert form_url in page
    assert f"/report?target=member:{marc.id}" in page
    form = await _page(nadia, form_url)
    assert "L'action « Un lit pour ce soir »" in form
    for number in ("115", "15", "17", "112", "119"):
        assert f'href="tel:{number}"' in form  # on the form already: no script needed
    assert "Une personne en danger" in form
    token = await csrf_of(nadia, form_url)
    sent = await nadia.post(
        "/report",
        form={"csrf_token": token, "target": f"action:{action['id']}", "category": "danger"},
        headers=FR,
    )
    assert sent.status_code == 200
    body = html.unescape(await sent.get_data(as_text=True))
    assert "Signalement envoyé" in body and 'href="tel:115"' in body
    assert "Hébergement d'urgence" in body
    with app.node.db.activate():
        report = await Report.get()
        assert report.category == "danger" and report.target_id == action["id"]


async def test_my_reports_tell_the_outcome_without_the_person(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    marc, _ = await make_member(pseudonym="Marc")
    _, mod_h = await make_member(pseudonym="Modé", admin=True)
    nadia = await log_in(app, make_member, pseudonym="Nadia")
    token = await csrf_of(nadia, f"/report?target=member:{marc.id}")
    form = {
        "csrf_token": token,
        "target": f"member:{marc.id}",
        "category": "harassment",
        "text": "Il m'insulte",
    }
    sent = await nadia.post("/report", form=form)
    assert sent.status_code == 303 and sent.headers["Location"] == "/me/reports"
    mine = await _page(nadia, "/me/reports")
    assert "Une personne" in mine and "Insultes ou harcèlement" in mine
    assert "En attente de la modération" in mine and "Marc" not in mine
    assert "/me/reports" in await _page(nadia, "/me")
    with app.node.db.activate():
        report = await Report.get()
    decided = await app.test_client().post(
        f"/api/v1/moderation/reports/{report.id}/actions",
        json={"verb": "resolve", "reason": "Averti"},
        headers=mod_h,
    )
    assert decided.status_code == 200
    mine = await _page(nadia, "/me/reports")
    assert "La modération a agi" in mine and "Marc" not in mine and "Averti" not in mine


async def test_every_page_with_content_has_its_report_link(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    coordinator, coord_h = await make_member(pseudonym="Coord")
    association = await make_association(app, {coordinator: AssociationRole.COORDINATOR})
    client = app.test_client()
    call = await (
        await client.post("/api/v1/calls", json=call_body(association=association), headers=coord_h)
    ).get_json()
    action = await post_action(client, coord_h, title="Sortie au parc", auto_accept=True)
    nadia = await log_in(app, make_member, pseudonym="Nadia")
    with app.node.db.activate():
        place = await new_guide_place("Bains-douches", 48.85, 2.35, node=app.node)
        message = await Message.create(action_id=action["id"], author=coordinator, body="Salut")
    token = await csrf_of(nadia, f"/actions/{action['id']}")
    await nadia.post(f"/actions/{action['id']}/join", form={"csrf_token": token})
    pages = {
        f"/associations/{association.id}": f"association:{association.id}",
        f"/calls/{call['id']}": f"call:{call['id']}",
        f"/guide/{place.id}": f"place:{place.id}",
        f"/actions/{action['id']}": f"message:{message.id}",
    }
    for path, target in pages.items():
        page = await _page(nadia, path)
        assert f"/report?target={target}" in page, path
        assert "Signaler" in page
        assert "Signaler un problème" in await _page(nadia, f"/report?target={target}")


async def test_refusals(node_factory: NodeFactory, make_member: MemberFactory) -> None:
    app = await node_factory("capped", reports_per_hour=1)
    _, marc_h = await make_member(target=app, pseudonym="Marc")
    action = await post_action(app.test_client(), marc_h, title="Un vélo")
    target = f"action:{action['id']}"
    anonymous = await app.test_client().get(f"/report?target={target}")
    assert anonymous.status_code == 303 and anonymous.headers["Location"].startswith("/login")
    nadia = await log_in(app, make_member, pseudonym="Nadia")
    token = await csrf_of(nadia, f"/report?target={target}")
    no_csrf = await nadia.post("/report", form={"target": target, "category": "spam"})
    assert no_csrf.status_code == 403
    bad = await nadia.post(
        "/report", form={"csrf_token": token, "target": target, "category": "moche"}, headers=FR
    )
    assert bad.status_code == 422
    assert "Choisissez" in html.unescape(await bad.get_data(as_text=True))
    for unknown in ("action:7b0c3e52-2f7e-4bd5-9f0f-0a3c1b8f4a11", "message:99", "zzz", ""):
        assert (await nadia.get(f"/report?target={unknown}")).status_code == 404
        posted = await nadia.post(
            "/report", form={"csrf_token": token, "target": unknown, "category": "spam"}
        )
        assert posted.status_code == 404
    myself = await nadia.get(f"/report?target=member:{nadia.member.id}")
    assert myself.status_code == 404
    long = await nadia.post(
        "/report",
        form={"csrf_token": token, "target": target, "category": "spam", "text": "x" * 2001},
        headers=FR,
    )
    assert long.status_code == 422
    assert "2000 caractères au plus." in html.unescape(await long.get_data(as_text=True))
    form = {"csrf_token": token, "target": target, "category": "spam"}
    assert (await nadia.post("/report", form=form)).status_code == 303
    capped = await nadia.post("/report", form=form, headers=FR)
    assert capped.status_code == 429
    page = html.unescape(await capped.get_data(as_text=True))
    assert "Trop de signalements en une heure" in page
    with app.node.db.activate():
        assert await Report.all().count() == 1


async def test_the_form_and_my_reports_in_english(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    _, marc_h = await make_member(pseudonym="Marc")
    action = await post_action(app.test_client(), marc_h, title="A bike")
    nadia = await log_in(app, make_member, pseudonym="Nadia")
    en = {"Accept-Language": "en-GB,en;q=0.9"}
    page = html.unescape(
        await (await nadia.get(f"/actions/{action['id']}", headers=en)).get_data(as_text=True)
    )
    assert "Report a problem" in page and "Report this person" in page
    url = f"/report?target=action:{action['id']}"
    form = html.unescape(await (await nadia.get(url, headers=en)).get_data(as_text=True))
    assert "Someone in danger? Call now, it is free:" in form
    assert "Emergency shelter" in form and "Children in danger" in form
    token = await csrf_of(nadia, url)
    sent = await nadia.post(
        "/report",
        form={"csrf_token": token, "target": f"action:{action['id']}", "category": "spam"},
    )
    assert sent.status_code == 303
    mine = html.unescape(await (await nadia.get("/me/reports", headers=en)).get_data(as_text=True))
    assert "Spam or advertising" in mine and "Waiting for the moderators" in mine
