"""The tolerant parser on realistic Mastodon, Mobilizon and GoToSocial payloads."""

from __future__ import annotations

import datetime as dt

import pytest

from federation import build, objects
from federation.errors import ParseError
from federation.parse import (
    Activity,
    Actor,
    ASObject,
    Event,
    Place,
    Proposal,
    Tombstone,
    id_of,
    parse_activity,
    parse_actor,
    parse_object,
)
from federation.vocab import PUBLIC, ActionCategory, ActionKind

MASTODON_ACTOR = {
    "@context": [
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        {
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
            "toot": "http://joinmastodon.org/ns#",
            "featured": {"@id": "toot:featured", "@type": "@id"},
            "discoverable": "toot:discoverable",
        },
    ],
    "id": "https://mastodon.example/users/alice",
    "type": "Person",
    "following": "https://mastodon.example/users/alice/following",
    "followers": "https://mastodon.example/users/alice/followers",
    "inbox": "https://mastodon.example/users/alice/inbox",
    "outbox": "https://mastodon.example/users/alice/outbox",
    "featured": "https://mastodon.example/users/alice/collections/featured",
    "preferredUsername": "alice",
    "name": "Alice",
    "summary": "<p>Bénévole</p>",
    "url": "https://mastodon.example/@alice",
    "manuallyApprovesFollowers": False,
    "discoverable": True,
    "published": "2023-01-05T00:00:00Z",
    "publicKey": {
        "id": "https://mastodon.example/users/alice#main-key",
        "owner": "https://mastodon.example/users/alice",
        "publicKeyPem": "-----BEGIN PUBLIC KEY-----\nMIIB...\n-----END PUBLIC KEY-----\n",
    },
    "tag": [],
    "attachment": [{"type": "PropertyValue", "name": "Site", "value": '<a href="x">x</a>'}],
    "endpoints": {"sharedInbox": "https://mastodon.example/inbox"},
    "icon": {"type": "Image", "mediaType": "image/png", "url": "https://files.example/a.png"},
}

MASTODON_CREATE = {
    "@context": [
        "https://www.w3.org/ns/activitystreams",
        {"ostatus": "http://ostatus.org#", "sensitive": "as:sensitive"},
    ],
    "id": "https://mastodon.example/users/alice/statuses/1/activity",
    "type": "Create",
    "actor": "https://mastodon.example/users/alice",
    "published": "2025-03-01T10:00:00Z",
    "to": ["https://www.w3.org/ns/activitystreams#Public"],
    "cc": ["https://mastodon.example/users/alice/followers"],
    "object": {
        "id": "https://mastodon.example/users/alice/statuses/1",
        "type": "Note",
        "summary": None,
        "inReplyTo": "https://node.example/actions/1",
        "published": "2025-03-01T10:00:00Z",
        "url": "https://mastodon.example/@alice/1",
        "attributedTo": "https://mastodon.example/users/alice",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": ["https://mastodon.example/users/alice/followers", "https://node.example/actor"],
        "sensitive": False,
        "content": "<p>Je peux aider samedi</p>",
        "contentMap": {"fr": "<p>Je peux aider samedi</p>"},
        "attachment": [],
        "tag": [
            {"type": "Mention", "href": "https://node.example/actor", "name": "@node@node.example"}
        ],
        "replies": {
            "id": "https://mastodon.example/users/alice/statuses/1/replies",
            "type": "Collection",
            "first": {"type": "CollectionPage", "items": []},
        },
    },
}

MOBILIZON_EVENT = {
    "@context": [
        "https://www.w3.org/ns/activitystreams",
        "https://litepub.social/litepub/context.jsonld",
        {
            "mz": "https://joinmobilizon.org/ns#",
            "joinMode": {"@id": "mz:joinMode", "@type": "mz:joinModeType"},
            "PostalAddress": "sc:PostalAddress",
            "sc": "http://schema.org#",
        },
    ],
    "type": "Create",
    "id": "https://mobilizon.example/events/abc/activity",
    "actor": {
        "type": "Group",
        "id": "https://mobilizon.example/@maraude",
        "inbox": "https://mobilizon.example/@maraude/inbox",
        "endpoints": {"sharedInbox": "https://mobilizon.example/inbox"},
    },
    "to": "https://www.w3.org/ns/activitystreams#Public",
    "object": {
        "type": "Event",
        "id": "https://mobilizon.example/events/abc",
        "name": "Maraude du jeudi",
        "attributedTo": "https://mobilizon.example/@maraude",
        "contentMap": {"fr": "<p>Départ 20h</p>"},
        "startTime": "2025-03-06T20:00:00+01:00",
        "endTime": "2025-03-06T23:00:00+01:00",
        "joinMode": "free",
        "anonymousParticipationEnabled": False,
        "location": {
            "type": "Place",
            "name": "Place de la République",
            "id": "https://mobilizon.example/address/1",
            "latitude": "48.8674",
            "longitude": 2.3637,
            "address": {
                "type": "PostalAddress",
                "addressLocality": "Paris",
                "postalCode": "75003",
                "streetAddress": "",
            },
        },
        "tag": [
            {
                "type": "Hashtag",
                "name": "#solidarite",
                "href": "https://mobilizon.example/tags/solidarite",
            }
        ],
        "url": "https://mobilizon.example/events/abc",
        "published": "not a date",
    },
}

GOTOSOCIAL_FOLLOW = {
    "@context": "https://www.w3.org/ns/activitystreams",
    "actor": "https://gts.example/users/bob",
    "id": "https://gts.example/users/bob/follow/01H",
    "object": "https://node.example/actor",
    "to": "https://node.example/actor",
    "type": "Follow",
}


def test_mastodon_actor() -> None:
    actor = parse_actor(MASTODON_ACTOR)
    assert isinstance(actor, Actor)
    assert actor.delivery_inbox == "https://mastodon.example/inbox"
    assert actor.public_key[0].owner == actor.id
    assert actor.preferred_username == "alice" and actor.manually_approves_followers is False
    assert actor.model_extra is not None and actor.model_extra["discoverable"] is True
    assert actor.published == dt.datetime(2023, 1, 5, tzinfo=dt.UTC)


def test_mastodon_create_note_reply() -> None:
    activity = parse_activity(MASTODON_CREATE)
    note = activity.embedded_object
    assert isinstance(note, ASObject) and note.has_type("Note")
    assert note.in_reply_to == "https://node.example/actions/1"
    assert note.is_public and note.owner == activity.actor_id
    assert note.tag == ["https://node.example/actor"]  # a Mention is a link to its href
    assert note.model_extra is not None and "replies" in note.model_extra


def test_mobilizon_event_with_embedded_group_and_single_values() -> None:
    activity = parse_activity(MOBILIZON_EVENT)
    assert activity.actor_id == "https://mobilizon.example/@maraude"
    assert isinstance(activity.actor[0], Actor)
    assert activity.actor[0].shared_inbox == "https://mobilizon.example/inbox"
    assert activity.to == [PUBLIC]  # a single value becomes a list
    event = activity.embedded_object
    assert isinstance(event, Event)
    assert event.text == "<p>Départ 20h</p>"  # contentMap only
    assert event.start_time == dt.datetime(2025, 3, 6, 19, 0, tzinfo=dt.UTC)
    assert event.published is None  # an unparseable date is dropped, not fatal
    place = event.location[0]
    assert isinstance(place, Place) and place.latitude == pytest.approx(48.8674)
    assert place.address["addressLocality"] == "Paris"
    assert event.model_extra is not None and event.model_extra["joinMode"] == "free"


def test_gotosocial_follow() -> None:
    follow = parse_activity(GOTOSOCIAL_FOLLOW)
    assert (follow.type_name, follow.object_id, follow.to) == (
        "Follow",
        "https://node.example/actor",
        ["https://node.example/actor"],
    )


def test_our_own_proposal_round_trips_through_the_parser() -> None:
    doc = build.create(
        id="https://n.example/c/1",
        actor="https://n.example/actor",
        object=objects.proposal(
            id="https://n.example/a/1",
            attributed_to="https://n.example/actor",
            kind=ActionKind.OFFER,
            name="Café",
            content="Un café",
            category=ActionCategory.SOCIAL,
        ),
    )
    proposal = parse_activity(doc).embedded_object
    assert isinstance(proposal, Proposal)
    assert (proposal.purpose, proposal.action_category, proposal.action_status) == (
        "offer",
        "social",
        "open",
    )
    assert id_of(proposal.publishes[0]) == "https://n.example/a/1#primary"


def test_tombstone_and_unknown_types() -> None:
    tomb = parse_object(
        {
            "type": "Tombstone",
            "id": "https://x/1",
            "formerType": "as:Note",
            "deleted": "2025-01-01T00:00:00Z",
        }
    )
    assert isinstance(tomb, Tombstone) and tomb.deleted is not None
    like = parse_object(
        {"type": "Like", "id": "https://x/2", "actor": "https://x/a", "object": "https://x/1"}
    )
    assert isinstance(like, Activity)
    odd = parse_object({"type": ["Note", "schema:Thing"], "id": "https://x/3", "zz": 1})
    assert odd.has_type("Note") and odd.model_extra == {"zz": 1}


@pytest.mark.parametrize(
    "doc",
    [
        {"type": "Follow", "object": "x"},  # no actor
        {"type": "Note", "id": "https://x"},  # not an activity
    ],
)
def test_parse_activity_refuses(doc: dict[str, object]) -> None:
    with pytest.raises(ParseError):
        parse_activity(doc)


def test_parse_actor_refuses_actor_without_inbox() -> None:
    with pytest.raises(ParseError):
        parse_actor({"type": "Person", "id": "https://x/u"})
