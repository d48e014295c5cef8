"""What real servers send, as they shape it, signed for real into the inbox: Mastodon,
GoToSocial, Misskey and Pleroma activities (Create/Update/Delete of a Note, Follow/Undo, Like,
Announce, Flag, Block, Delete of the account). None gives a 5xx; every row ends processed
(done) or deliberately ignored with a reason, none is left queued or failed."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from federation.testing import FakeActor, FakeFediverse
from federation.vocab import PUBLIC
from node.fed.processing import process_due
from node.models import InboxItem, InboxStatus
from node.state import EntraideApp
from tests.conftest import NodeFactory

INBOX = "http://node.test/inbox"
INSTANCE = "http://node.test/actor"
AS = "https://www.w3.org/ns/activitystreams"

Activity = dict[str, Any]


def _mastodon(actor: FakeActor) -> list[Activity]:
    note_id = f"{actor.id}/statuses/1"
    note = {
        "id": note_id,
        "type": "Note",
        "summary": None,
        "inReplyTo": None,
        "published": "2026-12-02T10:00:00Z",
        "url": f"https://{actor.host}/@{actor.username}/1",
        "attributedTo": actor.id,
        "to": [PUBLIC],
        "cc": [f"{actor.id}/followers"],
        "sensitive": False,
        "atomUri": note_id,
        "content": "<p>Bonjour</p>",
        "contentMap": {"fr": "<p>Bonjour</p>"},
        "attachment": [],
        "tag": [],
        "replies": {"id": f"{note_id}/replies", "type": "Collection"},
    }
    context = [AS, {"ostatus": "http://ostatus.org#", "atomUri": "ostatus:atomUri"}]
    follow_id = f"https://{actor.host}/{uuid.uuid4()}"
    follow = {"id": follow_id, "type": "Follow", "actor": actor.id, "object": INSTANCE}
    return [
        {
            "@context": context,
            "id": f"{note_id}/activity",
            "type": "Create",
            "actor": actor.id,
            "published": "2026-12-02T10:00:00Z",
            "to": [PUBLIC],
            "object": note,
        },
        {
            "@context": context,
            "id": f"{note_id}#updates/1",
            "type": "Update",
            "actor": actor.id,
            "to": [PUBLIC],
            "object": {**note, "content": "<p>Bonsoir</p>"},
        },
        {
            "@context": context,
            "id": f"{note_id}#delete",
            "type": "Delete",
            "actor": actor.id,
            "to": [PUBLIC],
            "object": {"id": note_id, "type": "Tombstone", "atomUri": note_id},
        },
        {"@context": AS, **follow},
        {
            "@context": AS,
            "id": f"{follow_id}/undo",
            "type": "Undo",
            "actor": actor.id,
            "object": follow,
        },
        {
            "@context": AS,
            "id": f"{actor.id}#likes/1",
            "type": "Like",
            "actor": actor.id,
            "object": "http://node.test/actions/00000000-0000-4000-8000-000000000000",
        },
        {
            "@context": AS,
            "id": f"{note_id}/activity#announce",
            "type": "Announce",
            "actor": actor.id,
            "published": "2026-12-02T10:00:00Z",
            "to": [PUBLIC],
            "cc": [INSTANCE],
            "object": "http://node.test/actions/00000000-0000-4000-8000-000000000000",
        },
        {
            "@context": AS,
            "id": f"https://{actor.host}/{uuid.uuid4()}",
            "type": "Flag",
            "actor": actor.id,
            "content": "Spam",
            "object": [INSTANCE],
        },
        {
            "@context": AS,
            "id": f"https://{actor.host}/{uuid.uuid4()}",
            "type": "Block",
            "actor": actor.id,
            "object": INSTANCE,
        },
        {
            "@context": [AS, "https://w3id.org/security/v1"],
            "id": f"{actor.id}#delete",
            "type": "Delete",
            "actor": actor.id,
            "to": [PUBLIC],
            "object": actor.id,
        },
    ]


def _gotosocial(actor: FakeActor) -> list[Activity]:
    status = f"{actor.id}/statuses/01JAAAAAAAAAAAAAAAAAAAAAAA"
    note = {
        "id": status,
        "type": "Note",
        "attributedTo": actor.id,
        "content": "<p>Salut</p>",
        "contentMap": {"fr": "<p>Salut</p>"},
        "published": "2026-12-02T10:00:00Z",
        "to": [PUBLIC],
        "cc": [f"{actor.id}/followers"],
        "sensitive": False,
        "tag": [],
        "interactionPolicy": {"canLike": {"always": [PUBLIC]}},
    }
    follow = {
        "id": f"{actor.id}/follow/01JBBBBBBBBBBBBBBBBBBBBBBB",
        "type": "Follow",
        "actor": actor.id,
        "object": INSTANCE,
    }
    return [
        {
            "@context": AS,
            "id": f"{status}/activity",
            "type": "Create",
            "actor": actor.id,
            "to": [PUBLIC],
            "cc": [f"{actor.id}/followers"],
            "object": note,
        },
        {"@context": AS, **follow},
        {
            "@context": AS,
            "id": f"{actor.id}#follow/undo",
            "type": "Undo",
            "actor": actor.id,
            "object": follow,
        },
        {
            "@context": AS,
            "id": f"{actor.id}/liked/01JCCCCCCCCCCCCCCCCCCCCCCC",
            "type": "Like",
            "actor": actor.id,
            "object": INSTANCE,
        },
        {
            "@context": AS,
            "id": f"{actor.id}/outbox/01JDDDDDDDDDDDDDDDDDDDDDDD",
            "type": "Delete",
            "actor": actor.id,
            "to": [f"{actor.id}/followers"],
            "cc": [PUBLIC],
            "object": status,
        },
        {
            "@context": AS,
            "id": f"{actor.id}/outbox/01JEEEEEEEEEEEEEEEEEEEEEEE",
            "type": "Delete",
            "actor": actor.id,
            "to": [f"{actor.id}/followers"],
            "cc": [PUBLIC],
            "object": actor.id,
        },
    ]


def _misskey(actor: FakeActor) -> list[Activity]:
    base = f"https://{actor.host}"
    note_id = f"{base}/notes/9xyz"
    context = [
        AS,
        "https://w3id.org/security/v1",
        {
            "Key": "sec:Key",
            "misskey": "https://misskey-hub.net/ns#",
            "_misskey_content": "misskey:_misskey_content",
            "vcard": "http://www.w3.org/2006/vcard/ns#",
        },
    ]
    note = {
        "id": note_id,
        "type": "Note",
        "attributedTo": actor.id,
        "content": "<p>やあ</p>",
        "_misskey_content": "やあ",
        "source": {"content": "やあ", "mediaType": "text/x.misskeymarkdown"},
        "published": "2026-12-02T10:00:00.000Z",
        "to": [PUBLIC],
        "cc": [f"{actor.id}/followers"],
        "inReplyTo": None,
        "attachment": [],
        "sensitive": False,
        "tag": [],
    }
    follow = {
        "id": f"{base}/follows/9abc/9def",
        "type": "Follow",
        "actor": actor.id,
        "object": INSTANCE,
    }
    return [
        {
            "@context": context,
            "id": f"{note_id}/activity",
            "type": "Create",
            "actor": actor.id,
            "published": "2026-12-02T10:00:00.000Z",
            "object": note,
            "to": [PUBLIC],
        },
        {"@context": context, **follow},
        {
            "@context": context,
            "id": f"{base}/follows/9abc/9def/undo",
            "type": "Undo",
            "actor": actor.id,
            "object": follow,
        },
        {
            "@context": context,
            "id": f"{base}/likes/9ghi",
            "type": "Like",
            "actor": actor.id,
            "object": INSTANCE,
            "content": "👍",
            "_misskey_reaction": "👍",
        },
        {
            "@context": context,
            "id": f"{base}/notes/9jkl/activity",
            "type": "Announce",
            "actor": actor.id,
            "published": "2026-12-02T10:00:00.000Z",
            "to": [PUBLIC],
            "object": "http://node.test/actions/00000000-0000-4000-8000-000000000000",
        },
        {
            "@context": context,
            "id": f"{base}/{uuid.uuid4()}",
            "type": "Delete",
            "actor": actor.id,
            "object": {"id": note_id, "type": "Tombstone"},
        },
        {
            "@context": context,
            "id": f"{base}/{uuid.uuid4()}",
            "type": "Delete",
            "actor": actor.id,
            "object": actor.id,
            "to": [PUBLIC],
        },
    ]


def _pleroma(actor: FakeActor) -> list[Activity]:
    base = f"https://{actor.host}"
    object_id = f"{base}/objects/{uuid.uuid4()}"
    context = [AS, f"{base}/schemas/litepub-0.1.jsonld", {"@language": "und"}]
    note = {
        "id": object_id,
        "type": "Note",
        "actor": actor.id,
        "attributedTo": actor.id,
        "content": "Coucou",
        "context": f"{base}/contexts/{uuid.uuid4()}",
        "conversation": f"{base}/contexts/1",
        "published": "2026-12-02T10:00:00.000000Z",
        "to": [PUBLIC],
        "cc": [f"{actor.id}/followers"],
        "sensitive": None,
        "tag": [],
    }
    follow = {
        "id": f"{base}/activities/{uuid.uuid4()}",
        "type": "Follow",
        "actor": actor.id,
        "object": INSTANCE,
        "state": "pending",
        "to": [INSTANCE],
        "cc": [],
    }
    return [
        {
            "@context": context,
            "id": f"{base}/activities/{uuid.uuid4()}",
            "type": "Create",
            "actor": actor.id,
            "object": note,
            "to": [PUBLIC],
            "cc": [f"{actor.id}/followers"],
            "directMessage": False,
            "context": note["context"],
        },
        {"@context": context, **follow},
        {
            "@context": context,
            "id": f"{base}/activities/{uuid.uuid4()}",
            "type": "Undo",
            "actor": actor.id,
            "object": follow["id"],
            "to": [INSTANCE],
            "cc": [],
        },
        {
            "@context": context,
            "id": f"{base}/activities/{uuid.uuid4()}",
            "type": "Like",
            "actor": actor.id,
            "object": object_id,
            "to": [actor.id],
            "cc": [PUBLIC],
        },
        {
            "@context": context,
            "id": f"{base}/activities/{uuid.uuid4()}",
            "type": "Flag",
            "actor": f"{base}/internal/fetch",
            "content": "",
            "object": [INSTANCE],
            "to": [INSTANCE],
            "cc": [],
        },
        {
            "@context": context,
            "id": f"{base}/activities/{uuid.uuid4()}",
            "type": "Block",
            "actor": actor.id,
            "object": INSTANCE,
            "to": [INSTANCE],
            "cc": [],
        },
        {
            "@context": context,
            "id": f"{base}/activities/{uuid.uuid4()}",
            "type": "Delete",
            "actor": actor.id,
            "object": actor.id,
            "to": [f"{actor.id}/followers", PUBLIC],
        },
    ]


SERVERS: dict[str, tuple[str, Callable[[FakeActor], list[Activity]]]] = {
    "mastodon": ("mastodon", _mastodon),
    "gotosocial": ("gotosocial", _gotosocial),
    "misskey": ("mastodon", _misskey),  # the signing part is Mastodon's (cavage, #main-key)
    "pleroma": ("mastodon", _pleroma),
}


@pytest.fixture
async def node(node_factory: NodeFactory) -> EntraideApp:
    return await node_factory("node", base_url="http://node.test", federation_allow_private=True)


@pytest.mark.parametrize("server", sorted(SERVERS))
async def test_what_each_server_sends_is_processed_or_ignored(
    node: EntraideApp, server: str
) -> None:
    fedi = FakeFediverse(local={"node.test": httpx.ASGITransport(app=node)})
    node.node.http_transport = fedi.transport
    software, shapes = SERVERS[server]
    actor = fedi.add_actor(f"{server}.test", "zoe", software=software)
    sent = shapes(actor)
    for activity in sent:
        if activity["actor"] != actor.id:  # Pleroma reports from its internal fetch actor
            activity["actor"] = actor.id
        response = await actor.post(fedi, INBOX, activity)
        assert response.status_code == 202, (activity["type"], response.text)
        with node.node.db.activate():
            await process_due(node.node)
    with node.node.db.activate():
        rows = {row.activity_id: row for row in await InboxItem.all()}
    assert set(rows) == {a["id"] for a in sent} - {None}
    outcomes = {f"{r.type}({r.object_type})": r.status for r in rows.values()}
    assert all(s in (InboxStatus.DONE, InboxStatus.IGNORED) for s in outcomes.values()), outcomes
    for row in rows.values():
        if row.status == InboxStatus.IGNORED:
            assert row.last_error, row.type
    # The account's own Delete was honoured (it comes last, as a server sends it).
    assert rows[sent[-1]["id"]].status == InboxStatus.DONE
