"""The charter: read by anyone, accepted at sign-up and again when it changes (403 until then,
except reading and accepting it, exporting and deleting the account), changed by the street
committee."""

from __future__ import annotations

from typing import Any

from node.http_state import EntraideApp
from node.models import CharterAcceptance, CharterVersion, Member
from tests.node.committee_support import reach_deadline, seat, votes
from tests.node.fed_support import call, member, ok

CHARTER = "/api/v1/charter"
ADMIN_CHARTER = "/api/v1/admin/charter"
NEW = {
    "text_fr": "Charte\n\n1. Je respecte tout le monde.\n",
    "text_en": "Charter\n\n1. I respect everyone.\n",
}
SIGN_UP = {"phone": "06 12 34 56 78", "email": "lea@example.org", "password": "un mot de passe"}


async def test_anyone_reads_the_shipped_charter(app: EntraideApp) -> None:
    status, body = await call(app, "GET", CHARTER)
    assert status == 200
    assert body["version"] == 1 and body["published_at"] is None
    assert "argent" in body["text_fr"] and "money" in body["text_en"]
    assert "vie privée" in body["text_fr"] and body["must_accept"] is False


async def test_sign_up_needs_the_charter_accepted(app: EntraideApp) -> None:
    status, body = await call(app, "POST", "/api/v1/members", json=SIGN_UP)
    assert status == 422 and body["errors"][0]["field"] == "accept_charter"
    stale = {**SIGN_UP, "accept_charter": True, "charter_version": 7}
    status, body = await call(app, "POST", "/api/v1/members", json=stale)
    assert status == 409, body
    with app.node.db.activate():
        assert not await Member.filter(email="lea@example.org").exists()
    status, body = await call(
        app, "POST", "/api/v1/members", json={**SIGN_UP, "accept_charter": True}
    )
    assert status == 201, body
    with app.node.db.activate():
        accepted = await CharterAcceptance.get(member_id=body["id"])
    assert accepted.version == 1 and accepted.accepted_at is not None


async def _publish(app: EntraideApp, admin: dict[str, str]) -> Any:
    return await call(app, "PUT", ADMIN_CHARTER, admin, json=NEW)


async def test_a_new_version_is_accepted_again_before_anything_else(app: EntraideApp) -> None:
    _, admin = await member(app, "Admin", admin=True)
    lea, headers = await member(app, "Léa")
    status, body = await _publish(app, admin)  # no committee yet: the admin decides
    assert status == 201 and body["version"] == 2
    # Léa accepted version 1: she is stopped until she accepts version 2.
    status, body = await call(app, "GET", "/api/v1/me", headers)
    assert status == 403 and body["type"] == "/problems/charter-not-accepted"
    assert "/api/v1/charter" in body["detail"]
    status, _ = await call(app, "GET", "/api/v1/notifications", headers)
    assert status == 403
    # Still open: reading the charter, exporting her data.
    charter = await ok(app, "GET", CHARTER, headers)
    assert charter["must_accept"] is True and charter["accepted_version"] == 1
    assert charter["text_fr"] == NEW["text_fr"]
    assert (await call(app, "GET", "/api/v1/me/export", headers))[0] == 200
    # Accepting an older version is refused; the one in force lets her in.
    status, _ = await call(app, "POST", f"{CHARTER}/accept", headers, json={"version": 1})
    assert status == 409
    status, _ = await call(app, "POST", f"{CHARTER}/accept", headers, json={"version": 0})
    assert status == 422
    accepted = await ok(app, "POST", f"{CHARTER}/accept", headers, json={"version": 2})
    assert accepted["version"] == 2
    assert (await call(app, "GET", "/api/v1/me", headers))[0] == 200
    with app.node.db.activate():
        versions = await CharterAcceptance.filter(member_id=lea.id).values_list(
            "version", flat=True
        )
    assert sorted(versions) == [1, 2]  # when each version was accepted stays on record


async def test_deleting_the_account_needs_no_acceptance(app: EntraideApp, make_member: Any) -> None:
    _, admin = await member(app, "Admin", admin=True)
    lea, headers = await make_member(password="un mot de passe")
    await _publish(app, admin)
    status, _ = await call(
        app, "DELETE", "/api/v1/me", headers, json={"password": "un mot de passe"}
    )
    assert status == 204
    with app.node.db.activate():
        assert not await Member.filter(id=lea.id).exists()


async def test_publishing_rejections(app: EntraideApp) -> None:
    _, admin = await member(app, "Admin", admin=True)
    _, resident = await member(app, "Léa")
    assert (await call(app, "PUT", ADMIN_CHARTER, json=NEW))[0] == 401
    assert (await call(app, "PUT", ADMIN_CHARTER, resident, json=NEW))[0] == 403
    status, _ = await call(app, "PUT", ADMIN_CHARTER, admin, json={**NEW, "text_fr": ""})
    assert status == 422
    status, body = await call(app, "PUT", ADMIN_CHARTER, admin, json={**NEW, "text_fr": " \n "})
    assert status == 422 and body["errors"][0]["field"] == "text_fr"
    status, _ = await call(app, "PUT", ADMIN_CHARTER, admin, json={**NEW, "text_en": "x" * 20_001})
    assert status == 422
    shipped = await ok(app, "GET", CHARTER, admin)
    same = {"text_fr": shipped["text_fr"], "text_en": shipped["text_en"]}
    status, body = await call(app, "PUT", ADMIN_CHARTER, admin, json=same)
    assert status == 422  # unchanged
    with app.node.db.activate():
        assert await CharterVersion.all().count() == 0


async def test_the_committee_decides_on_the_charter(app: EntraideApp) -> None:
    people = await seat(app, 2, quorum=2)
    _, admin = await member(app, "Admin", admin=True)
    status, body = await _publish(app, admin)
    assert status == 202, body
    proposal = body["proposal"]
    assert proposal["kind"] == "charter.change" and proposal["gate"] == "charter"
    assert proposal["before"]["version"] == "1" and proposal["after"]["version"] == "2"
    assert "+ 1. Je respecte tout le monde." in proposal["after"]["changed_fr"]
    assert any(line.startswith("- ") for line in proposal["after"]["changed_fr"].splitlines())
    assert (await ok(app, "GET", CHARTER, admin))["version"] == 1  # nothing changed yet
    await votes(app, str(proposal["id"]), people, "for", "for")
    assert await reach_deadline(app) == 1
    charter = await ok(app, "GET", CHARTER, {})
    assert charter["version"] == 2 and charter["text_en"] == NEW["text_en"]
    # The committee's own members accept the new text like everyone else.
    status, body = await call(app, "GET", "/api/v1/me", people[0][1])
    assert status == 403 and body["type"] == "/problems/charter-not-accepted"


async def test_a_refused_charter_changes_nothing(app: EntraideApp) -> None:
    people = await seat(app, 2, quorum=2)
    _, admin = await member(app, "Admin", admin=True)
    status, body = await _publish(app, admin)
    assert status == 202
    await votes(app, str(body["proposal"]["id"]), people, "against", "for")
    assert await reach_deadline(app) == 1
    assert (await ok(app, "GET", CHARTER, {}))["version"] == 1
    assert (await call(app, "GET", "/api/v1/me", people[0][1]))[0] == 200
