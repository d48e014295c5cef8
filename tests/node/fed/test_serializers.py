"""Reading remote need/offer objects (FEP-0837 ``Proposal``) and Events (ours and Mobilizon-like)
into remote-action fields."""

from __future__ import annotations

import datetime as dt

import pytest

from federation import parse
from node.fed.serializers import Unusable, html_to_text, remote_action_fields
from node.models import ActionCategory, ActionKind, ActionStatus

NOW = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)


def test_mobilizon_event() -> None:
    event = parse.parse_object(
        {
            "id": "https://mobilizon.example/events/1",
            "type": "Event",
            "name": "Repair café",
            "contentMap": {"fr": "<p>Venez <b>réparer</b> &amp; discuter</p><p>Gratuit</p>"},
            "startTime": "2026-12-05T14:00:00+01:00",
            "endTime": "2026-12-05T18:00:00+01:00",
            "ical:status": "CANCELLED",
            "url": "https://mobilizon.example/events/1",
            "location": {
                "type": "Place",
                "name": "MJC",
                "latitude": 45.7640123,
                "longitude": 4.8356789,
                "address": {"type": "PostalAddress", "streetAddress": "1 rue X"},
            },
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
        }
    )
    fields = remote_action_fields(event, now=NOW, ttl_days=30)
    assert fields.kind == ActionKind.OUTING and fields.category == ActionCategory.OTHER
    assert fields.status == ActionStatus.CLOSED
    assert fields.description == "Venez réparer & discuter\n\nGratuit"
    assert (fields.lat, fields.lon) == (45.764, 4.8357)
    assert fields.place_name == "MJC" and fields.expires_at == fields.ends_at


def test_need_offer_objects_and_unusable_objects() -> None:
    offer = parse.parse_object(
        {
            "id": "https://n.example/actions/2",
            "type": "Proposal",
            "purpose": "offer",
            "content": "Une coupe gratuite le lundi",
            "actionCategory": "services",
            "location": {"type": "Place", "latitude": 48.85, "longitude": 2.35},
        }
    )
    fields = remote_action_fields(offer, now=NOW, ttl_days=10)
    assert fields.kind == ActionKind.OFFER and fields.category == ActionCategory.SKILLS
    assert fields.title == "Une coupe gratuite le lundi"
    assert fields.expires_at == NOW + dt.timedelta(days=10)
    for bad in (
        {"id": "https://n.example/a", "type": "Proposal", "name": "x"},  # no location
        {
            "id": "https://n.example/b",
            "type": "Note",
            "name": "x",
            "location": {"type": "Place", "latitude": 1, "longitude": 1},
        },
        {
            "id": "https://n.example/c",
            "type": "Event",
            "name": "x",
            "location": {"type": "Place", "latitude": 1, "longitude": 1},
        },  # no startTime
        {
            "id": "https://n.example/d",
            "type": "Proposal",
            "name": "x",
            "location": {"type": "Place", "latitude": 100, "longitude": 1},
        },
    ):
        with pytest.raises(Unusable):
            remote_action_fields(parse.parse_object(bad), now=NOW, ttl_days=1)


def test_html_to_text_drops_markup_and_our_meta_line() -> None:
    html = '<p>Un <script>x</script>texte<br>suivi</p><p class="entraide-meta">Besoin · food</p>'
    assert html_to_text(html) == "Un texte\nsuivi"


def test_html_to_text_drops_control_characters() -> None:
    # Written raw or as character references: neither reaches a member, nor PostgreSQL.
    text = html_to_text("<p>Un re\x00pas&#1; chaud</p><p>ce\tsoir</p>")
    assert text == "Un repas chaud\n\nce soir"
