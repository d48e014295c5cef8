"""Reports across servers: a Flag goes out only when a moderator chooses, from the instance
actor, shaped as Mastodon sends it; Flags shaped as Mastodon and GoToSocial send them land in
the queue and change nothing by themselves."""

from __future__ import annotations

from typing import Any

import pytest

from node import clock
from node.fed.processing import process_due
from node.http_state import EntraideApp
from node.models import (
    Action,
    Delivery,
    InboxItem,
    InboxStatus,
    Member,
    Notification,
    OutboxActivity,
    RemoteActor,
    Report,
)
from tests.conftest import NodeFactory
from tests.factories import need_body as need
from tests.fedtools import facing_fediverse
from tests.node.fed_support import member, ok

BASE = "http://node.test"
INBOX = f"{BASE}/inbox"
TROLL = "https://mastodon.test/users/troll"


@pytest.fixture
async def node(node_factory: NodeFactory) -> EntraideApp:
    return await node_factory("node", base_url=BASE, federation_allow_private=True)


async def _moderator(app: EntraideApp) -> dict[str, str]:
    moderator, headers = await member(app, "Modé")
    with app.node.db.activate():
        await Member.filter(id=moderator.id).update(is_moderator=True)
    return headers


async def test_a_flag_goes_out_only_when_a_moderator_chooses(node: EntraideApp) -> None:
    mod_h = await _moderator(node)
    _, reporter_h = await member(node, "Lina")
    with node.node.db.activate():
        await RemoteActor.create(
            ap_id=TROLL,
            type="Person",
            domain="mastodon.test",
            inbox=f"{TROLL}/inbox",
            shared_inbox="https://mastodon.test/inbox",
            fetched_at=clock.now(),
        )
    post = f"{TROLL}/statuses/110"
    body = {"target": post, "category": "harassment", "text": "Lina, 06 12 34 56 78, insultée"}
    report = await ok(node, "POST", "/api/v1/reports", reporter_h, json=body)
    with node.node.db.activate():
        assert await OutboxActivity.filter(type="Flag").count() == 0  # never automatic
        assert (await Report.get(id=report["id"])).target_actor_iri == TROLL

    url = f"/api/v1/moderation/reports/{report['id']}/flag"
    kept = "Insultes répétées envers une membre de notre nœud."
    forwarded = await ok(node, "POST", url, mod_h, json={"text": kept})
    assert forwarded["context"]["forwarded_at"] is not None
    assert forwarded["entries"][-1]["verb"] == "forward"
    with node.node.db.activate():
        [flag] = await OutboxActivity.filter(type="Flag")
        [delivery] = await Delivery.filter(activity_id=flag.id)
    assert flag.body["actor"] == f"{BASE}/actor"  # the instance actor, never the reporter
    assert flag.body["object"] == [TROLL, post]
    assert flag.body["content"] == kept
    assert "Lina" not in str(flag.body) and "06 12" not in str(flag.body)
    assert delivery.inbox_url == "https://mastodon.test/inbox"
    client = node.test_client()
    again = await client.post(url, json={"text": kept}, headers=mod_h)
    assert again.status_code == 422  # once per report


async def test_forwarding_refusals(node: EntraideApp) -> None:
    mod_h = await _moderator(node)
    someone, other_h = await member(node, "Noé")
    _, reporter_h = await member(node, "Lina")
    client = node.test_client()
    local = await ok(
        node,
        "POST",
        "/api/v1/reports",
        reporter_h,
        json={"target": f"member:{someone.id}", "category": "spam"},
    )
    local_url = f"/api/v1/moderation/reports/{local['id']}/flag"
    # A local member's report is for this node's moderators only.
    assert (await client.post(local_url, json={}, headers=mod_h)).status_code == 422
    unknown = await ok(
        node,
        "POST",
        "/api/v1/reports",
        other_h,
        json={"target": "https://far.test/notes/1", "category": "spam"},
    )
    unknown_url = f"/api/v1/moderation/reports/{unknown['id']}/flag"
    assert (await client.post(unknown_url, json={}, headers=mod_h)).status_code == 422
    long = {"text": "x" * 1001}
    assert (await client.post(unknown_url, json=long, headers=mod_h)).status_code == 422
    assert (await client.post(unknown_url, json={}, headers=other_h)).status_code == 403
    assert (await client.post(unknown_url, json={})).status_code == 401
    missing = "/api/v1/moderation/reports/99999/flag"
    assert (await client.post(missing, json={}, headers=mod_h)).status_code == 404
    with node.node.db.activate():
        assert await OutboxActivity.filter(type="Flag").count() == 0


def _mastodon_flag(actor: str, objects: list[str]) -> dict[str, Any]:
    """As app/serializers/activitypub/flag_serializer.rb writes it (an opaque id, no to)."""
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": "https://mastodon.test/4a2d2f63-8f66-4c7e-9b53-5d3c54d1d6a1",
        "type": "Flag",
        "actor": actor,
        "content": "Arnaque : demande de l'argent en message privé",
        "object": objects,
    }


def _gotosocial_flag(actor: str, target: str) -> dict[str, Any]:
    """As GoToSocial sends a report: from its instance account, ``object`` a lone IRI when
    only the account is reported, the comment in ``content``, addressed to the account."""
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": "https://gts.test/reports/01HF1ZB9W5S5M1T3R8K8R9Y3QZ",
        "type": "Flag",
        "actor": actor,
        "content": "<p>spam, encore du spam</p>",
        "object": target,
        "to": target,
    }


async def test_mastodon_and_gotosocial_flags_land_in_the_queue(node: EntraideApp) -> None:
    fedi = facing_fediverse(node)
    mastodon = fedi.add_actor("mastodon.test", "mastodon.test", type="Application")
    gotosocial = fedi.add_actor("gts.test", "gts.test", type="Application", software="gotosocial")
    mod_h = await _moderator(node)
    author, author_h = await member(node, "Léa")
    posted = await ok(node, "POST", "/api/v1/actions", author_h, json=need("Prête une perceuse"))
    action_iri = f"{BASE}/actions/{posted['id']}"
    author_iri = f"{BASE}/members/{author.id}"

    masto = _mastodon_flag(mastodon.id, [author_iri, action_iri])
    assert (await mastodon.post(fedi, INBOX, masto)).status_code == 202
    gts = _gotosocial_flag(gotosocial.id, author_iri)
    assert (await gotosocial.post(fedi, INBOX, gts)).status_code == 202
    # The same Flag twice is one report; a Flag about someone else's content is ignored.
    assert (await mastodon.post(fedi, INBOX, masto)).status_code in (200, 202)
    elsewhere = _mastodon_flag(mastodon.id, ["https://other.test/users/x"])
    elsewhere["id"] = "https://mastodon.test/another-flag"
    assert (await mastodon.post(fedi, INBOX, elsewhere)).status_code == 202
    with node.node.db.activate():
        await process_due(node.node)
        statuses = sorted(str(i.status) for i in await InboxItem.filter(type="Flag"))
        assert statuses.count(str(InboxStatus.DONE)) == 2
        assert InboxStatus.FAILED not in statuses
        reports = {r.origin_domain: r for r in await Report.all()}
        told = await Notification.filter(kind="report_received").count()
        # Nothing acted by itself: the action and its author are untouched.
        assert (await Action.get(id=posted["id"])).status == "open"
        fresh = await Member.get(id=author.id)
        assert fresh.suspended_until is None and fresh.banned_at is None
    assert set(reports) == {"mastodon.test", "gts.test"}
    assert reports["mastodon.test"].target_kind == "action"  # the post, not only the account
    assert reports["mastodon.test"].target_id == posted["id"]
    assert reports["mastodon.test"].text.startswith("Arnaque")
    assert reports["mastodon.test"].reporter_id is None  # type: ignore[attr-defined]
    assert reports["gts.test"].target_kind == "member"
    assert reports["gts.test"].text == "spam, encore du spam"
    assert told == 2

    client = node.test_client()
    queue = await (await client.get("/api/v1/moderation/reports", headers=mod_h)).get_json()
    assert len(queue["items"]) == 2
    detail = await (
        await client.get(f"/api/v1/moderation/reports/{reports['gts.test'].id}", headers=mod_h)
    ).get_json()
    assert detail["origin_domain"] == "gts.test" and detail["reporter_id"] is None
    assert detail["context"]["pseudonym"] == "Léa"
