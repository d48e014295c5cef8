"""Events of the street committee, on this node and across nodes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from node.events.base import Event
from node.models import (
    CommitteeProposal,
    Decision,
    PartnerOpinion,
)

# --- the street committee ------------------------------------------------------------------------


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


# --- the street committee across nodes -----------------------------------------------------------


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
