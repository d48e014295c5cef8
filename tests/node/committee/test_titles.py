"""A proposal's title is written in French and in English: the committee's pages, the
proposals API and the public decisions show the reader's language; a proposal opened before
titles were written in English shows its French title to everyone."""

from __future__ import annotations

import html

from node.http_state import EntraideApp
from node.models import CommitteeProposal
from tests.conftest import MemberFactory
from tests.node.committee_support import reach_deadline, seat, vote
from tests.node.fed_support import call, member, ok
from tests.web.conftest import log_in

BLOCKS = "/api/v1/admin/federation/blocks"
EN = {"Accept-Language": "en-GB,en;q=0.9"}
FR = {"Accept-Language": "fr-FR,fr;q=0.9"}


async def _decided_block(app: EntraideApp) -> tuple[dict[str, str], str]:
    [(_, sitting)] = await seat(app, 1, quorum=1)
    _, admin = await member(app, "Admin", admin=True)
    status, body = await call(app, "POST", BLOCKS, admin, json={"domain": "spam.example"})
    assert status == 202, body
    proposal_id = str(body["proposal"]["id"])
    await vote(app, proposal_id, sitting, "for")
    await reach_deadline(app)
    return admin, proposal_id


async def test_proposals_and_decisions_answer_in_the_language_asked(app: EntraideApp) -> None:
    admin, proposal_id = await _decided_block(app)
    path = f"/api/v1/committee/proposals/{proposal_id}"
    french = await ok(app, "GET", path, admin)
    assert french["title"] == "Bloquer spam.example"
    assert french["title_fr"] == "Bloquer spam.example"
    assert french["title_en"] == "Block spam.example"
    assert (await ok(app, "GET", f"{path}?lang=en", admin))["title"] == "Block spam.example"
    assert (await ok(app, "GET", path, {**admin, **EN}))["title"] == "Block spam.example"
    listed = await ok(app, "GET", "/api/v1/committee/proposals?lang=en", admin)
    assert [p["title"] for p in listed["items"]] == ["Block spam.example"]

    [anonymous] = (await ok(app, "GET", "/api/v1/decisions", {}))["items"]
    assert anonymous["title"] == "Bloquer spam.example"
    assert anonymous["title_en"] == "Block spam.example"
    [english] = (await ok(app, "GET", "/api/v1/decisions", EN))["items"]
    assert english["title"] == "Block spam.example"
    # ?lang= wins over the header.
    [asked] = (await ok(app, "GET", "/api/v1/decisions?lang=fr", EN))["items"]
    assert asked["title"] == "Bloquer spam.example"
    one = await ok(app, "GET", f"/api/v1/decisions/{english['id']}?lang=en", {})
    assert one["title"] == "Block spam.example"
    # The summaries keep both languages whatever the choice.
    assert english["summary_fr"].startswith("Nous refuserions")
    assert english["summary_en"].startswith("We would refuse")


async def test_a_language_the_node_does_not_speak_is_refused(app: EntraideApp) -> None:
    _, admin = await member(app, "Admin", admin=True)
    status, body = await call(app, "GET", "/api/v1/decisions?lang=de")
    assert status == 422 and body["errors"][0]["field"] == "lang"
    status, _ = await call(app, "GET", "/api/v1/committee/proposals?lang=de", admin)
    assert status == 422
    # A header the node cannot satisfy falls back to the node's language.
    assert (await ok(app, "GET", "/api/v1/decisions", {"Accept-Language": "de"}))["items"] == []


async def test_pages_show_the_title_in_the_readers_language(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    admin, proposal_id = await _decided_block(app)
    reader = await log_in(app, make_member, admin=True)
    page_fr = html.unescape(
        await (await reader.get(f"/committee/proposals/{proposal_id}", headers=FR)).get_data(True)
    )
    assert "<h1>Bloquer spam.example</h1>" in page_fr
    page_en = html.unescape(
        await (await reader.get(f"/committee/proposals/{proposal_id}?lang=en")).get_data(True)
    )
    assert "<h1>Block spam.example</h1>" in page_en
    # An open vote in the committee's list (the reader chose English above: a cookie keeps it).
    status, _ = await call(app, "DELETE", f"{BLOCKS}/spam.example", admin)
    assert status == 202
    committee_en = html.unescape(await (await reader.get("/committee")).get_data(True))
    assert "Unblock spam.example" in committee_en and "Débloquer" not in committee_en
    client = app.test_client()
    listing_fr = html.unescape(await (await client.get("/decisions", headers=FR)).get_data(True))
    assert "Bloquer spam.example" in listing_fr and "Block spam.example" not in listing_fr
    listing_en = html.unescape(await (await client.get("/decisions", headers=EN)).get_data(True))
    assert "Block spam.example" in listing_en and "Bloquer spam.example" not in listing_en
    with app.node.db.activate():
        proposal = await CommitteeProposal.get(id=proposal_id).prefetch_related("decision")
        decision_id = proposal.decision.id  # type: ignore[attr-defined]
    page = await (await client.get(f"/decisions/{decision_id}?lang=en")).get_data(True)
    assert "<h1>Block spam.example</h1>" in html.unescape(page)


async def test_a_proposal_without_an_english_title_shows_the_french_one(
    app: EntraideApp,
) -> None:
    _, proposal_id = await _decided_block(app)
    with app.node.db.activate():
        await CommitteeProposal.filter(id=proposal_id).update(title_en="")
    [item] = (await ok(app, "GET", "/api/v1/decisions?lang=en", {}))["items"]
    assert item["title"] == item["title_en"] == "Bloquer spam.example"
    page = await (await app.test_client().get("/decisions?lang=en")).get_data(True)
    assert "Bloquer spam.example" in html.unescape(page)
