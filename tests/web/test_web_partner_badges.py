"""Between two partner nodes, as people see it: every action, participant and chat line that
comes from the other node shows its author's name and a "which node" badge with that node's
name; the home list can be limited to this node's own actions."""

from __future__ import annotations

import html
from typing import Any

from node.http_state import EntraideApp
from node.models import Member
from tests.conftest import NodeFactory
from tests.factories import PASSWORDS
from tests.fedtools import federated_nodes, settle
from tests.node.fed_support import feed, member, need, ok, partner
from tests.web.conftest import csrf_of

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}


async def text(client: Any, path: str) -> str:
    response = await client.get(path, headers=FR)
    assert response.status_code == 200, path
    return html.unescape(str(await response.get_data(as_text=True)))


async def web_login(app: EntraideApp, row: Member) -> Any:
    with app.node.db.activate():
        await Member.filter(id=row.id).update(password_hash=await PASSWORDS.hash("un mot de passe"))
    client = app.test_client()
    token = await csrf_of(client, "/login")
    response = await client.post(
        "/login", form={"csrf_token": token, "phone": row.phone, "password": "un mot de passe"}
    )
    assert response.status_code == 303
    return client


async def test_names_and_node_badges_across_partner_nodes(node_factory: NodeFactory) -> None:
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await partner(paris, paris_admin, lyon, lyon_admin, paris, lyon)
    lea, lea_token = await member(paris, "Léa")
    posted = await ok(paris, "POST", "/api/v1/actions", lea_token, json=need("Manteau L"))
    await ok(lyon, "POST", "/api/v1/actions", lyon_admin, json=need("Soupe du soir"))
    await settle(paris, lyon)

    # Lyon's home: Paris's need with the badge of its node; "only this node" hides it.
    anonymous = lyon.test_client()
    home = await text(anonymous, "/")
    assert "Manteau L" in home and "sur Entraide paris" in home
    assert "Soupe du soir" in home
    local = await text(anonymous, "/?origin=local")
    assert "Manteau L" not in local and "Soupe du soir" in local
    assert "Seulement ce nœud" in local

    # Lyon's page of Paris's need: its author's name, its node.
    remote = next(a for a in await feed(lyon) if a["title"] == "Manteau L")
    page = await text(anonymous, f"/actions/{remote['id']}")
    assert "Publié par Léa" in page and "sur Entraide paris" in page

    # A Lyon resident answers; on Paris, the author sees who, from which node.
    _, nadia = await member(lyon, "Nadia")
    await ok(
        lyon,
        "POST",
        f"/api/v1/actions/{remote['id']}/participations",
        nadia,
        json={"message": "Je passe samedi"},
    )
    await settle(paris, lyon)
    author = await web_login(paris, lea)
    page = await text(author, f"/actions/{posted['id']}")
    assert "Nadia" in page and "sur Entraide lyon" in page

    rows = (await ok(paris, "GET", f"/api/v1/actions/{posted['id']}/participations", lea_token))[
        "items"
    ]
    await ok(
        paris,
        "PATCH",
        f"/api/v1/actions/{posted['id']}/participations/{rows[0]['id']}",
        lea_token,
        json={"status": "accepted"},
    )
    await settle(paris, lyon)
    await ok(
        lyon,
        "POST",
        f"/api/v1/actions/{remote['id']}/messages",
        nadia,
        json={"body": "À samedi !"},
    )
    await settle(paris, lyon)
    page = await text(author, f"/actions/{posted['id']}")
    chat = page[page.index('id="chat"') :]
    assert "À samedi !" in chat
    assert "Nadia" in chat and "sur Entraide lyon" in chat
