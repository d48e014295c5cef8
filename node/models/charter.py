"""The node's ethics charter: its versions (French and English text) and who accepted which."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from node.models.member import Member


class CharterVersion(Model):
    """One version of the charter (the highest ``version`` is in force)."""

    id = fields.IntField(primary_key=True)
    version = fields.IntField(unique=True)
    text_fr = fields.TextField()
    text_en = fields.TextField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "charter_version"


class CharterAcceptance(Model):
    """A member accepted ``version`` of the charter at ``accepted_at`` (kept for the export)."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="charter_acceptances", on_delete=fields.CASCADE
    )
    version = fields.IntField()
    accepted_at = fields.DatetimeField()

    class Meta:
        table = "charter_acceptance"
        unique_together = (("member", "version"),)
