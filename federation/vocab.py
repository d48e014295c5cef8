"""Vocabulary: ActivityStreams 2.0 types we send and receive, and Entraide's own terms.

Entraide terms live under one namespace, ``https://w3id.org/entraide/ns#``, described by the
context document ``https://w3id.org/entraide/v1`` shipped in ``federation/contexts/``.
Needs and offers follow FEP-0837 (ValueFlows ``Proposal`` with ``purpose``).
"""

from __future__ import annotations

import enum
from typing import Final

# --- contexts --------------------------------------------------------------------------------
AS2_CONTEXT: Final = "https://www.w3.org/ns/activitystreams"
SECURITY_CONTEXT: Final = "https://w3id.org/security/v1"
MULTIKEY_CONTEXT: Final = "https://w3id.org/security/multikey/v1"
ENTRAIDE_CONTEXT: Final = "https://w3id.org/entraide/v1"
ENTRAIDE_NS: Final = "https://w3id.org/entraide/ns#"
VALUEFLOWS_NS: Final = "https://w3id.org/valueflows/ont/vf#"
AS2_NS: Final = "https://www.w3.org/ns/activitystreams#"
PUBLIC: Final = "https://www.w3.org/ns/activitystreams#Public"
PUBLIC_ALIASES: Final = frozenset({PUBLIC, "as:Public", "Public"})

DEFAULT_CONTEXT: Final[list[str]] = [
    AS2_CONTEXT,
    SECURITY_CONTEXT,
    MULTIKEY_CONTEXT,
    ENTRAIDE_CONTEXT,
]

# --- AS2 types -----------------------------------------------------------------------------
ACTIVITY_TYPES: Final = frozenset(
    {
        "Create",
        "Update",
        "Delete",
        "Follow",
        "Accept",
        "Reject",
        "Undo",
        "Offer",
        "Join",
        "Leave",
        "Flag",
        "Announce",
    }
)
ACTOR_TYPES: Final = frozenset({"Application", "Group", "Organization", "Person", "Service"})
OBJECT_TYPES: Final = frozenset(
    {"Note", "Event", "Place", "Tombstone", "Proposal", "Partnership", "Visit"}
)


class Activity(enum.StrEnum):
    CREATE = "Create"
    UPDATE = "Update"
    DELETE = "Delete"
    FOLLOW = "Follow"
    ACCEPT = "Accept"
    REJECT = "Reject"
    UNDO = "Undo"
    OFFER = "Offer"
    JOIN = "Join"
    LEAVE = "Leave"
    FLAG = "Flag"
    ANNOUNCE = "Announce"


class ActorType(enum.StrEnum):
    APPLICATION = "Application"  # the node's instance actor
    GROUP = "Group"
    ORGANIZATION = "Organization"  # associations
    PERSON = "Person"


# --- Entraide / FEP-0837 terms --------------------------------------------------------------
PROPOSAL: Final = "Proposal"  # vf:Proposal
PARTNERSHIP: Final = "Partnership"  # ent:Partnership
VISIT: Final = "Visit"  # ent:Visit — an outreach encounter, as partners may see it


class ProposalPurpose(enum.StrEnum):
    """FEP-0837 ``purpose``: a need is a ``request``, a contribution an ``offer``."""

    REQUEST = "request"
    OFFER = "offer"


class ActionKind(enum.StrEnum):
    NEED = "need"
    OFFER = "offer"
    OUTING = "outing"


class ActionCategory(enum.StrEnum):
    FOOD = "food"
    CLOTHING = "clothing"
    HYGIENE = "hygiene"
    HEALTH = "health"
    HOUSING = "housing"
    SOCIAL = "social"  # company, a coffee, a chat
    SERVICES = "services"  # haircut, paperwork, repairs
    OTHER = "other"


class ActionStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    FULFILLED = "fulfilled"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class PartnershipScope(enum.StrEnum):
    PUBLIC_NEEDS = "public_needs"  # see each other's public needs and offers
    OUTREACH = "outreach"  # coordinate street rounds (visited areas, "asleep: do not wake")
    CALLS = "calls"  # relay calls for volunteers
    GUIDE = "guide"  # share the solidarity guide's places (food, shelter, showers, care...)


class NodeKind(enum.StrEnum):
    ASSOCIATION = "association"
    FEDERATION = "federation"  # a network of associations
    MUNICIPALITY = "municipality"
    COLLECTIVE = "collective"  # an informal neighbourhood group
    OTHER = "other"


# JSON property names of our terms (kept here so builders and parsers cannot drift apart).
TERM_PURPOSE: Final = "purpose"
TERM_ACTION_KIND: Final = "actionKind"
TERM_ACTION_CATEGORY: Final = "actionCategory"
TERM_ACTION_STATUS: Final = "actionStatus"
TERM_PARTNERSHIP_SCOPE: Final = "partnershipScope"
TERM_NODE_KIND: Final = "nodeKind"
TERM_CELL: Final = "cell"
TERM_GIVEN_ITEMS: Final = "givenItems"
TERM_ASLEEP: Final = "asleep"
# A solidarity place (an AS2 ``Place`` with these terms; see docs/federation.md).
TERM_PLACE_CATEGORIES: Final = "placeCategories"
TERM_OPENING_HOURS: Final = "openingHours"  # OSM opening_hours syntax, not schema.org's
TERM_PLACE_AUDIENCES: Final = "placeAudiences"
TERM_PLACE_CONDITIONS: Final = "placeConditions"
TERM_PLACE_LANGUAGES: Final = "placeLanguages"
TERM_CLOSED_FROM: Final = "closedFrom"
TERM_CLOSED_TO: Final = "closedTo"
TERM_CLOSURE_REASON: Final = "closureReason"
TERM_FULL_SINCE: Final = "fullSince"
TERM_PHONE: Final = "phone"
TERM_WEBSITE: Final = "website"
TERM_FREE: Final = "free"
TERM_CHECKED_ON: Final = "checkedOn"
