"""Events from another node notify like local ones: a Lyon member answers a Paris need (the
Paris author is told), Paris accepts (the Lyon member is told on Lyon), and their chat messages
notify on both sides — people named by pseudonym, nothing else of theirs."""

from __future__ import annotations

from typing import Any

from node.http_state import EntraideApp
from tests.conftest import NodeFactory
from tests.fedtools import federated_nodes, settle
from tests.node.fed_support import feed, member, need, ok, partner


async def kinds_and_texts(app: EntraideApp, headers: dict[str, str]) -> list[tuple[str, str]]:
    page: dict[str, Any] = await ok(app, "GET", "/api/v1/notifications", headers)
    return [(item["kind"], item["text"]) for item in page["items"]]


async def test_remote_join_answer_and_chat_notify(node_factory: NodeFactory) -> None:
    paris, lyon, pfp = await federated_nodes(node_factory, "paris", "lyon", "pfp")
    apps = (paris, lyon, pfp)
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await partner(lyon, lyon_admin, paris, paris_admin, paris, lyon, pfp)
    _, author = await member(paris, "Léa")
    posted = await ok(paris, "POST", "/api/v1/actions", author, json=need())
    await settle(*apps)
    remote_id = next(a["id"] for a in await feed(lyon) if a["origin"])
    _, helper = await member(lyon, "Nadia")
    parts = f"/api/v1/actions/{remote_id}/participations"
    await ok(lyon, "POST", parts, helper, json={"message": "J'ai un manteau L"})
    await settle(*apps)

    title = posted["title"]
    assert await kinds_and_texts(paris, author) == [
        ("join_asked", f"Nadia demande à participer à « {title} »."),
    ]
    paris_parts = f"/api/v1/actions/{posted['id']}/participations"
    [row] = (await ok(paris, "GET", paris_parts, author))["items"]
    await ok(paris, "PATCH", f"{paris_parts}/{row['id']}", author, json={"status": "accepted"})
    await settle(*apps)
    assert await kinds_and_texts(lyon, helper) == [
        ("join_accepted", f"Votre participation à « {title} » est acceptée."),
    ]

    await ok(
        paris, "POST", f"/api/v1/actions/{posted['id']}/messages", author, json={"body": "Merci !"}
    )
    await settle(*apps)
    await ok(
        lyon, "POST", f"/api/v1/actions/{remote_id}/messages", helper, json={"body": "Avec plaisir"}
    )
    await settle(*apps)
    lyon_kinds = [kind for kind, _ in await kinds_and_texts(lyon, helper)]
    assert lyon_kinds == ["message_posted", "join_accepted"]
    paris_told = await kinds_and_texts(paris, author)
    assert paris_told[0] == ("message_posted", f"Nouveau message de Nadia dans « {title} ».")
