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

from node.events.actions import (
    ActionCreated,
    ActionDeleted,
    ActionUpdated,
    AssociationRequested,
    MemberDeleted,
    MessagePosted,
    ParticipationAsked,
    ParticipationDecided,
    ParticipationLeft,
    VisitRecorded,
)
from node.events.base import (
    Event,
    EventBus,
    Listener,
)
from node.events.calls import (
    CallAnswered,
    CallAnswerRefused,
    CallAnswerWithdrawn,
    CallDeleted,
    CallMessagePosted,
    CallPosted,
    CallThanked,
    CallUpdated,
    RemoteFollowEnded,
    RemoteFollowStarted,
)
from node.events.committee import (
    CommitteeQuestionAnswered,
    CommitteeQuestionAsked,
    ProposalClosed,
    ProposalOpened,
    QuorumAtRisk,
    VoteReminderDue,
)
from node.events.moderation import (
    ActionHidden,
    ActionRestored,
    ContentHidden,
    MemberWarned,
    MessageHidden,
    ReportDecided,
    ReportForwarded,
    ReportMade,
)
from node.events.partnerships import (
    PartnershipAnswered,
    PartnershipAsked,
    PartnershipDecided,
    PartnershipEnded,
    PartnershipNarrowed,
    PartnershipWideningAnswered,
    PartnershipWideningAsked,
    PartnershipWideningDecided,
    PartnershipWideningWithdrawn,
)
from node.events.places import (
    PlaceCreated,
    PlaceDeleted,
    PlaceSuggested,
    PlaceSuggestionDecided,
    PlaceUpdated,
)

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
    "MessageHidden",
    "MessagePosted",
    "ParticipationAsked",
    "ParticipationDecided",
    "ParticipationLeft",
    "PartnershipAnswered",
    "PartnershipAsked",
    "PartnershipDecided",
    "PartnershipEnded",
    "PartnershipNarrowed",
    "PartnershipWideningAnswered",
    "PartnershipWideningAsked",
    "PartnershipWideningDecided",
    "PartnershipWideningWithdrawn",
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
