"""The worker's queues, by kind of work, so that a big node can give each its own processes
(``entraide worker --queues deliveries,notifications`` on one machine, ``--queues inbox`` on
another).

The order is the priority: what this node's members did (deliveries to partners, their
notifications) goes before what partners sent (the inbox), as Mastodon orders its Sidekiq
queues ``default`` and ``push`` before ``ingress``: a flood of remote activities must not hold
back the node's own work. Periodic jobs last, they run once a minute at most.
"""

from __future__ import annotations

QUEUES: tuple[str, ...] = ("deliveries", "notifications", "inbox", "periodic")


class UnknownQueue(ValueError):
    """A queue name the worker does not know."""


def parse_queues(text: str) -> tuple[str, ...]:
    """``"inbox,deliveries"`` → the named queues in priority order; ``""`` or ``"all"`` → all.

    Raises :class:`UnknownQueue` naming the bad names and the known ones."""
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    if not names or names == ["all"]:
        return QUEUES
    unknown = sorted({name for name in names if name not in QUEUES})
    if unknown:
        raise UnknownQueue(
            f"unknown queue{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
            f"the queues are {', '.join(QUEUES)} (or all)"
        )
    return tuple(queue for queue in QUEUES if queue in names)
