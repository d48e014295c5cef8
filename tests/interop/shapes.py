"""Activities shaped exactly as Mastodon, GoToSocial, Misskey and Pleroma send them.

Each builder returns the JSON body one of those servers would POST to our inbox, with its own
``@context`` extensions, extra properties and quirks (Mastodon's ``atomUri`` and LD signature,
GoToSocial's ``interactionPolicy`` and string objects, Misskey's ``_misskey_*`` terms and
``Like`` with a reaction, Pleroma's ``context``/``conversation`` and ``EmojiReact``). The shapes
follow the servers' serializers (Mastodon ``app/serializers/activitypub/*``, GoToSocial
``internal/typeutils/internaltoas.go``, Misskey ``core/activitypub/ApRendererService``, Pleroma
``lib/pleroma/web/activity_pub/transmogrifier``), abridged to what matters for an inbox.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from federation.testing import FakeActor

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
AS = "https://www.w3.org/ns/activitystreams"
_n = itertools.count(1)

MASTODON_CONTEXT: list[Any] = [
    AS,
    "https://w3id.org/security/v1",
    {
        "ostatus": "http://ostatus.org#",
        "atomUri": "ostatus:atomUri",
        "inReplyToAtomUri": "ostatus:inReplyToAtomUri",
        "conversation": "ostatus:conversation",
        "sensitive": "as:sensitive",
        "toot": "http://joinmastodon.org/ns#",
        "votersCount": "toot:votersCount",
        "Hashtag": "as:Hashtag",
    },
]
GTS_CONTEXT: list[Any] = [AS, "https://gotosocial.org/ns", "https://w3id.org/security/v1"]
MISSKEY_CONTEXT: list[Any] = [
    AS,
    "https://w3id.org/security/v1",
    {
        "misskey": "https://misskey-hub.net/ns#",
        "_misskey_content": "misskey:_misskey_content",
        "_misskey_quote": "misskey:_misskey_quote",
        "_misskey_reaction": "misskey:_misskey_reaction",
        "quoteUrl": "as:quoteUrl",
        "sensitive": "as:sensitive",
        "Hashtag": "as:Hashtag",
        "Emoji": "toot:Emoji",
        "toot": "http://joinmastodon.org/ns#",
    },
]
PLEROMA_CONTEXT: list[Any] = [
    AS,
    "https://w3id.org/security/v1",
    {"@language": "und"},
]


class Shapes:
    """Builders for one actor of one software, aimed at one node."""

    def __init__(self, software: str, actor: FakeActor, node_actor: str, node_object: str):
        self.software = software
        self.actor = actor
        self.node_actor = node_actor  # our instance actor
        self.node_object = node_object  # one of our public actions
        self.note_id = f"{actor.id}/statuses/{next(_n)}"
        self.follow_id = f"https://{actor.host}/follows/{next(_n)}"

    @property
    def context(self) -> list[Any]:
        return {
            "mastodon": MASTODON_CONTEXT,
            "gotosocial": GTS_CONTEXT,
            "misskey": MISSKEY_CONTEXT,
            "pleroma": PLEROMA_CONTEXT,
        }[self.software]

    def _id(self, kind: str) -> str:
        if self.software == "misskey":
            return f"https://{self.actor.host}/{kind}/9{next(_n):08x}"
        return f"https://{self.actor.host}/activities/{kind}/{next(_n)}"

    def _wrap(self, body: dict[str, Any]) -> dict[str, Any]:
        body = {"@context": self.context, **body}
        if self.software == "mastodon":
            # Mastodon adds a Linked Data Signature to public activities; servers that do not
            # check it must simply ignore it.
            body["signature"] = {
                "type": "RsaSignature2017",
                "creator": self.actor.key_id,
                "created": "2026-12-02T10:00:00Z",
                "signatureValue": "bm90IGNoZWNrZWQ=",
            }
        return body

    def note(self, *, updated: bool = False) -> dict[str, Any]:
        a = self.actor
        note: dict[str, Any] = {
            "id": self.note_id,
            "type": "Note",
            "attributedTo": a.id,
            "content": '<p>Bonjour <a href="https://x.example/tags/entraide">#entraide</a></p>',
            "to": [PUBLIC],
            "cc": [f"{a.id}/followers"],
            "published": "2026-12-02T10:00:00Z",
            "url": f"https://{a.host}/@{a.username}/1",
            "tag": [
                {"type": "Hashtag", "href": "https://x.example/tags/entraide", "name": "#entraide"}
            ],
            "attachment": [],
            "sensitive": False,
        }
        if updated:
            note["updated"] = "2026-12-02T10:05:00Z"
        if self.software == "mastodon":
            note |= {
                "summary": None,
                "inReplyTo": None,
                "atomUri": self.note_id,
                "inReplyToAtomUri": None,
                "conversation": f"tag:{a.host},2026-12-02:objectId=1:objectType=Conversation",
                "contentMap": {"fr": note["content"]},
                "replies": {
                    "id": f"{self.note_id}/replies",
                    "type": "Collection",
                    "first": {
                        "type": "CollectionPage",
                        "next": f"{self.note_id}/replies?page=true",
                        "partOf": f"{self.note_id}/replies",
                        "items": [],
                    },
                },
            }
        elif self.software == "gotosocial":
            note |= {
                "interactionPolicy": {
                    "canLike": {"always": [PUBLIC], "approvalRequired": []},
                    "canReply": {"always": [PUBLIC], "approvalRequired": []},
                    "canAnnounce": {"always": [PUBLIC], "approvalRequired": []},
                },
                "replies": f"{self.note_id}/replies",
            }
        elif self.software == "misskey":
            note |= {
                "_misskey_content": "Bonjour #entraide",
                "source": {"content": "Bonjour #entraide", "mediaType": "text/x.misskeymarkdown"},
                "_misskey_quote": None,
                "quoteUrl": None,
                "inReplyTo": None,
            }
        elif self.software == "pleroma":
            note |= {
                "context": f"https://{a.host}/contexts/{next(_n)}",
                "conversation": f"https://{a.host}/contexts/{next(_n)}",
                "contentMap": {"fr": note["content"]},
                "source": {"content": "Bonjour #entraide", "mediaType": "text/plain"},
                "emoji": {},
            }
        return note

    def create_note(self) -> dict[str, Any]:
        return self._wrap(
            {
                "id": self._id("create"),
                "type": "Create",
                "actor": self.actor.id,
                "published": "2026-12-02T10:00:00Z",
                "to": [PUBLIC],
                "cc": [f"{self.actor.id}/followers"],
                "object": self.note(),
            }
        )

    def update_note(self) -> dict[str, Any]:
        return self._wrap(
            {
                "id": self._id("update"),
                "type": "Update",
                "actor": self.actor.id,
                "to": [PUBLIC],
                "object": self.note(updated=True),
            }
        )

    def delete_note(self) -> dict[str, Any]:
        obj: Any
        if self.software in ("mastodon", "misskey"):
            obj = {"id": self.note_id, "type": "Tombstone"}
            if self.software == "mastodon":
                obj["atomUri"] = self.note_id
        else:  # GoToSocial and Pleroma send the bare id
            obj = self.note_id
        return self._wrap(
            {
                "id": self._id("delete"),
                "type": "Delete",
                "actor": self.actor.id,
                "to": [PUBLIC],
                "object": obj,
            }
        )

    def follow(self) -> dict[str, Any]:
        body = {
            "id": self.follow_id,
            "type": "Follow",
            "actor": self.actor.id,
            "object": self.node_actor,
        }
        if self.software == "pleroma":
            body |= {"state": "pending", "to": [self.node_actor], "cc": []}
        return self._wrap(body)

    def undo_follow(self) -> dict[str, Any]:
        inner = {
            "id": self.follow_id,
            "type": "Follow",
            "actor": self.actor.id,
            "object": self.node_actor,
        }
        return self._wrap(
            {"id": self._id("undo"), "type": "Undo", "actor": self.actor.id, "object": inner}
        )

    def like(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self._id("like"),
            "type": "Like",
            "actor": self.actor.id,
            "object": self.node_object,
        }
        if self.software == "misskey":
            body |= {"content": "👍", "_misskey_reaction": "👍"}
        return self._wrap(body)

    def emoji_react(self) -> dict[str, Any]:
        return self._wrap(
            {
                "id": self._id("react"),
                "type": "EmojiReact",
                "actor": self.actor.id,
                "object": self.node_object,
                "content": "❤️",
                "to": [self.node_actor],
            }
        )

    def announce(self) -> dict[str, Any]:
        return self._wrap(
            {
                "id": self._id("announce"),
                "type": "Announce",
                "actor": self.actor.id,
                "published": "2026-12-02T10:00:00Z",
                "to": [PUBLIC],
                "cc": [f"{self.actor.id}/followers", self.node_actor],
                "object": self.node_object,
            }
        )

    def flag(self) -> dict[str, Any]:
        return self._wrap(
            {
                "id": self._id("flag"),
                "type": "Flag",
                # Servers report from a service account (Mastodon /actor, GoToSocial the
                # instance account); here the fake account stands for it.
                "actor": self.actor.id,
                "content": "Spam",
                "object": [self.node_actor, self.node_object],
            }
        )

    def block(self) -> dict[str, Any]:
        return self._wrap(
            {
                "id": self._id("block"),
                "type": "Block",
                "actor": self.actor.id,
                "object": self.node_actor,
            }
        )

    def delete_actor(self) -> dict[str, Any]:
        return self._wrap(
            {
                "id": f"{self.actor.id}#delete",
                "type": "Delete",
                "actor": self.actor.id,
                "to": [PUBLIC],
                "object": self.actor.id,
            }
        )


SOFTWARE = ("mastodon", "gotosocial", "misskey", "pleroma")
# In the order a real account would send them; the account's deletion comes last.
SEQUENCE: tuple[str, ...] = (
    "follow",
    "create_note",
    "update_note",
    "like",
    "emoji_react",
    "announce",
    "delete_note",
    "flag",
    "undo_follow",
    "block",
    "delete_actor",
)


def builder(shapes: Shapes, name: str) -> Callable[[], dict[str, Any]]:
    method: Callable[[], dict[str, Any]] = getattr(shapes, name)
    return method
