"""Caps on the verification SMS a node sends: per number (3 in 15 minutes, 10 a day) and for
the whole node per hour. Every SMS is paid by the operator, and a number that receives codes it
never asked for is being harassed ("SMS bombing"): the caps hold whoever asks, from any address,
on top of the per-client rate limits.

A capped request is a 429 with ``Retry-After`` and a plain message; the caps count attempts to
text a number whether or not it has an account, so they reveal nothing about accounts.
"""

from __future__ import annotations

from datetime import timedelta

from node.errors import TooManyRequests
from node.services import ratelimit
from node.state import NodeState

PER_NUMBER = ((timedelta(minutes=15), 3), (timedelta(days=1), 10))
NODE_WINDOW = timedelta(hours=1)


async def reserve(node: NodeState, phone: str) -> None:
    """Count one SMS to ``phone`` (E.164); :class:`TooManyRequests` when a cap is reached."""
    for window, limit in PER_NUMBER:
        count, start = await ratelimit.hit(f"sms:{int(window.total_seconds())}:{phone}", window)
        if count > limit:
            minutes = max(1, round(int(ratelimit.retry_after(start, window)) / 60))
            raise TooManyRequests(
                f"Too many codes were sent to this number; try again in {minutes} minutes.",
                headers={"Retry-After": ratelimit.retry_after(start, window)},
            )
    count, start = await ratelimit.hit("sms:node", NODE_WINDOW)
    if count > node.settings.sms_per_hour:
        raise TooManyRequests(
            "This node has sent too many text messages this hour; try again later.",
            headers={"Retry-After": ratelimit.retry_after(start, NODE_WINDOW)},
        )


async def allowed(node: NodeState, phone: str) -> bool:
    """:func:`reserve` for texts nobody is waiting for at a screen (vote links sent by the
    worker): False instead of a 429 when a cap is reached, the text is not sent."""
    try:
        await reserve(node, phone)
    except TooManyRequests:
        return False
    return True
