"""The moderation queue: roles, the reported content in context, every action with its audit
entry, suspended and banned members locked out, and the reporter told the outcome."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from node import clock
from node.http_state import EntraideApp
from node.models import CommitteeMember, Member, Message, ModerationEntry, Notification
from tests.conftest import MemberFactory
from tests.factories import post_action


async def _moderator(app: EntraideApp, make_member: MemberFactory) -> tuple[Member, Any]:
    member, headers = await make_member(pseudonym="Modé")
    with app.node.db.activate():
        member.is_moderator = True
        await member.save(update_fields=["is_moderator"])
    return member, headers


async def _report(client: Any, headers: Any, target: str, category: str = "harassment") -> int:
    body = {"target": target, "category": category, "text": "Il m'insulte"}
    response = await client.post("/api/v1/reports", json=body, headers=headers)
    assert response.status_code == 201
    return int((await response.get_json())["id"])


async def test_queue_shows_the_content_in_context(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    _, mod_h = await _moderator(app, make_member)
    author, author_h = await make_member(pseudonym="Auteur")
    _, reporter_h = await make_member()
    action = await post_action(client, author_h, title="Sortie au parc")
    with app.node.db.activate():
        await Message.create(action_id=action["id"], author=author, body="Bienvenue à tous")
        message = await Message.create(action_id=action["id"], author=author, body="Tais-toi")
    danger = await _report(client, reporter_h, f"member:{author.id}", "danger")
    said = await _report(client, reporter_h, f"message:{message.id}")

    queue = await (await client.get("/api/v1/moderation/reports", headers=mod_h)).get_json()
    assert queue["items"][0]["id"] == danger  # someone in danger first
    detail = await (
        await client.get(f"/api/v1/moderation/reports/{said}", headers=mod_h)
    ).get_json()
    assert detail["text"] == "Il m'insulte" and detail["found"] is True
    assert detail["context"]["body"] == "Tais-toi"
    assert detail["context"]["author"] == "Auteur"
    assert detail["context"]["action_title"] == "Sortie au parc"
    assert detail["context"]["before"] == [{"author": "Auteur", "body": "Bienvenue à tous"}]
    about = await (
        await client.get(f"/api/v1/moderation/reports/{danger}", headers=mod_h)
    ).get_json()
    assert about["context"]["pseudonym"] == "Auteur"
    assert about["context"]["recent_actions"] == ["Sortie au parc"]


async def test_roles(app: EntraideApp, client: Any, make_member: MemberFactory) -> None:
    target, _ = await make_member()
    _, reporter_h = await make_member()
    _, mod_h = await _moderator(app, make_member)
    report = await _report(client, reporter_h, f"member:{target.id}")
    act = {"verb": "warn", "reason": "Ton agressif"}
    routes: list[tuple[str, str, dict[str, Any] | None]] = [
        ("GET", "/api/v1/moderation/reports", None),
        ("GET", f"/api/v1/moderation/reports/{report}", None),
        ("POST", f"/api/v1/moderation/reports/{report}/actions", act),
        ("GET", "/api/v1/moderation/log", None),
        ("PUT", f"/api/v1/moderation/moderators/{target.id}", {}),
        ("DELETE", f"/api/v1/moderation/moderators/{target.id}", None),
    ]
    for method, url, body in routes:
        anonymous = await client.open(url, method=method, json=body)
        assert anonymous.status_code == 401, url
        resident = await client.open(url, method=method, json=body, headers=reporter_h)
        assert resident.status_code == 403, url
    # Moderators work the queue but neither read the log nor name moderators.
    for method, url, body in routes[3:]:
        response = await client.open(url, method=method, json=body, headers=mod_h)
        assert response.status_code == 403, url
    for url in ("/api/v1/moderation/reports/999999", "/api/v1/moderation/reports/999999/actions"):
        method = "POST" if url.endswith("actions") else "GET"
        response = await client.open(url, method=method, json=act, headers=mod_h)
        assert response.status_code == 404
    with app.node.db.activate():
        assert await ModerationEntry.all().count() == 0


async def test_admin_names_a_moderator_and_the_log_says_so(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    _, admin_h = await make_member(admin=True, pseudonym="Admin")
    member, member_h = await make_member()
    assert (await client.get("/api/v1/moderation/reports", headers=member_h)).status_code == 403
    url = f"/api/v1/moderation/moderators/{member.id}"
    granted = await client.put(url, json={"reason": "Bénévole formée"}, headers=admin_h)
    assert granted.status_code == 200 and (await granted.get_json())["moderator"] is True
    assert (await client.get("/api/v1/moderation/reports", headers=member_h)).status_code == 200
    assert (await client.delete(url, headers=admin_h)).status_code == 200
    assert (await client.get("/api/v1/moderation/reports", headers=member_h)).status_code == 403
    unknown = "/api/v1/moderation/moderators/6f1c2a1e-0000-4000-8000-000000000000"
    assert (await client.put(unknown, json={}, headers=admin_h)).status_code == 404
    log = await (await client.get("/api/v1/moderation/log", headers=admin_h)).get_json()
    assert [e["verb"] for e in log["items"]] == ["revoke_moderator", "grant_moderator"]
    assert log["items"][1]["moderator"] == "Admin"
    assert log["items"][1]["reason"] == "Bénévole formée"
    assert log["items"][1]["target"] == f"member:{member.id}"


async def test_committee_members_read_the_log(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    seat, seat_h = await make_member()
    assert (await client.get("/api/v1/moderation/log", headers=seat_h)).status_code == 403
    with app.node.db.activate():
        await CommitteeMember.create(member=seat, active_member_id=seat.id, joined_at=clock.now())
    assert (await client.get("/api/v1/moderation/log", headers=seat_h)).status_code == 200


@pytest.mark.parametrize("verb", ["warn", "suspend", "ban", "anonymise"])
async def test_member_actions_are_logged_and_take_effect(
    app: EntraideApp, client: Any, make_member: MemberFactory, verb: str
) -> None:
    _, admin_h = await make_member(admin=True)
    _, mod_h = await _moderator(app, make_member)
    target, target_h = await make_member(pseudonym="Cible", password="un mot de passe long")
    _, reporter_h = await make_member()
    report = await _report(client, reporter_h, f"member:{target.id}")
    body: dict[str, Any] = {"verb": verb, "reason": "Insultes répétées"}
    if verb == "suspend":
        body["days"] = 7
    url = f"/api/v1/moderation/reports/{report}/actions"
    response = await client.post(url, json=body, headers=mod_h)
    assert response.status_code == 200, await response.get_json()
    [entry] = (await response.get_json())["entries"]
    assert entry["verb"] == verb and entry["reason"] == "Insultes répétées"
    assert entry["moderator"] == "Modé" and entry["target"] == f"member:{target.id}"
    log = await (await client.get("/api/v1/moderation/log", headers=admin_h)).get_json()
    assert log["items"][0]["id"] == entry["id"]

    me = await client.get("/api/v1/me", headers=target_h)
    log_in = {"phone": target.phone, "password": "un mot de passe long"}
    with app.node.db.activate():
        fresh = await Member.get(id=target.id)
        notices = await Notification.filter(member_id=target.id, kind="moderation_notice")
    if verb in ("suspend", "ban"):
        assert me.status_code == 401  # their token stops working at once
        assert (await client.post("/api/v1/auth/token", json=log_in)).status_code == 403
    else:
        assert me.status_code == 200
        assert (await client.post("/api/v1/auth/token", json=log_in)).status_code == 200
    if verb == "suspend":
        assert fresh.suspended_until is not None
        assert fresh.suspended_until - clock.now() > timedelta(days=6)
        app.node.clock.advance(timedelta(days=8))  # the suspension ends by itself
        assert (await client.post("/api/v1/auth/token", json=log_in)).status_code == 200
    if verb == "anonymise":
        assert fresh.pseudonym is None and fresh.display_name == "Membre"
        assert notices == []
    else:
        assert [n.payload["reason"] for n in notices] == ["Insultes répétées"]


async def test_resolve_and_dismiss_tell_the_reporter_without_names(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    _, mod_h = await _moderator(app, make_member)
    target, _ = await make_member(pseudonym="Personne Signalée")
    reporter, reporter_h = await make_member()
    first = await _report(client, reporter_h, f"member:{target.id}")
    second = await _report(client, reporter_h, f"member:{target.id}", "spam")
    url = "/api/v1/moderation/reports/{}/actions"
    resolved = {"verb": "resolve", "reason": "Averti", "outcome": "Nous avons agi. Merci."}
    assert (await client.post(url.format(first), json=resolved, headers=mod_h)).status_code == 200
    dismissed = {"verb": "dismiss", "reason": "Rien de contraire"}
    assert (await client.post(url.format(second), json=dismissed, headers=mod_h)).status_code == 200
    again = await client.post(url.format(second), json=dismissed, headers=mod_h)
    assert again.status_code == 422

    mine = await (await client.get("/api/v1/reports", headers=reporter_h)).get_json()
    by_id = {item["id"]: item for item in mine["items"]}
    assert by_id[first]["status"] == "resolved"
    assert by_id[first]["outcome"] == "Nous avons agi. Merci."
    assert by_id[second]["status"] == "dismissed"
    assert "rien" in by_id[second]["outcome"]
    with app.node.db.activate():
        told = await Notification.filter(member_id=reporter.id, kind="report_outcome")
    assert len(told) == 2
    assert all("Signalée" not in str(n.payload) for n in told)
    queue = await (await client.get("/api/v1/moderation/reports", headers=mod_h)).get_json()
    assert queue["items"] == []
    closed = await client.get("/api/v1/moderation/reports?status=resolved", headers=mod_h)
    assert [item["id"] for item in (await closed.get_json())["items"]] == [first]


@pytest.mark.parametrize(
    "body",
    [
        {"verb": "warn", "reason": ""},
        {"verb": "warn", "reason": "x" * 1001},
        {"verb": "suspend", "reason": "Insultes"},
        {"verb": "suspend", "reason": "Insultes", "days": 0},
        {"verb": "suspend", "reason": "Insultes", "days": 366},
        {"verb": "explode", "reason": "Insultes"},
        {"verb": "resolve", "reason": "ok", "outcome": "x" * 501},
    ],
)
async def test_bad_actions_are_422_and_not_logged(
    app: EntraideApp, client: Any, make_member: MemberFactory, body: dict[str, Any]
) -> None:
    _, mod_h = await _moderator(app, make_member)
    target, _ = await make_member()
    _, reporter_h = await make_member()
    report = await _report(client, reporter_h, f"member:{target.id}")
    url = f"/api/v1/moderation/reports/{report}/actions"
    assert (await client.post(url, json=body, headers=mod_h)).status_code == 422
    with app.node.db.activate():
        assert await ModerationEntry.all().count() == 0


async def test_member_actions_need_a_member(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    moderator, mod_h = await _moderator(app, make_member)
    _, reporter_h = await make_member()
    remote = await _report(client, reporter_h, "https://mastodon.example/@troll/1")
    url = f"/api/v1/moderation/reports/{remote}/actions"
    body = {"verb": "ban", "reason": "Troll"}
    assert (await client.post(url, json=body, headers=mod_h)).status_code == 422
    own = await _report(client, reporter_h, f"member:{moderator.id}")
    url = f"/api/v1/moderation/reports/{own}/actions"
    assert (await client.post(url, json=body, headers=mod_h)).status_code == 422
