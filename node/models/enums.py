"""Enumerations shared by models, services and the API (values are the wire/API strings)."""

from enum import StrEnum


class MemberKind(StrEnum):
    RESIDENT = "resident"
    ASSOCIATION = "association"
    PERSON_IN_NEED = "person_in_need"


class AssociationStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class AssociationRole(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    VOLUNTEER = "volunteer"


class ActionKind(StrEnum):
    NEED = "need"
    OFFER = "offer"
    OUTING = "outing"


class ActionCategory(StrEnum):
    FOOD = "food"
    CLOTHES = "clothes"
    HYGIENE = "hygiene"
    HEALTH = "health"
    HAIRCUT = "haircut"
    SOCIAL = "social"
    HOUSING = "housing"
    PAPERWORK = "paperwork"
    SKILLS = "skills"
    OTHER = "other"


class ActionStatus(StrEnum):
    OPEN = "open"
    FULFILLED = "fulfilled"
    CLOSED = "closed"
    EXPIRED = "expired"


class Visibility(StrEnum):
    PUBLIC = "public"  # anyone, and partners through federation
    NODE = "node"  # members of this node
    ASSOCIATION = "association"  # members of the posting association


class ParticipationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    LEFT = "left"
