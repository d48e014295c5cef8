"""Why an answer to a call is not counted: the problems answering raises, each with the
``reason`` code a partner node is told in its ``Reject`` (``refusalReason``)."""

from __future__ import annotations

from node.errors import Conflict, Problem, Unprocessable


class Full(Conflict):
    """Nothing more is needed (the call, or the item asked for)."""

    reason = "full"


class Closed(Conflict):
    reason = "closed"


class AlreadyAnswered(Conflict):
    reason = "duplicate"


class TooMuch(Unprocessable):
    """More than still needed of an item."""

    reason = "over"


REASONS = ("full", "closed", "over", "duplicate", "invalid")


def refusal_reason(problem: Problem) -> str:
    """Why an answer was not counted, as one of :data:`REASONS` (what a partner node is told
    in a ``Reject``, and words its member's notification)."""
    reason = getattr(problem, "reason", "invalid")
    return reason if reason in REASONS else "invalid"
