"""Notification pages without JavaScript: the unread badge, the list, mark one or all read,
choices per kind and channel, devices; the installable web app's manifest and service worker."""

from __future__ import annotations

import re
from typing import Any

from node.http_state import EntraideApp
from node.models import Notification
from tests.factories import post_action
from tests.web.conftest import csrf_of, log_in


async def test_badge_list_and_mark_read(app: EntraideApp, make_member: Any) -> None:
    page_client = await log_in(app, make_member, pseudonym="Awa")
    _, author_h = await make_member(target=app)
    api = app.test_client()
    author = page_client.member
    from node.services.tokens import issue_token

    with app.node.db.activate():
        _, secret = await issue_token(author)
    headers = {"Authorization": f"Bearer {secret}"}
    actions = [await post_action(api, headers, title=f"Besoin {n}") for n in range(2)]
    for action in actions:
        _, joiner = await make_member(target=app, pseudonym="Basile")
        url = f"/api/v1/actions/{action['id']}/participations"
        assert (await api.post(url, json={}, headers=joiner)).status_code == 201

    home = await (await page_client.get("/")).get_data(as_text=True)
    assert 'data-live="unread">2</span>' in home
    listing = await page_client.get("/notifications")
    html = await listing.get_data(as_text=True)
    assert listing.status_code == 200
    assert "Basile demande à participer à « Besoin 0 »." in html
    assert html.count("Marquer comme lu") == 2

    with app.node.db.activate():
        first = await Notification.filter(member_id=author.id).order_by("id").first()
    assert first is not None
    token = await csrf_of(page_client, "/notifications")
    one = await page_client.post(
        "/notifications/read", form={"csrf_token": token, "id": str(first.id)}
    )
    assert one.status_code == 303
    html = await (await page_client.get("/notifications")).get_data(as_text=True)
    assert 'data-live="unread">1</span>' in html
    # Opening the action's page reads what it was about.
    await page_client.get(f"/actions/{actions[1]['id']}")
    html = await (await page_client.get("/notifications?unread=1")).get_data(as_text=True)
    assert "Rien de nouveau." in html
    forged = await page_client.post("/notifications/read", form={"all": "1"})
    assert forged.status_code == 403  # no CSRF token
    assert (await app.test_client().get("/notifications")).status_code == 303  # log in first
    assert author_h


async def test_preferences_form_and_pwa(app: EntraideApp, make_member: Any) -> None:
    client = await log_in(app, make_member)
    page = await client.get("/notifications/preferences")
    assert page.status_code == 200
    token = await csrf_of(client, "/notifications/preferences")
    form = {"csrf_token": token, "join_asked.email": "on", "join_asked.sms": "on"}
    saved = await client.post("/notifications/preferences", form=form)
    assert saved.status_code == 303
    html = await (await client.get("/notifications/preferences")).get_data(as_text=True)

    def box(name: str) -> str:
        match = re.search(rf'<input type="checkbox" name="{re.escape(name)}"[^>]*>', html)
        assert match, name
        return match.group(0)

    assert "checked" in box("join_asked.sms") and "checked" in box("join_asked.email")
    assert "checked" not in box("join_asked.push")
    assert "checked" not in box("message_posted.push")  # the form saves every box

    manifest = await client.get("/manifest.webmanifest")
    assert manifest.content_type == "application/manifest+json"
    body = await manifest.get_json(force=True)
    assert body["display"] == "standalone" and body["start_url"] == "/"
    assert {icon["sizes"] for icon in body["icons"]} == {"192x192", "512x512"}
    for icon in body["icons"]:
        assert (await client.get(icon["src"])).status_code == 200
    worker = await client.get("/sw.js")
    assert worker.status_code == 200 and worker.headers["Service-Worker-Allowed"] == "/"
    assert "showNotification" in await worker.get_data(as_text=True)
    assert 'rel="manifest"' in await (await client.get("/")).get_data(as_text=True)
