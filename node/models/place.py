"""Solidarity places (lieux solidaires): where to eat, sleep, wash, get care.

A place is an organisation's door, not a person: its address and exact point are public, unlike
a resident's (DESIGN §5). Places come from three sources: made on the node by an association,
imported from an open-data file (data·inclusion, Soliguide; keyed on ``(source, source_id)`` so
a second import changes nothing), or received from a partner node with the ``guide`` scope
(``origin_domain`` and ``remote_iri`` set).

``h3_r7`` and ``h3_r5`` index the point so that "near me" is an index lookup on a handful of
cells before the exact distance is computed.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

if TYPE_CHECKING:  # only for annotations: the models refer to each other by name
    from node.models.association import Association
    from node.models.member import Member

# A place made on this node: its ``source`` (its ``source_id`` is its own id).
LOCAL_SOURCE = "entraide"


class Place(Model):
    id = fields.UUIDField(primary_key=True)
    source = fields.CharField(max_length=64, default=LOCAL_SOURCE)
    source_id = fields.CharField(max_length=200)
    association: fields.ForeignKeyNullableRelation[Association] = fields.ForeignKeyField(
        "models.Association", related_name="places", null=True, on_delete=fields.SET_NULL
    )
    # Set for a partner's place: the domain it came from and its IRI there.
    origin_domain = fields.CharField(max_length=253, default="", db_index=True)
    remote_iri = fields.CharField(max_length=2048, null=True, unique=True)
    # A partner's place: the actor it is attributed to there (its association or its node),
    # that actor's name as shown here, and the ``updated`` of the version held (an older
    # Update arriving late is left aside).
    remote_owner_iri = fields.CharField(max_length=2048, null=True)
    remote_owner_name = fields.CharField(max_length=150, default="")
    remote_updated_at = fields.DatetimeField(null=True)

    name = fields.CharField(max_length=150)
    description = fields.TextField(default="")
    categories: fields.Field[list[str]] = fields.JSONField(default=list)
    audiences: fields.Field[list[str]] = fields.JSONField(default=list)
    conditions = fields.CharField(max_length=500, default="")
    languages: fields.Field[list[str]] = fields.JSONField(default=list)

    address = fields.CharField(max_length=250, default="")
    postcode = fields.CharField(max_length=10, default="")
    town = fields.CharField(max_length=100, default="")
    lat = fields.FloatField()
    lon = fields.FloatField()
    h3_r7 = fields.CharField(max_length=16, db_index=True)
    h3_r5 = fields.CharField(max_length=16, db_index=True)

    # OSM opening_hours syntax, "" when unknown.
    opening_hours = fields.CharField(max_length=500, default="")
    closed_from = fields.DateField(null=True)
    closed_to = fields.DateField(null=True)
    closure_reason = fields.CharField(max_length=200, default="")
    # "Full tonight" (complet ce soir): when it was said; it holds until the next morning.
    full_since = fields.DatetimeField(null=True)

    phone = fields.CharField(max_length=30, default="")
    email = fields.CharField(max_length=254, default="")
    website = fields.CharField(max_length=500, default="")
    free = fields.BooleanField(null=True)
    checked_on = fields.DateField()
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    # Set while moderators hide it: only its editors and the moderators see it.
    hidden_at = fields.DatetimeField(null=True)

    class Meta:
        table = "place"
        table_description = "A solidarity place: food, shelter, showers, care... Public address."
        unique_together = (("source", "source_id"),)
        indexes = (Index(fields=("h3_r7", "origin_domain")),)


class SuggestionStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REFUSED = "refused"


class PlaceSuggestion(Model):
    """A member's suggested change to a place (new hours, a closure, a phone...), waiting for
    the owning association's coordinators or a node moderator, who accept it (the change is
    applied as an edit would be) or refuse it (with a reason the member is told)."""

    id = fields.UUIDField(primary_key=True)
    place: fields.ForeignKeyRelation[Place] = fields.ForeignKeyField(
        "models.Place", related_name="suggestions", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="place_suggestions", on_delete=fields.CASCADE
    )
    # The suggested values, by column (a subset of a place's editable fields, as JSON).
    changes: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    note = fields.CharField(max_length=500, default="")
    status = fields.CharEnumField(SuggestionStatus, max_length=10, default=SuggestionStatus.PENDING)
    reason = fields.CharField(max_length=500, default="")  # why it was refused
    created_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)
    decided_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "place_suggestion"
        table_description = "A member's suggested change to a place, until it is decided."
        indexes = (("place_id", "status"), ("member_id", "created_at"))
