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
    "Member",
    "MemberKind",
    "Message",
    "Participation",
    "ParticipationStatus",
    "PhoneVerification",
    "RateCounter",
    "Visibility",
]
