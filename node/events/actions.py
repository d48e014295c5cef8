"""Events of needs, offers and outings, their participations and chat, street outreach,
members and associations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from node.events.base import Event
from node.models import (
    Action,
    Association,
    Encounter,
    Member,
    Message,
    Participation,
    Visit,
)

# --- actions -------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ActionCreated(Event):
    """A local action was posted, or a remote one arrived (``action.origin_domain`` set)."""

    action: Action


@dataclass(frozen=True, kw_only=True)
class ActionUpdated(Event):
    """``changed`` names the columns that changed (``updated_at`` not counted)."""

    action: Action
    changed: frozenset[str]


@dataclass(frozen=True, kw_only=True)
class ActionDeleted(Event):
    """Recorded BEFORE the row goes: listeners can still read its association and audience."""

    action: Action
    when: datetime


# --- participations and chat ---------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ParticipationAsked(Event):
    """A member (local, or remote: ``participation.remote_actor_iri``) asked to join; the status
    may already be ``accepted`` when the action lets people in at once."""

    participation: Participation
    action: Action


@dataclass(frozen=True, kw_only=True)
class ParticipationDecided(Event):
    """The author or a coordinator accepted or declined (``participation.status``)."""

    participation: Participation
    action: Action


@dataclass(frozen=True, kw_only=True)
class ParticipationLeft(Event):
    participation: Participation
    action: Action


@dataclass(frozen=True, kw_only=True)
class MessagePosted(Event):
    """A chat message, written here or received from another node (``message.remote_actor_iri``)."""

    message: Message
    action: Action


# --- outreach ------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class VisitRecorded(Event):
    """An encounter was recorded during a round, with its coarse :class:`Visit` (what partners
    may see; the encounter itself never leaves the node)."""

    encounter: Encounter
    visit: Visit


# --- members and associations --------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MemberDeleted(Event):
    """Recorded BEFORE the account's rows go (by cascade): ``actions`` are the member's own
    actions as they were, ``joined`` the remote actions they took part in (whose owners know the
    member's actor)."""

    member: Member
    actions: tuple[Action, ...]
    joined: tuple[Action, ...]
    when: datetime


@dataclass(frozen=True, kw_only=True)
class AssociationRequested(Event):
    association: Association
