"""Associations on the node and the roles of their members."""

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from node.models.enums import AssociationRole, AssociationStatus

if TYPE_CHECKING:  # only for annotations: the models refer to each other by name
    from node.models.member import Member


class Association(Model):
    """An organisation on the node. Whoever asked for it is its first admin membership."""

    id = fields.UUIDField(primary_key=True)
    name = fields.CharField(max_length=120, unique=True)
    slug = fields.CharField(max_length=80, unique=True)
    description = fields.TextField(default="")
    status = fields.CharEnumField(
        AssociationStatus, max_length=10, default=AssociationStatus.PENDING
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "association"


class AssociationMembership(Model):
    id = fields.IntField(primary_key=True)
    association: fields.ForeignKeyRelation[Association] = fields.ForeignKeyField(
        "models.Association", related_name="memberships", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name="memberships", on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(AssociationRole, max_length=12, default=AssociationRole.VOLUNTEER)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "association_membership"
        unique_together = (("association", "member"),)


class AssociationInvitation(Model):
    """An association's invitation to a phone number. Nobody joins an association without
    accepting: the person answers on their page or with the code the invitation texted. The row
    exists whether or not the number has an account, so inviting says nothing about accounts."""

    id = fields.UUIDField(primary_key=True)
    association: fields.ForeignKeyRelation[Association] = fields.ForeignKeyField(
        "models.Association", related_name="invitations", on_delete=fields.CASCADE
    )
    phone = fields.CharField(max_length=16, db_index=True)
    role = fields.CharEnumField(AssociationRole, max_length=12, default=AssociationRole.VOLUNTEER)
    code_hash = fields.CharField(max_length=64)
    attempts = fields.IntField(default=0)
    invited_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name="invitations_sent", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    answered_at = fields.DatetimeField(null=True)
    accepted = fields.BooleanField(null=True)

    class Meta:
        table = "association_invitation"
