"""Events of calls for help, their answers and messages, and follows of partner associations."""

from __future__ import annotations

from dataclasses import dataclass

from node.events.base import Event
from node.models import (
    Call,
    CallAnswer,
    CallMessage,
    RemoteAssociationFollow,
)

# --- calls for help ------------------------------------------------------------------------------


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
