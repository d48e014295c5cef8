"""Conversion between the node's rows and ActivityStreams objects (DESIGN §4, §5).

Outgoing: an :class:`Action` becomes a need/offer object (needs and offers: an FEP-0837
``Proposal`` on the wire) or an AS2 ``Event`` (outings), a chat :class:`Message` a ``Note``.
What they carry is public by construction: the jittered point (never ``lat``/``lon``), no phone,
no email, no address; people appear only as actor IRIs (a member's ``Person`` actor, or the
association's actor).

Incoming: :func:`remote_action_fields` reads a need/offer object or an ``Event`` (ours, or a
Mobilizon-like one) into the fields of a remote :class:`Action` row, or says why it cannot.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from federation import build, objects
from federation import parse as ap
from federation.vocab import PROPOSAL, PUBLIC
from federation.vocab import ActionCategory as WireCategory
from federation.vocab import ActionKind as WireKind
from federation.vocab import ActionStatus as WireStatus
from node.iris import (
    action_iri,
    association_actor_iri,
    followers_iri,
    instance_actor_iri,
    member_actor_iri,
)
from node.models import Action, ActionCategory, ActionKind, ActionStatus, Message
from node.services.actions import effective_status
from node.services.inputs.actions import DESCRIPTION, PLACE_NAME, TITLE
from node.services.remote_actions import RemoteFields

if TYPE_CHECKING:
    from node.state import NodeState

# Needs and offers travel as FEP-0837 (ValueFlows) ``Proposal`` objects. Inside the node they are
# need/offer objects: a "proposal" here is the street committee's.
NeedOffer = ap.Proposal
NEED_OFFER_TYPE = PROPOSAL
EDITED_AFTER = dt.timedelta(seconds=1)
TITLE_MAX, DESCRIPTION_MAX, PLACE_NAME_MAX = TITLE.high, DESCRIPTION.high, PLACE_NAME.high
NAME_MAX = 200
# The readable line we append for other fediverse software; dropped when reading it back.
META_CLASS = "entraide-meta"

_TO_WIRE_CATEGORY: dict[ActionCategory, WireCategory] = {
    ActionCategory.FOOD: WireCategory.FOOD,
    ActionCategory.CLOTHES: WireCategory.CLOTHING,
    ActionCategory.HYGIENE: WireCategory.HYGIENE,
    ActionCategory.HEALTH: WireCategory.HEALTH,
    ActionCategory.HAIRCUT: WireCategory.SERVICES,
    ActionCategory.SOCIAL: WireCategory.SOCIAL,
    ActionCategory.HOUSING: WireCategory.HOUSING,
    ActionCategory.PAPERWORK: WireCategory.SERVICES,
    ActionCategory.SKILLS: WireCategory.SERVICES,
    ActionCategory.OTHER: WireCategory.OTHER,
}
_FROM_WIRE_CATEGORY: dict[str, ActionCategory] = {
    WireCategory.CLOTHING.value: ActionCategory.CLOTHES,
    WireCategory.SERVICES.value: ActionCategory.SKILLS,
    **{c.value: c for c in ActionCategory},
}
_TO_WIRE_STATUS = {
    ActionStatus.OPEN: WireStatus.OPEN,
    ActionStatus.FULFILLED: WireStatus.FULFILLED,
    ActionStatus.CLOSED: WireStatus.CLOSED,
    ActionStatus.EXPIRED: WireStatus.CLOSED,
}
_FROM_WIRE_STATUS = {
    WireStatus.OPEN.value: ActionStatus.OPEN,
    WireStatus.IN_PROGRESS.value: ActionStatus.OPEN,
    WireStatus.FULFILLED.value: ActionStatus.FULFILLED,
    WireStatus.CLOSED.value: ActionStatus.CLOSED,
    WireStatus.CANCELLED.value: ActionStatus.CLOSED,
    "confirmed": ActionStatus.OPEN,  # Mobilizon's ical:status
    "tentative": ActionStatus.OPEN,
}
_KIND_FR = {ActionKind.NEED: "Besoin", ActionKind.OFFER: "Proposition", ActionKind.OUTING: "Sortie"}
_CATEGORY_FR = {
    ActionCategory.FOOD: "alimentation",
    ActionCategory.CLOTHES: "vêtements",
    ActionCategory.HYGIENE: "hygiène",
    ActionCategory.HEALTH: "santé",
    ActionCategory.HAIRCUT: "coiffure",
    ActionCategory.SOCIAL: "compagnie",
    ActionCategory.HOUSING: "logement",
    ActionCategory.PAPERWORK: "démarches",
    ActionCategory.SKILLS: "savoir-faire",
    ActionCategory.OTHER: "autre",
}
# The title paragraph we put first for software that shows only ``content`` (Mastodon shows a
# Note's content, never its name); dropped, like the readable line, when reading it back.
TITLE_CLASS = "entraide-title"
_SKIPPED_CLASSES = frozenset({META_CLASS, TITLE_CLASS})


# --- outgoing -------------------------------------------------------------------------------


def author_actor_iri(node: NodeState, action: Action) -> str:
    """Who an action is attributed to: its association's actor, else its author's actor."""
    association_id = action.association_id  # type: ignore[attr-defined]
    if association_id is not None:
        return association_actor_iri(node.settings, association_id)
    return member_actor_iri(node.settings, action.author_id)  # type: ignore[attr-defined]


def paragraphs(text: str) -> str:
    """Plain text as escaped HTML paragraphs (blank lines split, single newlines are <br>)."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    return "".join(f"<p>{html.escape(b).replace(chr(10), '<br>')}</p>" for b in blocks)


def readable_line(node: NodeState, action: Action) -> str:
    """The sentence any fediverse reader sees under the text (kind, category, place, node)."""
    kind = ActionKind(action.kind)
    line = f"{_KIND_FR[kind]} · {_CATEGORY_FR[ActionCategory(action.category)]}"
    if kind == ActionKind.OUTING and action.place_name:
        line += f" · {action.place_name}"
    return f"{line} — sur {node.settings.node_name}"


def area_link(action: Action) -> str | None:
    """A map link to the approximate area (the public, jittered point at 3 decimals, ~100 m)."""
    if action.public_lat is None or action.public_lon is None:
        return None
    lat, lon = round(action.public_lat, 3), round(action.public_lon, 3)
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=16/{lat}/{lon}"


def readable_content(node: NodeState, action: Action, iri: str) -> str:
    """``content`` that reads well where only ``content`` is shown (Mastodon, Misskey): the
    title, the text, then one line with the kind, category, approximate area and a link."""
    title = f'<p class="{TITLE_CLASS}"><strong>{html.escape(action.title)}</strong></p>'
    parts = [html.escape(readable_line(node, action))]
    area = area_link(action)
    if area is not None:
        parts.append(f'<a href="{html.escape(area)}">zone approximative</a>')
    parts.append(f'<a href="{html.escape(iri)}">voir et répondre</a>')
    meta = f'<p class="{META_CLASS}">{" · ".join(parts)}</p>'
    return title + paragraphs(action.description) + meta


def _place(action: Action) -> dict[str, Any]:
    # The public (jittered) point only: the exact one never leaves the node (DESIGN §5).
    return objects.place(
        name=action.place_name, latitude=action.public_lat, longitude=action.public_lon
    )


def action_cc(node: NodeState, action: Action) -> list[str]:
    """The followers collections a public action is addressed to (``cc``): the instance
    actor's, and its association's when posted for one."""
    s = node.settings
    cc = [followers_iri(instance_actor_iri(s))]
    association_id = action.association_id  # type: ignore[attr-defined]
    if association_id is not None:
        cc.append(followers_iri(association_actor_iri(s, association_id)))
    return cc


async def action_object(
    node: NodeState, action: Action, *, edited: bool | None = None
) -> dict[str, Any]:
    """A local public action as a ``["Note", "Proposal"]`` (need, offer) or an ``Event``
    (outing), addressed as delivered (``to`` Public, ``cc`` the followers) whether it is
    delivered or fetched. No ``summary``: Mastodon would show it as a content warning.

    ``updated`` is there only for an edited object (``edited=True``, as an ``Update`` says;
    by default when it changed a second or more after its creation): Mastodon marks every
    post that carries ``updated`` as edited."""
    if action.origin_domain is not None:
        raise ValueError("a remote action is served by its own node")
    iri = action_iri(node.settings, action.id)
    content = readable_content(node, action, iri)
    category = _TO_WIRE_CATEGORY[ActionCategory(action.category)]
    status = _TO_WIRE_STATUS[_status(action)]
    kind = ActionKind(action.kind)
    obj: dict[str, Any]
    if kind == ActionKind.OUTING and action.starts_at is not None:
        obj = objects.event(
            id=iri,
            attributed_to=author_actor_iri(node, action),
            name=action.title,
            content=content,
            start_time=action.starts_at,
            end_time=action.ends_at,
            location=_place(action),
            category=category,
            status=status,
            published=action.created_at,
            url=iri,
        )
    else:
        obj = objects.proposal(
            id=iri,
            attributed_to=author_actor_iri(node, action),
            kind=WireKind(kind.value),
            name=action.title,
            content=content,
            category=category,
            status=status,
            location=_place(action),
            published=action.created_at,
            end_time=action.expires_at,
            url=iri,
        )
    obj["cc"] = action_cc(node, action)
    if edited is None:
        edited = action.updated_at - action.created_at >= EDITED_AFTER
    if edited:
        # Only an edited object says ``updated`` (Mastodon marks a post "edited" when it is
        # there and differs from ``published``); milliseconds order two edits in one second.
        # (``updated_at`` is stamped by the ORM at save, a hair after ``created_at``.)
        updated = action.updated_at.astimezone(dt.UTC)
        obj["updated"] = (
            updated.strftime("%Y-%m-%dT%H:%M:%S.") + f"{updated.microsecond // 1000:03d}Z"
        )
    return build.with_context(obj)


def _status(action: Action) -> ActionStatus:

    return effective_status(action)


def message_note(
    node: NodeState, message: Message, action: Action, to: list[str]
) -> dict[str, Any]:
    """A chat message as a ``Note`` addressed only to the given participants (never public)."""
    in_reply_to = action.ap_id or action_iri(node.settings, action.id)
    author = member_actor_iri(node.settings, message.author_id)  # type: ignore[attr-defined]
    return objects.note(
        id=f"{action_iri(node.settings, action.id)}/messages/{message.id}",
        attributed_to=author,
        content=paragraphs(message.body),
        to=[iri for iri in to if iri != PUBLIC],
        in_reply_to=in_reply_to,
        published=message.created_at,
    )


# --- incoming -------------------------------------------------------------------------------


class _Text(HTMLParser):
    _BLOCKS = frozenset({"p", "br", "div", "li", "h1", "h2", "h3", "h4", "tr", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        meta = tag == "p" and bool(classes & _SKIPPED_CLASSES)
        if meta or tag in ("script", "style"):
            self.skipping = True
        if tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "script", "style"):
            self.skipping = False
        if tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


# C0 and C1 control characters but the tab and the line break: no text from another server
# needs them, and our own forms refuse them (node.services.inputs). A raw NUL never gets this
# far (the inbox answers 400), but one written as a reference (``&#0;``, ``&#1;``) is decoded by
# the HTML parser, so the text is cleaned after parsing.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def without_controls(value: str) -> str:
    """``value`` without control characters (tab and line break kept)."""
    return _CONTROLS.sub("", value)


def html_to_text(value: str) -> str:
    """Plain text of an HTML fragment (we never store or render remote HTML)."""
    parser = _Text()
    parser.feed(value)
    parser.close()
    text = without_controls("".join(parser.parts))
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


class Unusable(ValueError):
    """The object cannot become a remote action (the reason is the message)."""


def _url(obj: ap.ASObject) -> str:
    for ref in obj.url:
        value = ap.id_of(ref)
        if value and value.startswith(("https://", "http://")):
            return value
    return obj.id or ""


def _point(obj: ap.ASObject) -> tuple[float, float, str | None]:
    for ref in obj.location:
        if isinstance(ref, ap.Place) and ref.latitude is not None and ref.longitude is not None:
            lat, lon = ref.latitude, ref.longitude
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                # 4 decimals (~11 m): we never need finer for a feed of public points.
                return round(lat, 4), round(lon, 4), ref.name
    raise Unusable("no location with coordinates")


def _extra(obj: ap.ASObject, *names: str) -> str | None:
    extra = obj.model_extra or {}
    for name in names:
        value = extra.get(name)
        if isinstance(value, str):
            return value
    return None


def remote_action_fields(obj: ap.ASObject, *, now: dt.datetime, ttl_days: int) -> RemoteFields:
    """Read a need/offer object or an ``Event`` into remote-action fields; :class:`Unusable` if
    not."""
    if obj.id is None:
        raise Unusable("the object has no id")
    lat, lon, place = _point(obj)
    text = html_to_text(obj.text or "")
    title = (obj.name or text.split("\n", 1)[0]).strip()[:TITLE_MAX]
    if not title:
        raise Unusable("no name and no content")
    category_value = _extra(obj, "actionCategory") if not isinstance(obj, NeedOffer) else None
    starts_at = ends_at = None
    if isinstance(obj, NeedOffer):
        kind = ActionKind.NEED if obj.purpose == "request" else ActionKind.OFFER
        if obj.action_kind in ("need", "offer"):
            kind = ActionKind(str(obj.action_kind))
        category_value = obj.action_category
        status_value = obj.action_status
    elif obj.has_type("Event") or isinstance(obj, ap.Event):
        kind = ActionKind.OUTING
        if obj.start_time is None:
            raise Unusable("an event without a start time")
        starts_at, ends_at = obj.start_time, obj.end_time
        category_value = getattr(obj, "action_category", None) or category_value
        status_value = getattr(obj, "action_status", None) or _extra(obj, "ical:status")
    else:
        raise Unusable(f"not a need/offer object (Proposal) or an Event: {obj.type!r}")
    category = _FROM_WIRE_CATEGORY.get((category_value or "").lower(), ActionCategory.OTHER)
    status = _FROM_WIRE_STATUS.get((status_value or "open").lower(), ActionStatus.OPEN)
    if kind == ActionKind.OUTING:
        expires_at = ends_at or (starts_at + dt.timedelta(hours=4) if starts_at else now)
    else:
        expires_at = obj.end_time or now + dt.timedelta(days=ttl_days)
    return RemoteFields(
        kind=kind,
        category=category,
        title=title,
        description=text[:DESCRIPTION_MAX],
        status=status,
        lat=lat,
        lon=lon,
        starts_at=starts_at,
        ends_at=ends_at,
        place_name=place[:PLACE_NAME_MAX] if place and kind == ActionKind.OUTING else None,
        expires_at=expires_at,
        url=_url(obj),
        updated=obj.updated or obj.published,
    )


def actor_display_name(name: str | None, preferred_username: str | None, iri: str) -> str:
    """A short name for a remote actor (never more than :data:`NAME_MAX`)."""
    return (name or preferred_username or iri.rstrip("/").rsplit("/", 1)[-1])[:NAME_MAX]
