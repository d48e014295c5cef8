"""The house rules through the API: anyone reads them in their language; admins change them,
through the street committee once it sits (202 with the proposal)."""

from __future__ import annotations

from node.http_state import EntraideApp
from tests.node.committee_support import reach_deadline, seat, votes
from tests.node.fed_support import call, member, ok

RULES = "/api/v1/rules"
ADMIN = "/api/v1/admin/rules"
DRUGS = {"text_fr": "Pas de drogue.", "text_en": "No drugs."}


async def test_anyone_reads_the_rules_in_their_language(app: EntraideApp) -> None:
    french = await ok(app, "GET", RULES, {})
    assert [r["number"] for r in french["items"]] == [1, 2, 3, 4, 5, 6]
    assert french["items"][0]["text"] == "Pas d'insultes ni de menaces."
    assert french["items"][0]["text_en"] == "No insults or threats."
    english = await ok(app, "GET", RULES, {"Accept-Language": "en-GB,en;q=0.9"})
    assert english["items"][0]["text"] == "No insults or threats."
    asked = await ok(app, "GET", f"{RULES}?lang=fr", {"Accept-Language": "en"})
    assert asked["items"][0]["text"] == "Pas d'insultes ni de menaces."
    status, body = await call(app, "GET", f"{RULES}?lang=de")
    assert status == 422 and body["errors"][0]["field"] == "lang"


async def test_an_admin_changes_the_rules(app: EntraideApp) -> None:
    _, admin = await member(app, "Admin", admin=True)
    status, body = await call(app, "POST", ADMIN, admin, json={**DRUGS, "position": 2})
    assert status == 201 and body["items"][1]["text"] == "Pas de drogue."
    body = await ok(app, "PUT", f"{ADMIN}/2", admin, json={**DRUGS, "text_en": "No drugs here."})
    assert body["items"][1]["text_en"] == "No drugs here."
    body = await ok(app, "PUT", f"{ADMIN}/order", admin, json={"order": [2, 1, 3, 4, 5, 6, 7]})
    assert body["items"][0]["text_fr"] == "Pas de drogue."
    body = await ok(app, "DELETE", f"{ADMIN}/1", admin)
    assert body["items"][0]["text_fr"] == "Pas d'insultes ni de menaces."
    assert len((await ok(app, "GET", RULES, {}))["items"]) == 6


async def test_what_the_admin_routes_refuse(app: EntraideApp) -> None:
    _, admin = await member(app, "Admin", admin=True)
    _, resident = await member(app, "Léa")
    first = (await ok(app, "GET", RULES, {}))["items"][0]
    routes = [
        ("POST", ADMIN, DRUGS),
        ("PUT", f"{ADMIN}/1", DRUGS),
        ("DELETE", f"{ADMIN}/1", None),
        ("PUT", f"{ADMIN}/order", {"order": [2, 1, 3, 4, 5, 6]}),
    ]
    for method, path, body in routes:
        assert (await call(app, method, path, json=body))[0] == 401, path
        assert (await call(app, method, path, resident, json=body))[0] == 403, path
    assert (await call(app, "PUT", f"{ADMIN}/9", admin, json=DRUGS))[0] == 404
    assert (await call(app, "DELETE", f"{ADMIN}/7", admin))[0] == 404
    twin = {"text_fr": first["text_fr"].upper(), "text_en": "Something else."}
    status, body = await call(app, "POST", ADMIN, admin, json=twin)
    assert status == 409 and body["detail"] == "Another rule says this already."
    refused = [
        ("POST", ADMIN, {**DRUGS, "text_fr": "  "}, "text_fr"),
        ("POST", ADMIN, {**DRUGS, "text_en": "x" * 301}, "text_en"),
        ("POST", ADMIN, {**DRUGS, "text_en": "deux\nlignes"}, "text_en"),
        ("POST", ADMIN, {**DRUGS, "position": 8}, "position"),
        ("PUT", f"{ADMIN}/1", {"text_fr": first["text_fr"], "text_en": first["text_en"]}, ""),
        ("PUT", f"{ADMIN}/order", {"order": [1, 2, 3, 4, 5, 6]}, "order"),
        ("PUT", f"{ADMIN}/order", {"order": [1, 2, 3]}, "order"),
        ("PUT", f"{ADMIN}/order", {"order": [0, 1, 2, 3, 4, 5]}, ""),
    ]
    for method, path, body, field in refused:
        status, problem = await call(app, method, path, admin, json=body)
        assert status == 422, (path, body)
        if field:
            assert problem["errors"][0]["field"] == field, (path, problem)
    assert (await ok(app, "GET", RULES, {}))["items"][0] == first
    assert len((await ok(app, "GET", RULES, {}))["items"]) == 6


async def test_the_committee_decides_on_the_rules(app: EntraideApp) -> None:
    people = await seat(app, 2, quorum=2)
    _, admin = await member(app, "Admin", admin=True)
    status, body = await call(app, "DELETE", f"{ADMIN}/2", admin)
    assert status == 202, body
    proposal = body["proposal"]
    assert proposal["kind"] == "moderation.rules" and proposal["gate"] == "moderation"
    assert proposal["before"]["2"].startswith("Aucune adresse exacte")
    assert "2" in proposal["after"] and not proposal["after"]["2"].startswith("Aucune adresse")
    assert len((await ok(app, "GET", RULES, {}))["items"]) == 6  # nothing changed yet
    await votes(app, str(proposal["id"]), people, "for", "for")
    assert await reach_deadline(app) == 1
    rules = (await ok(app, "GET", RULES, {}))["items"]
    assert len(rules) == 5 and rules[1]["text_fr"].startswith("Pas de vente")


async def test_a_refused_change_of_the_rules_changes_nothing(app: EntraideApp) -> None:
    people = await seat(app, 2, quorum=2)
    _, admin = await member(app, "Admin", admin=True)
    before = await ok(app, "GET", RULES, {})
    status, body = await call(app, "POST", ADMIN, admin, json=DRUGS)
    assert status == 202
    await votes(app, str(body["proposal"]["id"]), people, "against", "against")
    assert await reach_deadline(app) == 1
    assert await ok(app, "GET", RULES, {}) == before


async def test_rewording_and_reordering_wait_for_the_committee(app: EntraideApp) -> None:
    people = await seat(app, 1, quorum=1)
    _, admin = await member(app, "Admin", admin=True)
    before = await ok(app, "GET", RULES, {})
    status, body = await call(app, "PUT", f"{ADMIN}/2", admin, json=DRUGS)
    assert status == 202 and body["proposal"]["kind"] == "moderation.rules"
    assert body["proposal"]["after"]["2"] == "Pas de drogue. / No drugs."
    # One change of the rules at a time: reordering waits for this vote.
    order = {"order": [2, 1, 3, 4, 5, 6]}
    assert (await call(app, "PUT", f"{ADMIN}/order", admin, json=order))[0] == 409
    assert await ok(app, "GET", RULES, {}) == before
    await votes(app, str(body["proposal"]["id"]), people, "against")
    assert await reach_deadline(app) == 1
    assert await ok(app, "GET", RULES, {}) == before
    status, body = await call(app, "PUT", f"{ADMIN}/order", admin, json=order)
    assert status == 202 and "street committee" in body["detail"]
    assert await ok(app, "GET", RULES, {}) == before
