"""Calls for help on the wire: the call itself.

A local call travels as ``Create`` (then ``Update`` on every change: words, dates, quantities,
status) from its association's actor (an urgent call without an association: from the instance
actor) to the partners whose partnership has the ``calls`` scope and to the followers of that
actor (any fediverse account). The object is ``["Call", "Event"]`` for volunteers (Mobilizon
shows an event) and ``["Call", "Note"]`` for donations and urgent calls. ``content`` is readable
on its own; Mastodon shows it for a ``Note`` but not for an ``Event``, so a volunteers call also
carries a ``summary`` (when, how many people, where). Entraide partners read the context terms
``callKind``, ``callStatus``, ``audienceResolution``, ``audienceCells`` (H3) and ``callItems``
(``wanted``, ``remaining``).

Answers travel in :mod:`node.fed.publish_call_answers`, the words between an association and
its respondents in :mod:`node.fed.publish_call_messages`.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from federation import build, objects
from federation.vocab import PUBLIC, PartnershipScope
from node import clock
from node.fed.outbox import followers, publish
from node.fed.serializers import paragraphs
from node.iris import (
    association_actor_iri,
    call_iri,
    followers_iri,
    instance_actor_iri,
    new_activity_iri,
)
from node.models import (
    Call,
    CallItem,
    CallKind,
    RemoteActor,
)
from node.services.calls import occurrences
from node.services.calls.audience import call_cells
from node.services.calls.reading import effective_status, items_of
from node.services.calls.recurrence import next_dates
from node.services.moments import absolute
from node.services.partnerships import partners_with_scope

if TYPE_CHECKING:
    from node.state import NodeState

CALLS = PartnershipScope.CALLS.value
SUMMARY_TEXT_MAX = 280  # the call's text in an Event's summary: a post's length, not a page
_KIND_FR = {
    CallKind.VOLUNTEERS: "Appel à bénévoles",
    CallKind.DONATIONS: "Appel aux dons",
    CallKind.URGENT: "Alerte",
}


def author_iri(node: NodeState, call: Call) -> str:
    association_id = call.association_id  # type: ignore[attr-defined]
    if association_id is None:
        return instance_actor_iri(node.settings)
    return association_actor_iri(node.settings, association_id)


def item_iri(node: NodeState, call: Call, item: CallItem) -> str:
    return f"{call_iri(node.settings, call.id)}#item-{item.id}"


async def audience(node: NodeState, call: Call) -> list[RemoteActor]:
    actors = await followers(author_iri(node, call))
    actors += await partners_with_scope(CALLS)
    unique: dict[str, RemoteActor] = {}
    for actor in actors:
        unique.setdefault(actor.ap_id, actor)
    return list(unique.values())


def _content(node: NodeState, call: Call, items: list[CallItem], iri: str) -> str:
    """What Mastodon shows: the title, the text, what is still needed, where, a link."""
    parts = [f"<p><strong>{html.escape(call.title)}</strong></p>", paragraphs(call.body)]
    if call.kind == CallKind.DONATIONS and items:
        lines = "".join(
            f"<li>{html.escape(i.label)} : {i.remaining} sur {i.wanted}</li>" for i in items
        )
        parts.append(f"<ul>{lines}</ul>")
    elif call.kind == CallKind.VOLUNTEERS and items:
        parts.append(
            f"<p>{items[0].remaining} personne(s) encore attendue(s) sur {items[0].wanted}</p>"
        )
    where = " · ".join(x for x in (call.place_name, call.opening_hours) if x)
    if where:
        parts.append(f"<p>{html.escape(where)}</p>")
    meta = f"{_KIND_FR[CallKind(call.kind)]} — sur {node.settings.node_name}"
    parts.append(f'<p>{html.escape(meta)} · <a href="{html.escape(iri)}">répondre</a></p>')
    return "".join(parts)


def _summary(node: NodeState, call: Call, items: list[CallItem]) -> str:
    """What Mastodon shows of an ``Event``: it takes a "converted" type's ``name`` (as a
    heading), its ``summary`` and a link to it, and drops its ``content``
    (app/lib/activitypub/parser/status_parser.rb ``processed_text``; ``processed_spoiler_text``
    is empty for those types, so this is no content warning there)."""
    upcoming = next_dates(call, node.settings.timezone, limit=1) if call.recurrence else []
    when = upcoming[0] if upcoming else call.starts_at
    facts = []
    if when is not None:
        facts.append(absolute(when, timezone=node.settings.timezone, language="fr"))
    if items:
        facts.append(f"{items[0].remaining} personne(s) encore attendue(s) sur {items[0].wanted}")
    facts += [x for x in (call.skills, call.place_name) if x]
    text = " ".join(call.body.split())
    if len(text) > SUMMARY_TEXT_MAX:
        text = text[: SUMMARY_TEXT_MAX - 1].rstrip() + "…"
    parts = [f"<p>{html.escape(text)}</p>"] if text else []
    return "".join([*parts, f"<p>{html.escape(' · '.join(facts))}</p>"])


async def call_object(node: NodeState, call: Call, *, edited: bool = False) -> dict[str, Any]:
    if call.origin_domain is not None:
        raise ValueError("a partner's call is served by its own node")
    iri = call_iri(node.settings, call.id)
    items = await items_of(call)
    dates = await occurrences.places(call, node.settings.timezone)
    if dates and items:  # a repeating call's one quantity: what its next date still needs
        items[0].remaining = dates[0].remaining
    kind = CallKind(call.kind)
    second = "Event" if kind == CallKind.VOLUNTEERS else "Note"
    obj: dict[str, Any] = {
        "id": iri,
        "type": ["Call", second],
        "attributedTo": author_iri(node, call),
        "name": call.title,
        "content": _content(node, call, items, iri),
        # The call's own text apart from what fediverse readers are shown (ActivityPub §3.3
        # ``source``): an Entraide partner shows it as written, the facts from the terms.
        "source": {"content": call.body, "mediaType": "text/plain"},
        "url": iri,
        "published": build.iso(call.created_at),
        "endTime": build.iso(call.ends_at),
        "callKind": kind.value,
        "callStatus": effective_status(call).value,
        "audienceResolution": call.resolution,
        "audienceCells": await call_cells(call),
        "callItems": [
            {
                "id": item_iri(node, call, item),
                "type": "CallItem",
                "name": item.label,
                "wanted": item.wanted,
                "remaining": item.remaining,
            }
            for item in items
        ],
        "to": [PUBLIC],
        "cc": [followers_iri(author_iri(node, call))],
    }
    if kind == CallKind.VOLUNTEERS:
        obj["summary"] = _summary(node, call, items)
    if call.starts_at is not None:
        obj["startTime"] = build.iso(call.starts_at)
    if call.recurrence is not None:
        # AS2 has no recurrence: startTime is the next date (what Mastodon and Mobilizon
        # show), and our ``recurrence`` term carries the rule with the first date as DTSTART.
        upcoming = next_dates(call, node.settings.timezone, limit=1)
        if upcoming:
            obj["startTime"] = build.iso(upcoming[0])
        if call.starts_at is not None:
            first = call.starts_at.strftime("%Y%m%dT%H%M%SZ")
            obj["recurrence"] = f"DTSTART:{first}\nRRULE:{call.recurrence}"
    if dates:
        # Each date still to come with what it still wants: an Entraide partner's members
        # answer per date (a Join with that startTime).
        obj["callOccurrences"] = [
            {"startTime": build.iso(d.start), "remaining": d.remaining} for d in dates
        ]
    if call.place_name:
        # The association's place, in words only (no coordinates travel with a call).
        obj["location"] = objects.place(name=call.place_name)
    if edited:
        obj["updated"] = build.iso(call.updated_at, milliseconds=True)
    return build.with_context(obj)


async def publish_call(node: NodeState, call: Call, *, update: bool) -> None:
    if call.origin_domain is not None or call.hidden_at is not None:
        return  # a partner's call is theirs to publish; a hidden one was deleted for partners
    obj = await call_object(node, call, edited=update)
    make = build.update if update else build.create
    activity = make(
        id=new_activity_iri(node.settings),
        actor=author_iri(node, call),
        object=obj,
        to=[PUBLIC],
        cc=obj["cc"],
    )
    await publish(node, activity, to=await audience(node, call), public=True)


async def publish_deletion(node: NodeState, call: Call) -> None:
    """Our call is deleted: a ``Delete`` of its ``Tombstone`` to the audience it went to."""
    if call.origin_domain is None:
        former = "Event" if call.kind == CallKind.VOLUNTEERS else "Note"
        author = author_iri(node, call)
        activity = build.delete(
            id=new_activity_iri(node.settings),
            actor=author,
            object=objects.tombstone(
                id=call_iri(node.settings, call.id), former_type=former, deleted=clock.now()
            ),
            to=[PUBLIC],
            cc=[followers_iri(author)],
        )
        await publish(node, activity, to=await audience(node, call), public=True)
