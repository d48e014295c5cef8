"""House rules cited by number: the reporter says which rule was broken, the moderators cite the
rule they enforce, and both read its words (in their language) on the report."""

from __future__ import annotations

from typing import Any

from node.http_state import EntraideApp
from node.models import ModerationEntry, Report
from node.services import house_rules
from tests.conftest import MemberFactory
from tests.factories import post_action

REPORTS = "/api/v1/reports"


async def _setup(app: EntraideApp, client: Any, make_member: MemberFactory) -> tuple[Any, ...]:
    moderator, mod_h = await make_member(pseudonym="Modé")
    with app.node.db.activate():
        moderator.is_moderator = True
        await moderator.save(update_fields=["is_moderator"])
    _, author_h = await make_member(pseudonym="Vendeur")
    _, reporter_h = await make_member(pseudonym="Léa")
    action = await post_action(client, author_h, title="Je vends des tickets")
    return mod_h, reporter_h, action


async def test_reporter_and_moderator_cite_rules(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    mod_h, reporter_h, action = await _setup(app, client, make_member)
    body = {"target": f"action:{action['id']}", "category": "fraud", "rule": 3}
    made = await client.post(REPORTS, json=body, headers=reporter_h)
    assert made.status_code == 201
    report = await made.get_json()
    assert report["rule"]["number"] == 3
    assert report["rule"]["text"] == "Pas de vente ni d'arnaque. L'entraide est gratuite."
    assert report["rule"]["text_en"] == "No selling and no scams. Help is free."
    url = f"/api/v1/moderation/reports/{report['id']}/actions"
    hide = {"verb": "hide", "reason": "Vente", "rule": 3}
    assert (await client.post(url, json=hide, headers=mod_h)).status_code == 200
    warn = {"verb": "warn", "reason": "Vente de tickets", "rule": 3}
    assert (await client.post(url, json=warn, headers=mod_h)).status_code == 200
    done = {"verb": "resolve", "reason": "Retiré", "outcome": "Nous avons agi.", "rule": 3}
    detail = await (await client.post(url, json=done, headers=mod_h)).get_json()
    assert [e["rule"] for e in detail["entries"]] == [3, 3, 3]
    _, admin_h = await make_member(pseudonym="Admin", admin=True)
    log = await (await client.get("/api/v1/moderation/log", headers=admin_h)).get_json()
    assert log["items"][0]["rule"] == 3
    # The reporter reads the rule the moderators applied, in their language.
    mine = await (
        await client.get(REPORTS, headers={**reporter_h, "Accept-Language": "en"})
    ).get_json()
    assert mine["items"][0]["outcome_rule"]["text"] == "No selling and no scams. Help is free."
    assert mine["items"][0]["outcome_rule"]["number"] == 3
    # A rule removed since keeps its words on the report, without a number.
    with app.node.db.activate():
        await house_rules.remove(app.node, 3)
    mine = await (await client.get(REPORTS, headers=reporter_h)).get_json()
    assert mine["items"][0]["rule"]["number"] is None
    assert mine["items"][0]["rule"]["text_fr"].startswith("Pas de vente")


async def test_a_rule_that_does_not_exist_is_422(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    mod_h, reporter_h, action = await _setup(app, client, make_member)
    target = f"action:{action['id']}"
    for rule in (7, 0, "trois"):
        body = {"target": target, "category": "fraud", "rule": rule}
        refused = await client.post(REPORTS, json=body, headers=reporter_h)
        assert refused.status_code == 422, rule
    problem = await (
        await client.post(
            REPORTS, json={"target": target, "category": "fraud", "rule": 7}, headers=reporter_h
        )
    ).get_json()
    assert problem["errors"][0]["field"] == "rule"
    with app.node.db.activate():
        assert await Report.all().count() == 0
    made = await client.post(
        REPORTS, json={"target": target, "category": "fraud"}, headers=reporter_h
    )
    report = await made.get_json()
    assert report["rule"] is None
    url = f"/api/v1/moderation/reports/{report['id']}/actions"
    for verb in ("hide", "warn", "suspend", "resolve", "dismiss"):
        act = {"verb": verb, "reason": "Vente", "rule": 7, "days": 3}
        refused = await client.post(url, json=act, headers=mod_h)
        assert refused.status_code == 422, verb
        assert (await refused.get_json())["errors"][0]["field"] == "rule"
    with app.node.db.activate():
        assert await ModerationEntry.filter(report_id=report["id"]).count() == 0
        assert (await Report.get(id=report["id"])).status == "open"
