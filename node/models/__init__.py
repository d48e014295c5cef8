"""Tortoise models of a node; ``node.models`` is the single Tortoise app ``models``."""

from node.models.action import Action, Message, Participation
from node.models.association import Association, AssociationMembership
from node.models.enums import (
    ActionCategory,
    ActionKind,
    ActionStatus,
    AssociationRole,
    AssociationStatus,
    MemberKind,
    ParticipationStatus,
    Visibility,
)
from node.models.member import ApiToken, Member, PhoneVerification, RateCounter
from node.models.outreach import (
    Encounter,
    OutreachItem,
    Round,
    RoundKind,
    RoundMode,
    RoundStatus,
    RoundTeamMember,
    Visit,
)

__all__ = [
    "Action",
    "ActionCategory",
    "ActionKind",
    "ActionStatus",
    "ApiToken",
    "Association",
    "AssociationMembership",
    "AssociationRole",
    "AssociationStatus",
    "Encounter",
    "Member",
    "MemberKind",
    "Message",
    "OutreachItem",
    "Participation",
    "ParticipationStatus",
    "PhoneVerification",
    "RateCounter",
    "Round",
    "RoundKind",
    "RoundMode",
    "RoundStatus",
    "RoundTeamMember",
    "Visibility",
    "Visit",
]
