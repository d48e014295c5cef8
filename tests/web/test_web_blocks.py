"""Web pages of blocks: the button on an action's page, the list on my page, unblocking."""

from __future__ import annotations

from typing import Any

from node.http_state import EntraideApp
from tests.factories import post_action
from tests.web.conftest import csrf_of, log_in


async def test_block_from_an_action_page_and_unblock(app: EntraideApp, make_member: Any) -> None:
    marc, marc_headers = await make_member(pseudonym="Marc")
    action = await post_action(app.test_client(), marc_headers, title="Un vélo")
    nadia = await log_in(app, make_member, pseudonym="Nadia")
    page = f"/actions/{action['id']}"
    assert "Bloquer cette personne" in await (await nadia.get(page)).get_data(as_text=True)
    token = await csrf_of(nadia, page)
    response = await nadia.post(f"{page}/block-author", form={"csrf_token": token})
    assert response.status_code == 303
    me = await (await nadia.get("/me")).get_data(as_text=True)
    assert "Cette personne est bloquée" in me and "Marc" in me
    assert (await nadia.get(page)).status_code == 404
    # Marc no longer sees Nadia either (both ways) — and the list lets Nadia lift it.
    token = await csrf_of(nadia, "/me")
    bad = await nadia.post("/me/blocks/remove", form={"csrf_token": token, "member_id": "x"})
    assert bad.status_code == 422
    response = await nadia.post(
        "/me/blocks/remove", form={"csrf_token": token, "member_id": str(marc.id)}
    )
    assert response.status_code == 303
    assert "Le blocage est levé." in await (await nadia.get("/me")).get_data(as_text=True)
    assert (await nadia.get(page)).status_code == 200
    again = await nadia.post(
        "/me/blocks/remove", form={"csrf_token": token, "member_id": str(marc.id)}
    )
    assert again.status_code == 404


async def test_visitors_see_no_block_button_and_my_page_lists_nobody(
    app: EntraideApp, make_member: Any
) -> None:
    _, marc_headers = await make_member(pseudonym="Marc")
    action = await post_action(app.test_client(), marc_headers, title="Un vélo")
    visitor = app.test_client()
    page = await (await visitor.get(f"/actions/{action['id']}")).get_data(as_text=True)
    assert "Un vélo" in page and "Bloquer cette personne" not in page
    nadia = await log_in(app, make_member, pseudonym="Nadia")
    body = await (await nadia.get("/me")).get_data(as_text=True)
    assert "Personnes que je bloque" in body and "Personne." in body
