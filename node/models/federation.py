"""Federation state: remote actors, the inbox and outbox queues, hosts, policy and followers.

Every inbound activity and every outbound delivery is a row with an explicit status that a worker
steps (DESIGN §3, §6: Takahē's stator style), so nothing is kept only in memory.
"""

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class InboxStatus(StrEnum):
    QUEUED = "queued"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"
    IGNORED = "ignored"


class DeliveryStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    DELIVERED = "delivered"
    ABANDONED = "abandoned"


class RemoteActor(Model):
    """A cached actor document of another server (refetched on key rotation)."""

    id = fields.IntField(primary_key=True)
    ap_id = fields.CharField(max_length=500, unique=True)
    type = fields.CharField(max_length=40)
    domain = fields.CharField(max_length=255, db_index=True)
    inbox = fields.CharField(max_length=500)
    shared_inbox = fields.CharField(max_length=500, null=True)
    preferred_username = fields.CharField(max_length=255, null=True)
    name = fields.CharField(max_length=255, null=True)
    public_key_id = fields.CharField(max_length=500, null=True, db_index=True)
    public_key_pem = fields.TextField(null=True)
    document: dict[str, Any] = fields.JSONField(
        default=dict
    )  # the raw actor JSON ("raw" is reserved by Tortoise)
    fetched_at = fields.DatetimeField()

    class Meta:
        table = "remote_actor"

    @property
    def delivery_inbox(self) -> str:
        """Shared inbox first (DESIGN §4), else the actor's own inbox."""
        return self.shared_inbox or self.inbox


class InboxItem(Model):
    """One accepted inbound activity, verified and waiting for (or done with) its handler."""

    id = fields.IntField(primary_key=True)
    activity_id = fields.CharField(max_length=500, unique=True)
    actor_iri = fields.CharField(max_length=500)
    type = fields.CharField(max_length=40)
    object_type = fields.CharField(max_length=40, null=True)
    body: dict[str, Any] = fields.JSONField()
    status = fields.CharEnumField(InboxStatus, max_length=12, default=InboxStatus.QUEUED)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    last_error = fields.TextField(null=True)
    claimed_until = fields.DatetimeField(null=True)
    claim_token = fields.CharField(max_length=36, null=True, db_index=True)
    received_at = fields.DatetimeField()
    processed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "inbox_item"
        indexes = (Index(fields=("status", "next_attempt_at")),)


class OutboxActivity(Model):
    """An activity this node published, with one :class:`Delivery` row per inbox."""

    id = fields.IntField(primary_key=True)
    ap_id = fields.CharField(max_length=500, unique=True)
    actor_iri = fields.CharField(max_length=500, db_index=True)
    type = fields.CharField(max_length=40)
    object_iri = fields.CharField(max_length=500, null=True, db_index=True)
    body: dict[str, Any] = fields.JSONField()
    public = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()

    class Meta:
        table = "outbox_activity"
        indexes = (Index(fields=("actor_iri", "public", "id")),)


class Delivery(Model):
    """One (activity, inbox) pair to send, from queued to sending to delivered or abandoned."""

    id = fields.IntField(primary_key=True)
    activity: fields.ForeignKeyRelation[OutboxActivity] = fields.ForeignKeyField(
        "models.OutboxActivity", related_name="deliveries", on_delete=fields.CASCADE
    )
    inbox_url = fields.CharField(max_length=500)
    host = fields.CharField(max_length=255, db_index=True)
    status = fields.CharEnumField(DeliveryStatus, max_length=12, default=DeliveryStatus.QUEUED)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    claimed_until = fields.DatetimeField(null=True)
    claim_token = fields.CharField(max_length=36, null=True, db_index=True)
    last_status = fields.IntField(null=True)
    last_error = fields.TextField(null=True)
    created_at = fields.DatetimeField()
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "delivery"
        unique_together = (("activity", "inbox_url"),)
        indexes = (Index(fields=("status", "next_attempt_at")),)


class Host(Model):
    """Health of a remote host: unavailable after repeated failures, until it answers again."""

    id = fields.IntField(primary_key=True)
    domain = fields.CharField(max_length=255, unique=True)
    consecutive_failures = fields.IntField(default=0)
    unavailable_since = fields.DatetimeField(null=True)
    last_success_at = fields.DatetimeField(null=True)
    last_probe_at = fields.DatetimeField(null=True)

    class Meta:
        table = "host"


class DomainBlock(Model):
    id = fields.IntField(primary_key=True)
    domain = fields.CharField(max_length=255, unique=True)
    reason = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "domain_block"


class AllowedDomain(Model):
    """A domain admitted in allowlist mode."""

    id = fields.IntField(primary_key=True)
    domain = fields.CharField(max_length=255, unique=True)
    note = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "allowed_domain"


class FederationPolicy(Model):
    """Single row (id 1): the node's federation mode."""

    id = fields.IntField(primary_key=True)
    allowlist_mode = fields.BooleanField(default=False)
    updated_at = fields.DatetimeField(null=True)

    class Meta:
        table = "federation_policy"


class Follower(Model):
    """A remote actor following one of this node's actors (instance or association)."""

    id = fields.IntField(primary_key=True)
    local_actor_iri = fields.CharField(max_length=500)
    remote_actor: fields.ForeignKeyRelation[RemoteActor] = fields.ForeignKeyField(
        "models.RemoteActor", related_name="following_local", on_delete=fields.CASCADE
    )
    follow_activity_id = fields.CharField(max_length=500, null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "follower"
        unique_together = (("local_actor_iri", "remote_actor"),)
