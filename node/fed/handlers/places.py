"""Inbox: places of partner nodes' solidarity guides (``Place`` objects, the ``guide`` scope).

* ``Create``/``Update`` of a ``Place`` (the dispatch table asks the ``guide`` scope): only a
  place attributed to the sending actor, living on the sender's own domain; every size is
  bounded here (a longer text is cut, an over-long list is refused); the node-dependent rules
  (its point near this node's area, known categories, readable hours) are the service's.
* ``Delete`` of a ``Place``, of a ``Tombstone`` or of an IRI: a place the sender's node shared.

Refusals mark the inbox row ``ignored`` with their reason.
"""

from __future__ import annotations

import re
from datetime import date

from federation import parse as ap
from federation.origin import domain_of
from node import clock
from node.errors import NotFound, Problem
from node.fed.handlers.context import Ignore, InboxContext
from node.fed.serializers import actor_display_name, html_to_text
from node.services.places import remote

MAX_LIST = 20
_WORD = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


def _text(value: str | None, limit: int) -> str:
    return " ".join((value or "").split())[:limit]


def _words(values: list[str], pattern: re.Pattern[str], what: str) -> tuple[str, ...]:
    if len(values) > MAX_LIST:
        raise Ignore(f"at most {MAX_LIST} {what}")
    return tuple(dict.fromkeys(v for v in values if pattern.match(v)))


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _website(value: str | None) -> str:
    text = _text(value, 500)
    return text if text.startswith(("https://", "http://")) else ""


def _remote_place(ctx: InboxContext, obj: ap.ASObject) -> remote.RemotePlace:
    if not isinstance(obj, ap.Place) or obj.id is None:
        raise Ignore("not a place")
    sender = ctx.sender
    # Only the sender's own places: attributed to the sending actor, living on its domain.
    if obj.owner != sender.ap_id or domain_of(obj.id) != sender.domain:
        raise Ignore("a node shares only its own places")
    lat, lon = obj.latitude, obj.longitude
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Ignore("a place has a latitude and a longitude")
    name = _text(obj.name, 150)
    if len(name) < 2:
        raise Ignore("a place has a name")
    return remote.RemotePlace(
        iri=obj.id,
        origin_domain=sender.domain,
        owner_iri=sender.ap_id,
        owner_name=actor_display_name(sender.name, sender.preferred_username, sender.ap_id)[:150],
        name=name,
        lat=lat,
        lon=lon,
        categories=_words(obj.place_categories, _WORD, "categories"),
        audiences=_words(obj.place_audiences, _WORD, "audiences"),
        languages=_words(obj.place_languages, _LANGUAGE, "languages"),
        checked_on=_day(obj.checked_on) or clock.now().date(),
        description=html_to_text(obj.text or "")[:2000],
        conditions=_text(obj.place_conditions, 500),
        address=_text(obj.address_part("streetAddress"), 250),
        postcode=_text(obj.address_part("postalCode"), 10),
        town=_text(obj.address_part("addressLocality"), 100),
        opening_hours=_text(obj.opening_hours, 500),
        closed_from=_day(obj.closed_from),
        closed_to=_day(obj.closed_to),
        closure_reason=_text(obj.closure_reason, 200),
        full_since=obj.full_since,
        phone=_text(obj.phone, 30),
        website=_website(obj.website),
        free=obj.free,
        updated=obj.updated or obj.published,
    )


async def receive_place(ctx: InboxContext, activity: ap.Activity) -> None:
    """``Create`` or ``Update`` of a place (an Update of one we missed is stored too)."""
    obj = activity.embedded_object
    if obj is None:
        raise Ignore("the place is not embedded")
    try:
        await remote.receive_place(ctx.node, _remote_place(ctx, obj))
    except Problem as exc:
        raise Ignore(exc.detail) from exc


async def delete_place_of(ctx: InboxContext, object_id: str | None) -> bool:
    """Remove the place ``object_id`` if the sender's node shared it (used for ``Delete`` of a
    ``Place`` and of a ``Tombstone``); False when none is stored."""
    if object_id is None or domain_of(object_id) != ctx.sender.domain:
        return False
    try:
        await remote.delete_partner_place(ctx.node, object_id, ctx.sender.domain)
    except NotFound:
        return False
    return True


async def delete_place(ctx: InboxContext, activity: ap.Activity) -> None:
    if not await delete_place_of(ctx, activity.object_id):
        raise Ignore("no place of the sender's node stored under this id")
