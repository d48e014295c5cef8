"""Reports (signalements): every target kind and category, the danger path (numbers at once,
moderators told at once), the outcome the reporter reads, and every refusal."""

from __future__ import annotations

from typing import Any

import pytest

from node.http_state import EntraideApp
from node.models import Association, Message, Notification, Report
from tests.conftest import MemberFactory
from tests.factories import new_association, post_action

CATEGORIES = ("spam", "fraud", "harassment", "danger", "other")


async def _targets(app: EntraideApp, client: Any, make_member: MemberFactory) -> dict[str, str]:
    author, author_h = await make_member(pseudonym="Auteur")
    action = await post_action(client, author_h, title="Un besoin à signaler")
    with app.node.db.activate():
        message = await Message.create(action_id=action["id"], author=author, body="Bonjour")
        association: Association = await new_association(name="Asso signalée")
    return {
        "action": f"action:{action['id']}",
        "message": f"message:{message.id}",
        "member": f"member:{author.id}",
        "association": f"association:{association.id}",
        "action-iri": f"{app.node.settings.base_url}/actions/{action['id']}",
        "remote": "https://mastodon.example/users/troll/statuses/1",
    }


async def test_every_target_and_category(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    targets = await _targets(app, client, make_member)
    _, reporter_h = await make_member()
    for n, (name, target) in enumerate(targets.items()):
        category = CATEGORIES[n % len(CATEGORIES)]
        body = {"target": target, "category": category, "text": f"Signalement {name}"}
        response = await client.post("/api/v1/reports", json=body, headers=reporter_h)
        assert response.status_code == 201, (name, await response.get_json())
        made = await response.get_json()
        assert made["status"] == "open" and made["category"] == category
        assert made["outcome"] is None
    mine = await (await client.get("/api/v1/reports", headers=reporter_h)).get_json()
    assert len(mine["items"]) == len(targets)
    kinds = {item["target"].split(":")[0] for item in mine["items"]}
    assert {"action", "message", "member", "association", "https"} <= kinds
    with app.node.db.activate():
        remote = await Report.get(target_id=targets["remote"])
        assert remote.target_kind == "remote"
        local = await Report.filter(target_kind="action").count()
        assert local == 2  # by kind:id and by this node's IRI


async def test_danger_shows_numbers_and_tells_moderators_at_once(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    moderator, _ = await make_member(pseudonym="Modé")
    admin, _ = await make_member(admin=True)
    bystander, _ = await make_member()
    with app.node.db.activate():
        moderator.is_moderator = True
        await moderator.save(update_fields=["is_moderator"])
    _, reporter_h = await make_member()
    target = (await _targets(app, client, make_member))["member"]
    body = {"target": target, "category": "danger", "text": "Il dort dehors par -5 °C"}
    response = await client.post("/api/v1/reports", json=body, headers=reporter_h)
    assert response.status_code == 201
    numbers = {n["number"]: n["label"] for n in (await response.get_json())["emergency_numbers"]}
    assert set(numbers) == {"115", "15", "17", "112", "119"}
    assert "Samu social" in numbers["115"]
    with app.node.db.activate():
        told = await Notification.filter(kind="report_danger").values_list("member_id", "urgent")
    assert set(told) == {(moderator.id, True), (admin.id, True)}
    assert bystander.id not in {m for m, _ in told}


async def test_other_categories_show_no_numbers(client: Any, make_member: MemberFactory) -> None:
    member, _ = await make_member()
    _, reporter_h = await make_member()
    body = {"target": f"member:{member.id}", "category": "spam"}
    made = await (await client.post("/api/v1/reports", json=body, headers=reporter_h)).get_json()
    assert made["emergency_numbers"] == []


async def test_numbers_follow_the_country_and_the_operator(
    node_factory: Any, make_member: MemberFactory
) -> None:
    for settings, expected in (
        ({"country": "CH"}, {"144", "117", "112", "147"}),
        ({"emergency_numbers": "115=Abri,18=Pompiers"}, {"115", "18"}),
    ):
        app = await node_factory(f"n{len(expected)}", **settings)
        member, _ = await make_member(target=app)
        _, reporter_h = await make_member(target=app)
        body = {"target": f"member:{member.id}", "category": "danger"}
        response = await app.test_client().post("/api/v1/reports", json=body, headers=reporter_h)
        numbers = {n["number"] for n in (await response.get_json())["emergency_numbers"]}
        assert numbers == expected


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"target": "action:not-a-uuid", "category": "spam"}, "target"),
        ({"target": "action:6f1c2a1e-0000-4000-8000-000000000000", "category": "spam"}, "target"),
        ({"target": "message:999999", "category": "spam"}, "target"),
        ({"target": "planet:earth", "category": "spam"}, "target"),
        ({"target": "{base}/unknown/x", "category": "spam"}, "target"),
        ({"target": "https://", "category": "spam"}, "target"),
        ({"target": "member:x", "category": "joke"}, "category"),
        ({"target": "member:x", "category": "spam", "text": "x" * 2001}, "text"),
        ({"target": "member:x", "category": "spam", "text": "a\x00b"}, "text"),
        ({"category": "spam"}, "target"),
        ({"target": "member:x", "category": "spam", "extra": 1}, "extra"),
    ],
)
async def test_bad_reports_are_422(
    app: EntraideApp, client: Any, make_member: MemberFactory, body: dict[str, Any], field: str
) -> None:
    _, reporter_h = await make_member()
    if "target" in body:
        body["target"] = body["target"].replace("{base}", app.node.settings.base_url)
    response = await client.post("/api/v1/reports", json=body, headers=reporter_h)
    assert response.status_code == 422
    problem = await response.get_json()
    assert any(field in e["field"] for e in problem["errors"]), problem
    with app.node.db.activate():
        assert await Report.all().count() == 0


async def test_reporting_yourself_is_422(client: Any, make_member: MemberFactory) -> None:
    member, member_h = await make_member()
    body = {"target": f"member:{member.id}", "category": "spam"}
    assert (await client.post("/api/v1/reports", json=body, headers=member_h)).status_code == 422


async def test_anonymous_is_401_and_huge_body_413(client: Any, app: EntraideApp) -> None:
    body = {"target": "member:x", "category": "spam"}
    assert (await client.post("/api/v1/reports", json=body)).status_code == 401
    assert (await client.get("/api/v1/reports")).status_code == 401
    huge = {"target": "member:x", "category": "spam", "text": "x" * 2_000_000}
    assert (await client.post("/api/v1/reports", json=huge)).status_code == 413


async def test_reports_are_rate_limited_per_member(
    node_factory: Any, make_member: MemberFactory
) -> None:
    app = await node_factory("limited", reports_per_hour=2)
    client = app.test_client()
    member, _ = await make_member(target=app)
    _, reporter_h = await make_member(target=app)
    _, other_h = await make_member(target=app)
    body = {"target": f"member:{member.id}", "category": "spam"}
    for _ in range(2):
        assert (
            await client.post("/api/v1/reports", json=body, headers=reporter_h)
        ).status_code == 201
    refused = await client.post("/api/v1/reports", json=body, headers=reporter_h)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    # Another member is not held back.
    assert (await client.post("/api/v1/reports", json=body, headers=other_h)).status_code == 201
