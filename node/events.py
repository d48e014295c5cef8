"""What happened on this node, announced by the services and heard by listeners.

A service records an event INSIDE the database transaction of the change it announces::

    async with in_transaction():
        action = await Action.create(...)
        await node.events.record(node, ActionCreated(action=action))

Every listener registered for the event's type runs right there, in registration order, in the
same transaction: the rows it writes (outbox activities and deliveries for partners,
notifications for people) commit or roll back with the change. So nothing is announced that did
not happen, and nothing that happened is lost when the process dies after the commit. A listener
never talks to the network itself: it writes rows, and the worker sends them.

Which listeners a node has is decided once, where the node is built (:mod:`node.wiring`):
federation (:mod:`node.fed.listeners`) and notifications. A node built with ``federate=False``
(demo data) has no federation listener: its services are the same, nothing leaves.

An event caused by another node's activity (a remote join, a remote chat message) is recorded by
the same service function as a local one; listeners look at the objects (``remote_actor_iri``,
``origin_domain``) to decide: federation never echoes an activity back to where it came from.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from node.models import (
    Action,
    Association,
    Call,
    CallAnswer,
    CallMessage,
    CommitteeProposal,
    Decision,
    Encounter,
    Member,
    Message,
    Participation,
    PartnerOpinion,
    Partnership,
    Place,
    PlaceSuggestion,
    RemoteActor,
    RemoteAssociationFollow,
    Report,
    Visit,
)

if TYPE_CHECKING:
    from node.state import NodeState

__all__ = [
    "ActionCreated",
    "ActionDeleted",
    "ActionHidden",
    "ActionRestored",
    "ActionUpdated",
    "AssociationRequested",
    "CallAnswerRefused",
    "CallAnswerWithdrawn",
    "CallAnswered",
    "CallDeleted",
    "CallMessagePosted",
    "CallPosted",
    "CallThanked",
    "CallUpdated",
    "CommitteeQuestionAnswered",
    "CommitteeQuestionAsked",
    "ContentHidden",
    "Event",
    "EventBus",
    "Listener",
    "MemberDeleted",
    "MemberWarned",
    "MessagePosted",
    "ParticipationAsked",
    "ParticipationDecided",
    "ParticipationLeft",
    "PartnershipAnswered",
    "PartnershipAsked",
    "PartnershipDecided",
    "PartnershipEnded",
    "PlaceCreated",
    "PlaceDeleted",
    "PlaceSuggested",
    "PlaceSuggestionDecided",
    "PlaceUpdated",
    "ProposalClosed",
    "ProposalOpened",
    "QuorumAtRisk",
    "RemoteFollowEnded",
    "RemoteFollowStarted",
    "ReportDecided",
    "ReportForwarded",
    "ReportMade",
    "VisitRecorded",
    "VoteReminderDue",
]


@dataclass(frozen=True, kw_only=True)
class Event:
    """Something that happened on this node, recorded in the transaction of the change."""


# --- actions ----------------------------------------------------------------------------------


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


# --- calls for help ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CallPosted(Event):
    """A local association posted a call, or a partner's arrived (``call.origin_domain`` set)."""

    call: Call


@dataclass(frozen=True, kw_only=True)
class RemoteFollowStarted(Event):
    """The first member of this node followed an association of another node: the node
    follows it (one ``Follow`` of its instance actor, whoever asked)."""

    remote: RemoteAssociationFollow


@dataclass(frozen=True, kw_only=True)
class RemoteFollowEnded(Event):
    """The last member following an association of another node left it (``follow_id`` is
    the ``Follow`` to undo; the row is gone)."""

    actor_iri: str
    follow_id: str


@dataclass(frozen=True, kw_only=True)
class CallUpdated(Event):
    """``changed`` names what changed: columns, ``items`` (quantities), or ``status`` (full,
    closed, cancelled)."""

    call: Call
    changed: frozenset[str]


@dataclass(frozen=True, kw_only=True)
class CallAnswered(Event):
    """Someone said "I'm coming" or pledged items (a local member or a partner's)."""

    call: Call
    answer: CallAnswer


@dataclass(frozen=True, kw_only=True)
class CallAnswerWithdrawn(Event):
    call: Call
    answer: CallAnswer


@dataclass(frozen=True, kw_only=True)
class CallAnswerRefused(Event):
    """An answer was not counted (``answer.refusal`` says why): on the call's node, a partner's
    answer (its node is told); on the answering node, our member's (they are told)."""

    call: Call
    answer: CallAnswer


@dataclass(frozen=True, kw_only=True)
class CallDeleted(Event):
    """A call goes: deleted by its association, or a partner's deleted on its node (recorded
    before the row goes, so listeners can still read it and its respondents)."""

    call: Call


@dataclass(frozen=True, kw_only=True)
class CallMessagePosted(Event):
    """A word between a call's association and its respondents (``message.from_association``
    says which way; ``message.answer`` NULL: to every respondent)."""

    call: Call
    message: CallMessage


@dataclass(frozen=True, kw_only=True)
class CallThanked(Event):
    """The association thanked every respondent at once."""

    call: Call
    message: str


# --- participations and chat ------------------------------------------------------------------


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


# --- outreach ---------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class VisitRecorded(Event):
    """An encounter was recorded during a round, with its coarse :class:`Visit` (what partners
    may see; the encounter itself never leaves the node)."""

    encounter: Encounter
    visit: Visit


# --- members and associations ----------------------------------------------------------------


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


# --- partnerships between nodes ---------------------------------------------------------------


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


# --- the street committee --------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ProposalOpened(Event):
    """A committee vote opened: a gated change, an emergency decision to review, or a partner
    committee's question. Every seated member is asked to vote."""

    proposal: CommitteeProposal


@dataclass(frozen=True, kw_only=True)
class VoteReminderDue(Event):
    """A day before the deadline: ``not_voted`` are the seated members who have not voted yet
    (recorded once per proposal, by the worker's claim)."""

    proposal: CommitteeProposal
    not_voted: tuple[UUID, ...]


@dataclass(frozen=True, kw_only=True)
class QuorumAtRisk(Event):
    """A day before the deadline, fewer members voted than the quorum needs: the facilitators
    can call a meeting or remind people."""

    proposal: CommitteeProposal
    turnout: int
    quorum: int


@dataclass(frozen=True, kw_only=True)
class ProposalClosed(Event):
    """A committee vote closed at its deadline with ``decision`` (approved, refused, or not
    enough voters); recorded before the approved change is carried out."""

    proposal: CommitteeProposal
    decision: Decision


# --- the street committee across nodes --------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CommitteeQuestionAsked(Event):
    """Our street committee asks a partner node's committee for its opinion: ``question`` is
    the ``Question`` document (FEP-9967 shape) for ``opinion.remote_actor_iri``."""

    opinion: PartnerOpinion
    question: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class CommitteeQuestionAnswered(Event):
    """Our committee's vote on a partner's question closed: ``answer`` is the ``Note`` naming
    the option, for ``asker_actor``."""

    asker_actor: str
    answer: dict[str, Any]


# --- moderation -------------------------------------------------------------------------------


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


# --- the bus ----------------------------------------------------------------------------------

E = TypeVar("E", bound=Event)
Listener = Callable[["NodeState", E], Awaitable[None]]


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


class EventBus:
    """The node's listeners, by event type (exact type: no inheritance lookup)."""

    def __init__(self) -> None:
        self._listeners: dict[type[Event], list[Listener[Any]]] = {}

    def listen(self, event_type: type[E], listener: Listener[E]) -> None:
        self._listeners.setdefault(event_type, []).append(listener)

    def listeners(self, event_type: type[Event]) -> tuple[Listener[Any], ...]:
        return tuple(self._listeners.get(event_type, ()))

    async def record(self, node: NodeState, event: Event) -> None:
        """Call INSIDE the service's ``in_transaction()``: awaits every listener registered for
        ``type(event)`` in registration order. A listener that raises aborts the change."""
        for listener in self._listeners.get(type(event), ()):
            await listener(node, event)
