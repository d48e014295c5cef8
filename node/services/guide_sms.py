"""The guide by SMS: someone with a basic phone texts "douche 75010" or "manger Gare du Nord"
to the node's number; the gateway posts it to the node, which answers with the three nearest
places open now, in one SMS, through the node's SMS backend.

Phone numbers are personal data of people in precarity: a number is never stored. The only
trace is the per-number rate-limit counter, keyed by an HMAC-SHA256 of the number under the node
secret (a keyed hash: the table alone cannot be turned back into numbers by hashing all French
mobiles), and it is deleted once its window has passed (:func:`purge_counters`, run by the
periodic worker and by every question).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from node import clock
from node.errors import TooManyRequests
from node.messaging import OutgoingSms
from node.models import RateCounter
from node.services import ratelimit
from node.services.gazetteer import node_gazetteer
from node.services.guide_data import sms_text
from node.services.guide_data.sms_text import NearbyPlace
from node.services.guide_data.words import SmsQuestion, parse_sms
from node.services.phone import normalise_phone
from node.state import NodeState

WINDOW = timedelta(hours=1)
KEY_PREFIX = "guide-sms:"
NODE_KEY = "guide-sms-node"
MAX_TEXT = 1000

Finder = Callable[[NodeState, str, float, float], Awaitable[list[NearbyPlace]]]


@dataclass(frozen=True, slots=True)
class Where:
    lat: float
    lon: float
    name: str


def number_key(node: NodeState, number: str) -> str:
    """The rate-limit key of a phone number: a keyed hash, never the number."""
    digest = hmac.new(node.settings.secret(), number.encode(), hashlib.sha256).hexdigest()
    return KEY_PREFIX + digest[:40]


async def purge_counters() -> int:
    """Delete the guide's per-number counters whose window has ended; returns how many."""
    current = ratelimit.window_start(clock.now(), WINDOW)
    return await RateCounter.filter(key__startswith=KEY_PREFIX, window_start__lt=current).delete()


def locate(node: NodeState, question: SmsQuestion) -> Where | None:
    """The point an SMS names: a postcode or a station/district of the node's gazetteer (its
    aliases include postcodes), else the centre of the node's area when it names nothing."""
    gazetteer = node_gazetteer(node.settings)
    for typed in (question.postcode, question.where):
        if typed:
            found = gazetteer.find(typed)
            if found is None:
                return None
            return Where(found.lat, found.lon, found.name)
    return Where(node.settings.area_lat, node.settings.area_lon, node.settings.node_name)


async def _count(node: NodeState, number: str) -> None:
    await purge_counters()
    count, start = await ratelimit.hit(number_key(node, number), WINDOW)
    if count > node.settings.guide_sms_per_hour:
        raise TooManyRequests(
            "Too many questions from this number; try again later.",
            headers={"Retry-After": ratelimit.retry_after(start, WINDOW)},
        )
    count, start = await ratelimit.hit(NODE_KEY, WINDOW)
    if count > node.settings.guide_sms_per_node_per_hour:
        raise TooManyRequests(
            "This node has answered too many text messages this hour.",
            headers={"Retry-After": ratelimit.retry_after(start, WINDOW)},
        )


async def compose(node: NodeState, text: str, find: Finder) -> str:
    """The answer to an SMS body (pure of the sender)."""
    question = parse_sms(text[:MAX_TEXT])
    language = question.language
    if question.wants_help:
        return sms_text.fit(sms_text.HELP[language])
    if question.category is None:
        return sms_text.fit(sms_text.NOT_UNDERSTOOD[language] + sms_text.HELP[language])
    where = locate(node, question)
    if where is None:
        return sms_text.fit(sms_text.WHERE_UNKNOWN[language])
    places = await find(node, question.category, where.lat, where.lon)
    return sms_text.answer(question.category, where.name, places, language)


async def answer_sms(node: NodeState, sender: str, text: str, find: Finder) -> str:
    """Answer an inbound SMS from ``sender`` (any usual format; :class:`Unprocessable` when it
    is no phone number), within the per-number and node caps; returns the answer sent."""
    number = normalise_phone(sender)
    await _count(node, number)
    body = await compose(node, text, find)
    await node.sms.send(OutgoingSms(to=number, body=body))
    return body
