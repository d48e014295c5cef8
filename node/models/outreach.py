"""Street outreach (maraudes): rounds, their teams, the encounters recorded during them, and the
coarse visits that every team of the node and of partner nodes may see (DESIGN §5).

Encounter details (exact place, note, pseudonym) are stored encrypted and purged after the
retention time. A :class:`Visit` is what may be shared: an H3 cell, a time rounded to a few
minutes, what was given, the asleep flag and the association. Local visits point to their
encounter, visits received from partner nodes carry their origin instead, so the coordination
view reads one table.
"""

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class RoundKind(StrEnum):
    FOOD = "food"
    SOCIAL = "social"
    MEDICAL = "medical"


class RoundMode(StrEnum):
    FOOT = "foot"
    VEHICLE = "vehicle"


class RoundStatus(StrEnum):
    PLANNED = "planned"
    STARTED = "started"
    ENDED = "ended"


class OutreachItem(StrEnum):
    """What a team gave or did during an encounter (the order is the canonical storage order)."""

    MEAL = "meal"
    HOT_DRINK = "hot_drink"
    WATER = "water"
    BLANKET = "blanket"
    SLEEPING_BAG = "sleeping_bag"
    HYGIENE_KIT = "hygiene_kit"
    CLOTHES = "clothes"
    ORIENTATION = "orientation"
    CONVERSATION = "conversation"
    MEDICAL_REFERRAL = "medical_referral"


class Round(Model):
    """A street outreach round planned by an association coordinator."""

    id = fields.UUIDField(primary_key=True)
    association: fields.ForeignKeyRelation["Association"] = fields.ForeignKeyField(
        "models.Association", related_name="rounds", on_delete=fields.CASCADE
    )
    area = fields.CharField(max_length=120, description="Where the team goes, in words")
    team_name = fields.CharField(max_length=60, default="")
    kind = fields.CharEnumField(RoundKind, max_length=10)
    mode = fields.CharEnumField(RoundMode, max_length=10)
    planned_at = fields.DatetimeField()
    status = fields.CharEnumField(RoundStatus, max_length=10, default=RoundStatus.PLANNED)
    created_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    started_at = fields.DatetimeField(null=True)
    ended_at = fields.DatetimeField(null=True)
    auto_closed = fields.BooleanField(default=False)
    # Deadlines are computed from the settings when the round starts and ends, so that the
    # periodic jobs are plain database updates that need no configuration.
    auto_close_at = fields.DatetimeField(null=True)
    purge_due_at = fields.DatetimeField(null=True)
    details_purged_at = fields.DatetimeField(null=True)
    report_mailed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "outreach_round"
        indexes = (
            Index(fields=("association_id", "planned_at")),
            Index(fields=("status", "auto_close_at")),
            Index(fields=("purge_due_at",)),
        )


class RoundTeamMember(Model):
    id = fields.IntField(primary_key=True)
    round: fields.ForeignKeyRelation[Round] = fields.ForeignKeyField(
        "models.Round", related_name="team", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name="round_teams", on_delete=fields.CASCADE
    )

    class Meta:
        table = "outreach_round_team"
        unique_together = (("round", "member"),)


class Encounter(Model):
    """One encounter during a round. The ``*_ct`` columns hold AES-GCM ciphertexts bound to the
    row id (see node.services.crypto) and are emptied by the retention purge."""

    id = fields.UUIDField(primary_key=True)
    round: fields.ForeignKeyRelation[Round] = fields.ForeignKeyField(
        "models.Round", related_name="encounters", on_delete=fields.CASCADE
    )
    recorded_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    occurred_at = fields.DatetimeField()
    cell = fields.CharField(max_length=16, description="H3 resolution 9 cell, kept after purge")
    items = fields.CharField(max_length=200, default="", description="Comma-separated items")
    asleep = fields.BooleanField(default=False)
    needs_follow_up = fields.BooleanField(default=False)
    place_ct = fields.TextField(null=True)
    note_ct = fields.TextField(null=True)
    pseudonym_ct = fields.TextField(null=True)
    consent_recorded_at = fields.DatetimeField(null=True)
    purged_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "outreach_encounter"
        indexes = (Index(fields=("round_id", "occurred_at")),)


class Visit(Model):
    """A coarse visit: what the coordination view shows and what partners receive.

    Local visits have an encounter and an association, remote ones an origin (the partner
    node) and the id the partner gave them."""

    id = fields.UUIDField(primary_key=True)
    cell = fields.CharField(max_length=16)
    visited_at = fields.DatetimeField()
    items = fields.CharField(max_length=200, default="")
    asleep = fields.BooleanField(default=False)
    association_name = fields.CharField(max_length=120)
    team_name = fields.CharField(max_length=60, default="")
    association: fields.ForeignKeyNullableRelation["Association"] = fields.ForeignKeyField(
        "models.Association", related_name=False, null=True, on_delete=fields.CASCADE
    )
    encounter: fields.ForeignKeyNullableRelation[Encounter] = fields.ForeignKeyField(
        "models.Encounter", related_name="visits", null=True, on_delete=fields.CASCADE
    )
    origin = fields.CharField(max_length=255, null=True, description="Partner node, if remote")
    remote_id = fields.CharField(max_length=500, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "outreach_visit"
        unique_together = (("origin", "remote_id"),)
        indexes = (Index(fields=("cell", "visited_at")),)

    @property
    def is_remote(self) -> bool:
        return self.origin is not None


from node.models.association import Association  # noqa: E402
from node.models.member import Member  # noqa: E402
