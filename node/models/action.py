"""Actions (needs, offers, outings), who joins them, and their private chat."""

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from node.models.enums import (
    ActionCategory,
    ActionKind,
    ActionStatus,
    ParticipationStatus,
    Visibility,
)


class Action(Model):
    id = fields.UUIDField(primary_key=True)
    kind = fields.CharEnumField(ActionKind, max_length=10)
    category = fields.CharEnumField(ActionCategory, max_length=12)
    title = fields.CharField(max_length=120)
    description = fields.TextField(default="")
    # NULL only for a remote action (one received from a partner node, ``origin_domain`` set).
    author: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name="actions", null=True, on_delete=fields.CASCADE
    )
    # Remote actions: the node they come from (NULL for local ones), their ActivityPub id, the
    # page to link back to, and who posted them there (actor IRI and display name).
    origin_domain = fields.CharField(max_length=255, null=True, db_index=True)
    ap_id = fields.CharField(max_length=2048, null=True, unique=True)
    remote_url = fields.CharField(max_length=2048, null=True)
    remote_author_name = fields.CharField(max_length=200, null=True)
    remote_actor_iri = fields.CharField(max_length=2048, null=True)
    # The origin's ``updated`` time of what we stored: an older Update arriving late is ignored.
    remote_updated_at = fields.DatetimeField(null=True)
    # Posted for a proxy profile: whose need it is, and the consent recorded for it.
    on_behalf_of: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.CASCADE
    )
    consent_recorded_at = fields.DatetimeField(null=True)
    association: fields.ForeignKeyNullableRelation["Association"] = fields.ForeignKeyField(
        "models.Association", related_name="actions", null=True, on_delete=fields.SET_NULL
    )
    # The exact point is for the author only; everyone else sees the jittered one (DESIGN §5).
    lat = fields.FloatField()
    lon = fields.FloatField()
    public_lat = fields.FloatField()
    public_lon = fields.FloatField()
    # H3 cells of the public point: res 9 (~0.1 km²) is what is shown, res 9, 7 and 5 index the
    # nearby feed (a radius is covered by a bounded number of cells at the right resolution).
    h3_cell = fields.CharField(max_length=16)
    h3_r7 = fields.CharField(max_length=16)
    h3_r5 = fields.CharField(max_length=16)
    # Unit vector of the public point: the feed's exact distance filter in plain SQL arithmetic
    # (squared chord, see node.services.geo).
    unit_x = fields.FloatField()
    unit_y = fields.FloatField()
    unit_z = fields.FloatField()
    status = fields.CharEnumField(ActionStatus, max_length=10, default=ActionStatus.OPEN)
    visibility = fields.CharEnumField(Visibility, max_length=12, default=Visibility.PUBLIC)
    auto_accept = fields.BooleanField(default=False)
    # Outings only.
    starts_at = fields.DatetimeField(null=True)
    ends_at = fields.DatetimeField(null=True)
    place_name = fields.CharField(max_length=120, null=True)
    capacity = fields.IntField(null=True)
    expires_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)
    # Set while moderators hide it: only its author and moderators see it, partners got Delete.
    hidden_at = fields.DatetimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "action"
        # The feed walks (cell, status, created_at) newest first, one cell at a time, and the
        # expiry job finds due rows by (status, expires_at).
        indexes = (
            Index(fields=("h3_r5", "status", "created_at")),
            Index(fields=("h3_r7", "status", "created_at")),
            Index(fields=("h3_cell", "status", "created_at")),
            Index(fields=("status", "expires_at")),
            Index(fields=("author_id", "created_at")),
        )


class Participation(Model):
    id = fields.IntField(primary_key=True)
    action: fields.ForeignKeyRelation[Action] = fields.ForeignKeyField(
        "models.Action", related_name="participations", on_delete=fields.CASCADE
    )
    # NULL for a participant from another node: their actor IRI and name are kept instead.
    member: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name="participations", null=True, on_delete=fields.CASCADE
    )
    remote_actor_iri = fields.CharField(max_length=2048, null=True)
    remote_name = fields.CharField(max_length=200, null=True)
    # The Join/Offer activity: the one we received (remote participant), or the one we sent (a
    # local member joining a remote action), so that the Accept/Reject can be matched.
    ap_id = fields.CharField(max_length=2048, null=True, unique=True)
    status = fields.CharEnumField(
        ParticipationStatus, max_length=10, default=ParticipationStatus.PENDING
    )
    message = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "participation"
        unique_together = (("action", "member"), ("action", "remote_actor_iri"))


class Message(Model):
    """A chat message among an action's author and its accepted participants.

    Messages written on another node have no local author: their actor IRI, name and Note id.
    """

    id = fields.BigIntField(primary_key=True)
    action: fields.ForeignKeyRelation[Action] = fields.ForeignKeyField(
        "models.Action", related_name="messages", on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name="messages", null=True, on_delete=fields.CASCADE
    )
    remote_actor_iri = fields.CharField(max_length=2048, null=True)
    remote_author_name = fields.CharField(max_length=200, null=True)
    ap_id = fields.CharField(max_length=2048, null=True, unique=True)
    body = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)
    # Set while moderators hide it: the conversation shows it to its author and moderators only.
    hidden_at = fields.DatetimeField(null=True)

    class Meta:
        table = "message"
        indexes = (Index(fields=("action_id", "id")),)


from node.models.association import Association  # noqa: E402
from node.models.member import Member  # noqa: E402
