"""Events of partnerships between nodes."""

from __future__ import annotations

from dataclasses import dataclass

from node.events.base import Event
from node.models import (
    Partnership,
)

# --- partnerships between nodes ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PartnershipAsked(Event):
    """This node asked another for a partnership (``direction`` outgoing, ``pending``)."""

    partnership: Partnership


@dataclass(frozen=True, kw_only=True)
class PartnershipDecided(Event):
    """This node accepted or refused a request (``partnership.status``); ``committee_decision``
    is the public record of the street committee's decision behind it, when there is one."""

    partnership: Partnership
    committee_decision: str | None = None


@dataclass(frozen=True, kw_only=True)
class PartnershipAnswered(Event):
    """The other node accepted or refused our request (``partnership.status``)."""

    partnership: Partnership


@dataclass(frozen=True, kw_only=True)
class PartnershipEnded(Event):
    """This node ended (or withdrew) a partnership. ``farewell``: ended by a domain block, the
    partner is told once more although its domain is blocked from now on."""

    partnership: Partnership
    farewell: bool = False
