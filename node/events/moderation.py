"""Events of reports and moderation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from node.events.base import Event
from node.models import (
    Action,
    Call,
    CallMessage,
    HouseRule,
    Member,
    Message,
    Place,
    RemoteActor,
    Report,
)

# --- moderation ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ReportMade(Event):
    """A member (or another server, by a ``Flag``) reported something; moderators are told,
    at once when someone is in danger."""

    report: Report


@dataclass(frozen=True, kw_only=True)
class ReportDecided(Event):
    """A moderator resolved or dismissed a report; its reporter is told the outcome."""

    report: Report


@dataclass(frozen=True, kw_only=True)
class ReportForwarded(Event):
    """A moderator sends a report to the server of the reported content (a ``Flag``)."""

    report: Report
    actor: RemoteActor  # the reported account
    objects: tuple[str, ...]  # the reported objects' IRIs
    text: str


@dataclass(frozen=True, kw_only=True)
class MemberWarned(Event):
    """A moderator warned, suspended or banned a member; the member is told why."""

    member: Member
    verb: str
    reason: str
    until: datetime | None = None
    rule: HouseRule | None = None  # the house rule the moderator cited


@dataclass(frozen=True, kw_only=True)
class ActionHidden(Event):
    """Moderators hid an action: for partners it is gone (a ``Delete``) until restored."""

    action: Action
    when: datetime


@dataclass(frozen=True, kw_only=True)
class ActionRestored(Event):
    """Moderators showed a hidden action again: partners receive it anew (a ``Create``)."""

    action: Action


@dataclass(frozen=True, kw_only=True)
class ContentHidden(Event):
    """Moderators hid (``hidden``) or restored a call or a guide place: for partners a hidden
    one is gone (a ``Delete``); restored, they receive it anew (a ``Create``)."""

    content: Call | Place
    hidden: bool


@dataclass(frozen=True, kw_only=True)
class MessageHidden(Event):
    """Moderators hid (``hidden``) or restored a chat message or a message of a call: the
    partner nodes that received it delete their copy (a ``Delete``), and receive it anew when it
    is restored. Also recorded, ``hidden``, when the node a message of a call came from takes it
    back: the notices quoting it go."""

    message: Message | CallMessage
    hidden: bool
    when: datetime
