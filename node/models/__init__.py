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
from node.models.federation import (
    AllowedDomain,
    Delivery,
    DeliveryStatus,
    DomainBlock,
    FederationPolicy,
    Follower,
    Host,
    InboxItem,
    InboxStatus,
    OutboxActivity,
    RemoteActor,
)
from node.models.member import ApiToken, Member, PhoneVerification, RateCounter
from node.models.operations import PartnerFigures, WorkerHeartbeat
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
from node.models.partnership import Partnership, PartnershipDirection, PartnershipStatus

__all__ = [
    "Action",
    "ActionCategory",
    "ActionKind",
    "ActionStatus",
    "AllowedDomain",
    "ApiToken",
    "Association",
    "AssociationMembership",
    "AssociationRole",
    "AssociationStatus",
    "Delivery",
    "DeliveryStatus",
    "DomainBlock",
    "Encounter",
    "FederationPolicy",
    "Follower",
    "Host",
    "InboxItem",
    "InboxStatus",
    "Member",
    "MemberKind",
    "Message",
    "OutboxActivity",
    "OutreachItem",
    "Participation",
    "ParticipationStatus",
    "PartnerFigures",
    "Partnership",
    "PartnershipDirection",
    "PartnershipStatus",
    "PhoneVerification",
    "RateCounter",
    "RemoteActor",
    "Round",
    "RoundKind",
    "RoundMode",
    "RoundStatus",
    "RoundTeamMember",
    "Visibility",
    "Visit",
    "WorkerHeartbeat",
]
