"""Events of the solidarity guide's places."""

from __future__ import annotations

from dataclasses import dataclass

from node.events.base import Event
from node.models import (
    Place,
    PlaceSuggestion,
)

# --- places of the guide -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PlaceCreated(Event):
    """A solidarity place was made on the node, imported, or received from a partner."""

    place: Place


@dataclass(frozen=True, kw_only=True)
class PlaceUpdated(Event):
    """``changed`` names the columns that changed (hours, closure, full tonight...)."""

    place: Place
    changed: frozenset[str]


@dataclass(frozen=True, kw_only=True)
class PlaceDeleted(Event):
    """Recorded before the row goes, so listeners can still read it."""

    place: Place


@dataclass(frozen=True, kw_only=True)
class PlaceSuggested(Event):
    """A member suggested a change to a place; those who may decide are told."""

    suggestion: PlaceSuggestion
    place: Place


@dataclass(frozen=True, kw_only=True)
class PlaceSuggestionDecided(Event):
    """A suggestion was accepted (and applied) or refused; its author is told."""

    suggestion: PlaceSuggestion
    place: Place
