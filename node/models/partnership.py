"""Partnerships between nodes: scoped, approved relationships (DESIGN §4).

One row per request, in either direction. While a partnership is pending or accepted its
``active_domain`` holds the remote domain (unique), so there is at most one active partnership
per remote node; rejected and ended rows keep their history with ``active_domain`` NULL.
"""

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class PartnershipDirection(StrEnum):
    OUTGOING = "outgoing"  # we asked
    INCOMING = "incoming"  # they asked


class PartnershipStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ENDED = "ended"


ACTIVE_STATUSES = (PartnershipStatus.PENDING, PartnershipStatus.ACCEPTED)


class Partnership(Model):
    id = fields.UUIDField(primary_key=True)
    remote_domain = fields.CharField(max_length=255, db_index=True)
    active_domain = fields.CharField(max_length=255, null=True, unique=True)
    remote_actor_iri = fields.CharField(max_length=2048)
    direction = fields.CharEnumField(PartnershipDirection, max_length=10)
    # Comma-separated scopes (federation.vocab.PartnershipScope values), sorted.
    scopes = fields.CharField(max_length=200)
    message = fields.CharField(max_length=1000, default="")
    status = fields.CharEnumField(
        PartnershipStatus, max_length=10, default=PartnershipStatus.PENDING
    )
    # The Offer that asked for it (ours or theirs) and the id of its Partnership object.
    offer_activity_id = fields.CharField(max_length=2048, unique=True)
    object_iri = fields.CharField(max_length=2048)
    # The Accept or Reject that decided it (ours or theirs), kept to be undone later.
    decision_activity_id = fields.CharField(max_length=2048, null=True)
    decided_by_id = fields.UUIDField(null=True)
    # The other node's street committee decision behind its Offer, Accept or Reject (a URL).
    remote_decision_iri = fields.CharField(max_length=2048, null=True)
    created_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)
    ended_at = fields.DatetimeField(null=True)

    class Meta:
        table = "partnership"

    @property
    def scope_list(self) -> list[str]:
        return [s for s in self.scopes.split(",") if s]


class PartnershipScopeOffer(Model):
    """A request to share more within an accepted partnership, ours or theirs.

    One row per ``Offer``. Sharing less needs nobody's consent and takes effect at once; sharing
    more needs both sides, so it waits here until the other side answers. ``scopes`` holds only
    what the request adds: when either side narrowed meanwhile, accepting adds exactly these."""

    id = fields.UUIDField(primary_key=True)
    partnership: fields.ForeignKeyRelation[Partnership] = fields.ForeignKeyField(
        "models.Partnership", related_name="scope_offers", on_delete=fields.CASCADE
    )
    direction = fields.CharEnumField(PartnershipDirection, max_length=10)
    scopes = fields.CharField(max_length=200)
    message = fields.CharField(max_length=1000, default="")
    # pending, then accepted or rejected; ended when the partnership ended first.
    status = fields.CharEnumField(
        PartnershipStatus, max_length=10, default=PartnershipStatus.PENDING
    )
    offer_activity_id = fields.CharField(max_length=2048, unique=True)
    decision_activity_id = fields.CharField(max_length=2048, null=True)
    decided_by_id = fields.UUIDField(null=True)
    remote_decision_iri = fields.CharField(max_length=2048, null=True)
    created_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "partnership_scope_offer"

    @property
    def scope_list(self) -> list[str]:
        return [s for s in self.scopes.split(",") if s]
