"""The documents a node serves, held to what Mastodon, GoToSocial and JSON-LD processors do.

- every document expands with pyld, its Entraide context fetched from the node over HTTP, and
  loses no term on the way (a context nobody serves makes processors drop them);
- actors carry ``following``, ``icon`` and ``discoverable``, say the same ``nodeKind`` as
  NodeInfo, answer ``application/json``;
- WebFinger finds associations whatever the case, and members (Mastodon checks it);
- a fetched action has the audience of its delivered copy; a new object does not say
  ``updated`` (Mastodon would mark it edited);
- the instance outbox counts what the node publishes.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pyld import jsonld

from federation.context import document_loader
from federation.vocab import AS2_NS, ENTRAIDE_NS, VALUEFLOWS_NS
from node.http_state import EntraideApp
from node.models import Association, AssociationStatus
from tests.conftest import NodeFactory
from tests.fedtools import settle
from tests.node.fed_support import member, need, ok

BASE = "http://node.test"
AP = {"Accept": "application/activity+json"}


@pytest.fixture
async def node(node_factory: NodeFactory) -> EntraideApp:
    return await node_factory("node", base_url=BASE, federation_allow_private=True)


async def get(node: EntraideApp, path: str, headers: dict[str, str] | None = None) -> Any:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=node), base_url=BASE) as c:
        return await c.get(path, headers=headers or AP)


async def scene(node: EntraideApp) -> dict[str, str]:
    """An approved association, a resident with a public need: the paths of their documents."""
    with node.node.db.activate():
        association = await Association.create(
            name="Maraude Nord", slug="Maraude-Nord", status=AssociationStatus.APPROVED
        )
    resident, headers = await member(node, "Léa")
    action = await ok(node, "POST", "/api/v1/actions", headers, json=need())
    _, admin = await member(node, "Admin", admin=True)
    place = {
        "name": "Bains-douches",
        "categories": ["shower"],
        "lat": 48.8655,
        "lon": 2.374,
        "address": "42 rue Oberkampf",
        "opening_hours": "Mo-Sa 08:00-19:00",
        "closed_from": "2027-01-04",
        "website": "https://bains.example/",
        "free": True,
    }
    posted = await ok(node, "POST", "/api/v1/places", admin, json=place)
    await ok(node, "PATCH", f"/api/v1/places/{posted['id']}", admin, json={"full_tonight": True})
    await settle(node)
    return {
        "association": f"/associations/{association.id}",
        "member": f"/members/{resident.id}",
        "action": f"/actions/{action['id']}",
        "place": f"/guide/{posted['id']}",
    }


def keys(value: Any) -> set[str]:
    """Every property name in a JSON tree (the words a JSON-LD processor must understand)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key != "@context":
                found.add(key)
                found |= keys(item)
    elif isinstance(value, list):
        for item in value:
            found |= keys(item)
    return found


async def test_every_document_expands_with_the_context_the_node_serves(
    node: EntraideApp,
) -> None:
    paths = await scene(node)
    context = await get(node, "/contexts/entraide/v1", {"Accept": "application/ld+json"})
    assert context.status_code == 200
    assert context.headers["content-type"] == "application/ld+json"
    assert "max-age=" in context.headers["cache-control"]
    assert context.headers["access-control-allow-origin"] == "*"
    again = await get(node, "/contexts/entraide/v1", {"If-None-Match": context.headers["etag"]})
    assert again.status_code == 304
    served = {f"{BASE}/contexts/entraide/v1": context.json()}

    def loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        if url in served:  # the node's own context: what the node answered over HTTP
            return {"contextUrl": None, "documentUrl": url, "document": served[url]}
        return document_loader(url, options)  # AS2 and security contexts, shipped

    outbox = (await get(node, "/actor/outbox?page=1")).json()
    activity_path = outbox["orderedItems"][0]["id"].removeprefix(BASE)
    documents = [
        "/actor",
        paths["association"],
        paths["member"],
        paths["action"],
        paths["place"],
        "/actor/outbox",
        "/actor/outbox?page=1",
        "/actor/followers",
        "/actor/following",
        f"{paths['association']}/following",
        activity_path,
    ]
    for path in documents:
        response = await get(node, path)
        assert response.status_code == 200, path
        document = response.json()
        assert f"{BASE}/contexts/entraide/v1" in document["@context"], path
        assert "https://w3id.org/entraide/v1" not in document["@context"], path
        expanded = jsonld.expand(document, {"documentLoader": loader})
        compacted = jsonld.compact(expanded, document["@context"], {"documentLoader": loader})
        lost = keys(document) - keys(compacted)
        assert not lost, f"{path}: terms dropped by JSON-LD processing: {sorted(lost)}"

    action = (await get(node, paths["action"])).json()
    expanded = jsonld.expand(action, {"documentLoader": loader})[0]
    assert set(expanded["@type"]) == {f"{AS2_NS}Note", f"{VALUEFLOWS_NS}Proposal"}
    assert f"{ENTRAIDE_NS}actionKind" in expanded


async def test_deliveries_name_the_served_context(node: EntraideApp) -> None:
    await scene(node)
    outbox = (await get(node, "/actor/outbox?page=1")).json()
    activity = (await get(node, outbox["orderedItems"][0]["id"].removeprefix(BASE))).json()
    assert activity["@context"][-1] == f"{BASE}/contexts/entraide/v1"


async def test_actors_carry_what_mastodon_reads(node: EntraideApp) -> None:
    paths = await scene(node)
    instance = (await get(node, "/actor")).json()
    association = (await get(node, paths["association"])).json()
    resident = (await get(node, paths["member"])).json()
    for actor in (instance, association, resident):
        assert actor["following"] == f"{actor['id']}/following"
        assert isinstance(actor["discoverable"], bool)
    assert instance["discoverable"] and association["discoverable"]
    assert resident["discoverable"] is False  # residents are not suggested to strangers
    icon = instance["icon"]
    assert icon["type"] == "Image" and icon["mediaType"] == "image/png"
    logo = await get(node, icon["url"].removeprefix(BASE), {"Accept": "image/*"})
    assert logo.status_code == 200 and logo.content.startswith(b"\x89PNG")
    nodeinfo = (await get(node, "/nodeinfo/2.1", {"Accept": "application/json"})).json()
    assert instance["nodeKind"] == nodeinfo["metadata"]["nodeKind"] == "municipality"


async def test_the_node_logo_is_a_setting(node_factory: NodeFactory) -> None:
    node = await node_factory("logo", base_url=BASE, node_icon_url="https://cdn.example/logo.png")
    instance = (await get(node, "/actor")).json()
    assert instance["icon"]["url"] == "https://cdn.example/logo.png"


@pytest.mark.parametrize("accept", ["application/json", "*/*", ""])
async def test_the_instance_actor_answers_json_clients(node: EntraideApp, accept: str) -> None:
    response = await get(node, "/actor", {"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.json()["type"] == "Application"


async def test_a_browser_still_gets_pages(node: EntraideApp) -> None:
    paths = await scene(node)
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    assert (await get(node, "/actor", browser)).status_code == 302
    page = await get(node, paths["action"], browser)
    assert page.headers["content-type"].startswith("text/html")
    as_json = await get(node, paths["action"], {"Accept": "application/json"})
    assert as_json.json()["type"] == ["Note", "Proposal"]


async def test_webfinger_ignores_case_and_finds_members(node: EntraideApp) -> None:
    paths = await scene(node)
    for resource in ("acct:maraude-nord@node.test", "acct:MARAUDE-NORD@Node.Test"):
        response = await get(node, f"/.well-known/webfinger?resource={resource}", {})
        assert response.status_code == 200, resource
        assert response.json()["links"][0]["href"] == f"{BASE}{paths['association']}"
    resident = (await get(node, paths["member"])).json()
    acct = f"acct:{resident['preferredUsername']}@node.test"
    found = await get(node, f"/.well-known/webfinger?resource={acct}", {})
    assert found.status_code == 200
    assert found.json()["links"][0]["href"] == resident["id"]
    for unknown in ("acct:m-00000000@node.test", "acct:m-zz@node.test", "acct:m-@node.test"):
        response = await get(node, f"/.well-known/webfinger?resource={unknown}", {})
        assert response.status_code == 404, unknown


async def test_a_fetched_action_is_addressed_like_its_delivered_copy(node: EntraideApp) -> None:
    paths = await scene(node)
    fetched = (await get(node, paths["action"])).json()
    outbox = (await get(node, "/actor/outbox?page=1")).json()
    create = next(a for a in outbox["orderedItems"] if a["type"] == "Create")
    delivered = create["object"]
    assert fetched["to"] == delivered["to"] == ["https://www.w3.org/ns/activitystreams#Public"]
    assert fetched["cc"] == delivered["cc"] == [f"{BASE}/actor/followers"]
    assert "updated" not in fetched and "updated" not in delivered
    assert "summary" not in fetched


async def test_only_public_local_actions_are_served(node: EntraideApp) -> None:
    _, headers = await member(node, "Karim")
    private = await ok(node, "POST", "/api/v1/actions", headers, json=need(visibility="node"))
    response = await get(node, f"/actions/{private['id']}")
    assert response.status_code == 404


async def test_an_edit_says_updated(node: EntraideApp) -> None:
    _, headers = await member(node, "Nadia")
    action = await ok(node, "POST", "/api/v1/actions", headers, json=need())
    await ok(node, "PATCH", f"/api/v1/actions/{action['id']}", headers, json={"title": "Autre"})
    outbox = (await get(node, "/actor/outbox?page=1")).json()
    update = next(a for a in outbox["orderedItems"] if a["type"] == "Update")
    assert update["object"]["updated"].endswith("Z")
    assert "." in update["object"]["updated"]  # milliseconds: edits within a second ordered


async def test_the_instance_outbox_counts_what_the_node_publishes(node: EntraideApp) -> None:
    await scene(node)
    outbox = (await get(node, "/actor/outbox")).json()
    assert outbox["totalItems"] >= 1
    page = (await get(node, "/actor/outbox?page=1")).json()
    assert len(page["orderedItems"]) == outbox["totalItems"]
