"""Notifications as a listener of the node's events (:mod:`node.events`).

Each listener runs inside the transaction of the change and writes notification rows through
:func:`node.services.notifications.notify`; the worker sends them. Events caused by another
node (a Lyon member joins a Paris need, a remote chat message, a partner's answer) are recorded
by the same services and notify exactly like local ones: recipients are always members of this
node, whoever caused the event. People are named by pseudonym (or a remote actor's display
name), never by phone, email or place.
"""

from __future__ import annotations

from node.events import (
    ActionDeleted,
    ActionUpdated,
    AssociationRequested,
    CallAnswerRefused,
    CallDeleted,
    CallMessagePosted,
    CallPosted,
    CallThanked,
    CallUpdated,
    EventBus,
    MemberWarned,
    MessageHidden,
    MessagePosted,
    ParticipationAsked,
    ParticipationDecided,
    PlaceSuggested,
    PlaceSuggestionDecided,
    ProposalClosed,
    ProposalOpened,
    QuorumAtRisk,
    ReportDecided,
    ReportMade,
    VoteReminderDue,
)
from node.notify import actions, associations, calls, committee, guide, moderation


def register(bus: EventBus) -> None:
    bus.listen(ParticipationAsked, actions.participation_asked)
    bus.listen(ParticipationDecided, actions.participation_decided)
    bus.listen(MessagePosted, actions.message_posted)
    bus.listen(ActionUpdated, actions.action_updated)
    bus.listen(ActionDeleted, actions.action_deleted)
    bus.listen(AssociationRequested, associations.association_requested)
    bus.listen(ProposalOpened, committee.proposal_opened)
    bus.listen(VoteReminderDue, committee.vote_reminder_due)
    bus.listen(QuorumAtRisk, committee.quorum_at_risk)
    bus.listen(ProposalClosed, committee.proposal_closed)
    bus.listen(CallPosted, calls.call_posted)
    bus.listen(CallUpdated, calls.call_updated)
    bus.listen(CallThanked, calls.call_thanked)
    bus.listen(CallAnswerRefused, calls.call_answer_refused)
    bus.listen(CallDeleted, calls.call_deleted)
    bus.listen(CallMessagePosted, calls.call_message_posted)
    bus.listen(MessageHidden, calls.call_message_hidden)
    bus.listen(ReportMade, moderation.report_made)
    bus.listen(ReportDecided, moderation.report_decided)
    bus.listen(MemberWarned, moderation.member_warned)
    bus.listen(PlaceSuggested, guide.place_suggested)
    bus.listen(PlaceSuggestionDecided, guide.place_suggestion_decided)
