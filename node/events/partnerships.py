"""Events of partnerships between nodes."""

from __future__ import annotations

from dataclasses import dataclass

from node.events.base import Event
from node.models import (
    Partnership,
    PartnershipScopeOffer,
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


@dataclass(frozen=True, kw_only=True)
class PartnershipNarrowed(Event):
    """This node stopped sharing ``removed`` with a partner (at once: sharing less needs nobody's
    consent); the partner is told with an ``Update`` of the partnership."""

    partnership: Partnership
    removed: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class PartnershipWideningAsked(Event):
    """This node asks a partner to share more (``offer.scopes``); it waits for their answer."""

    partnership: Partnership
    offer: PartnershipScopeOffer


@dataclass(frozen=True, kw_only=True)
class PartnershipWideningDecided(Event):
    """This node accepted or refused a partner's request to share more (``offer.status``);
    ``committee_decision``: the public record of the committee decision behind it, if any."""

    partnership: Partnership
    offer: PartnershipScopeOffer
    committee_decision: str | None = None


@dataclass(frozen=True, kw_only=True)
class PartnershipWideningAnswered(Event):
    """The partner accepted or refused our request to share more (``offer.status``)."""

    partnership: Partnership
    offer: PartnershipScopeOffer


@dataclass(frozen=True, kw_only=True)
class PartnershipWideningWithdrawn(Event):
    """This node withdrew its request to share more before the partner answered; the partner is
    told with an ``Undo`` of the Offer."""

    partnership: Partnership
    offer: PartnershipScopeOffer
