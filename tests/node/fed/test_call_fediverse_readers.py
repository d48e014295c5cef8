"""A Mastodon (or GoToSocial) account following an association reads its calls as posts.

The objects it receives are held against what those servers do with them:

- Mastodon (app/lib/activitypub/parser/status_parser.rb, ``processed_text``): for a type among
  ``CONVERTED_TYPES`` (Image Audio Video Article Page Event) the post is ``<h2>name</h2>``,
  the ``summary`` and a link, ``content`` dropped; for a ``Note`` it is ``content``.
  ``equals_or_includes_any?`` reads a list of types, so ``["Call", "Event"]`` is an Event.
- GoToSocial (go-fed's JSONResolver tries each type of a list and skips the unknown "Call";
  internal/ap IsStatusable accepts Event and Note) parses every xsd:dateTime with Go's
  ``time.Parse(time.RFC3339, …)`` (vendor/code.superseriousbusiness.org/activity/streams/
  values/dateTime/gen_dateTime.go), which takes an optional fractional second: a timestamp in
  another shape makes the whole object unreadable there.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from node import clock, iris
from tests.conftest import NodeFactory
from tests.factories import call_body, make_association
from tests.fedtools import federated_nodes, mastodon_follower, settle
from tests.node.fed_support import member, ok

CONVERTED_TYPES = ("Image", "Audio", "Video", "Article", "Page", "Event")
SUPPORTED_TYPES = ("Note", "Question")
# Go's RFC 3339 layout as time.Parse reads it: seconds, an optional fraction, Z or an offset.
GO_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})")
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = [
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
]
TIMESTAMPS = ("published", "updated", "startTime", "endTime")


def _types(obj: dict[str, Any]) -> list[str]:
    value = obj["type"]
    return [value] if isinstance(value, str) else list(value)


def mastodon_text(obj: dict[str, Any]) -> str | None:
    """The text of the status Mastodon makes of ``obj`` (None: it drops the object)."""
    types = _types(obj)
    if any(t in CONVERTED_TYPES for t in types):
        parts = [f"<h2>{obj['name']}</h2>" if obj.get("name") else None, obj.get("summary")]
        return "\n\n".join(p for p in [*parts, obj.get("url") or obj["id"]] if p)
    if any(t in SUPPORTED_TYPES for t in types):
        return str(obj.get("content") or "")
    return None


def _plain(html_text: str) -> str:
    return re.sub(r"<[^>]+>", " ", html_text).replace("\u00a0", " ")


async def test_volunteers_event_and_donations_note_read_in_mastodon_and_gotosocial(
    node_factory: NodeFactory,
) -> None:
    (paris,) = await federated_nodes(node_factory, "paris")
    coordinator, coord_h = await member(paris, "Coord")
    association = await make_association(paris, {coordinator: "coordinator"}, name="Chaleur")
    actor = iris.association_actor_iri(paris.node.settings, association.id)
    fedi, alice = await mastodon_follower(paris, actor)

    # A volunteers call in two days at 18:00 Paris time, and a donations call.
    day = (clock.now() + timedelta(days=2)).astimezone(ZoneInfo("Europe/Paris")).date()
    starts = datetime.combine(day, time(18), tzinfo=ZoneInfo("Europe/Paris"))
    volunteers = call_body(
        "volunteers",
        association=association,
        title="Soupe du soir",
        body="Éplucher, servir, ranger : venez comme vous êtes.",
        place_name="Gymnase Ornano",
        starts_at=starts.isoformat(),
        ends_at=(starts + timedelta(hours=3)).isoformat(),
    )
    posted = await ok(paris, "POST", "/api/v1/calls", coord_h, json=volunteers)
    await ok(paris, "POST", "/api/v1/calls", coord_h, json=call_body(association=association))
    _, resident = await member(paris, "Léa")
    await ok(paris, "POST", f"/api/v1/calls/{posted['id']}/answers", resident, json={})
    await settle(paris)

    received = fedi.deliveries_to(alice.shared_inbox) + fedi.deliveries_to(alice.inbox)
    objects = [(a["type"], a["object"]) for a in received if a["type"] in ("Create", "Update")]
    event = next(o for t, o in objects if t == "Create" and "Event" in _types(o))
    note = next(o for t, o in objects if t == "Create" and "Note" in _types(o))
    updated = next(o for t, o in objects if t == "Update" and o["id"] == event["id"])

    # Mastodon: the Event shows its title, text, date, people still needed, place and link.
    shown = _plain(mastodon_text(event) or "")
    for words in (
        "Soupe du soir",
        "Éplucher, servir, ranger",
        f"{DAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year} à 18 h",
        "3 personne(s) encore attendue(s) sur 3",
        "cuisine",
        "Gymnase Ornano",
        event["url"],
    ):
        assert words in shown, (words, shown)
    assert "2 personne(s) encore attendue(s) sur 3" in _plain(mastodon_text(updated) or "")
    # The donations Note: its content, with what is still needed.
    listed = _plain(mastodon_text(note) or "")
    assert "Duvets : 20 sur 20" in listed and "Chaussures 42-44 : 10 sur 10" in listed
    assert "summary" not in note  # on a Note, Mastodon would fold the post behind it

    # GoToSocial: one ActivityStreams type it reads, and every timestamp in Go's RFC 3339.
    for obj in (event, note, updated):
        assert [t for t in _types(obj) if t in ("Event", "Note")] == [
            "Event" if obj is not note else "Note"
        ]
        stamps = {k: obj[k] for k in TIMESTAMPS if k in obj}
        assert {"published", "endTime"} <= set(stamps)
        for key, value in stamps.items():
            assert GO_RFC3339.fullmatch(value), (key, value)
    assert datetime.fromisoformat(event["startTime"]) == starts
    assert datetime.fromisoformat(updated["updated"]) > datetime.fromisoformat(event["published"])
    assert "." in updated["updated"]  # milliseconds: two versions a second apart keep order
    assert clock.now() < datetime.fromisoformat(event["endTime"])
