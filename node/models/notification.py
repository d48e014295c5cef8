"""What members are told: notifications, their delivery per channel, preferences, devices.

A :class:`Notification` is written in the transaction of the event it tells about. Each channel
other than in-app has its own state in a row (``pending`` → ``sending`` →
``sent``/``skipped``/``failed``), so the worker's progress is in the database: a worker killed
mid-batch leaves rows ``sending`` whose lease runs out, and another worker takes them over.

The email channel sends digests: unread notifications older than the digest delay are gathered
into one :class:`DigestMail` row, which the worker then sends (same lease rules).
"""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class ChannelState:
    """Values of the ``*_status`` columns (plain strings: adding a channel needs no enum)."""

    NONE = ""
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    SKIPPED = "skipped"  # read first, preference off, quiet-hours overflow, cap reached
    FAILED = "failed"  # gave up after the retries


class Notification(Model):
    id = fields.BigIntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="notifications", on_delete=fields.CASCADE
    )
    # A name from node.services.notification_kinds.KINDS (a string: a new kind needs no
    # migration).
    kind = fields.CharField(max_length=40)
    # What the texts need: pseudonyms, the action's title, its link. Never a phone, an email or
    # an exact place (DESIGN §5).
    payload: dict[str, str] = fields.JSONField(default=dict)
    action: fields.ForeignKeyNullableRelation[Action] = fields.ForeignKeyField(
        "models.Action", related_name=False, null=True, on_delete=fields.CASCADE
    )
    urgent = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()
    read_at = fields.DatetimeField(null=True)

    email_status = fields.CharField(max_length=10, default="")
    digest: fields.ForeignKeyNullableRelation[DigestMail] = fields.ForeignKeyField(
        "models.DigestMail", related_name="notifications", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "notification"
        table_description = "What a member is told, with its email digest state."
        indexes = (
            Index(fields=("member_id", "id")),
            Index(fields=("member_id", "read_at")),
            Index(fields=("email_status", "created_at")),
        )


class ChannelSend(Model):
    """Sending one notification on one immediate channel (``push`` or ``sms``), written with the
    notification only when the member can receive it there (a device, SMS chosen).

    ``next_attempt_at`` is when it may go: later than the notification during quiet hours, and
    later again after a failure (retries with backoff)."""

    id = fields.BigIntField(primary_key=True)
    notification: fields.ForeignKeyRelation[Notification] = fields.ForeignKeyField(
        "models.Notification", related_name="sends", on_delete=fields.CASCADE
    )
    channel = fields.CharField(max_length=10)
    # Web Push: one row per device, so a device that failed is retried alone.
    subscription: fields.ForeignKeyNullableRelation[PushSubscription] = fields.ForeignKeyField(
        "models.PushSubscription", related_name=False, null=True, on_delete=fields.CASCADE
    )
    status = fields.CharField(max_length=10, default=ChannelState.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    claimed_until = fields.DatetimeField(null=True)
    claim_token = fields.CharField(max_length=36, null=True)
    sent_at = fields.DatetimeField(null=True)
    last_error = fields.CharField(max_length=200, default="")

    class Meta:
        table = "channel_send"
        table_description = "Sending one notification by Web Push or SMS."
        indexes = (Index(fields=("channel", "status", "next_attempt_at")),)


class DigestMail(Model):
    """One digest mail to one member: the notifications it gathers point at it."""

    id = fields.BigIntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.CASCADE
    )
    status = fields.CharField(max_length=10, default=ChannelState.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    claimed_until = fields.DatetimeField(null=True)
    claim_token = fields.CharField(max_length=36, null=True)
    created_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "digest_mail"
        table_description = "One digest mail of unread notifications to one member."
        indexes = (Index(fields=("status", "next_attempt_at")),)


class NotificationPreference(Model):
    """A member's choice for one (kind, channel); ``kind`` ``*`` is every kind (the one-click
    unsubscribe turns email off for ``*``). Without a row, the kind's default applies."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="notification_preferences", on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=40)
    channel = fields.CharField(max_length=10)
    enabled = fields.BooleanField()

    class Meta:
        table = "notification_preference"
        table_description = "A member's choice per notification kind and channel."
        unique_together = (("member", "kind", "channel"),)


class PushSubscription(Model):
    """One device's Web Push subscription (RFC 8030 endpoint, RFC 8291 keys)."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="push_subscriptions", on_delete=fields.CASCADE
    )
    endpoint = fields.CharField(max_length=1024, unique=True)
    p256dh = fields.CharField(max_length=200)
    auth = fields.CharField(max_length=100)
    label = fields.CharField(max_length=100, default="")
    created_at = fields.DatetimeField()
    last_success_at = fields.DatetimeField(null=True)

    class Meta:
        table = "push_subscription"
        table_description = "A device subscribed to Web Push."


class SendCounter(Model):
    """How many messages went out under a key on a day (node timezone): the SMS caps per
    member and per node. Shared by every worker process; one statement counts."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=80)
    day = fields.DateField()
    count = fields.IntField(default=0)

    class Meta:
        table = "send_counter"
        table_description = "Messages sent per key and day, for the SMS caps."
        unique_together = (("key", "day"),)


class CalendarFeed(Model):
    """A member's private calendar feed. Its URL's secret is derived from the node secret and
    ``version`` (nothing to leak from the database); resetting bumps ``version``, and the old URL
    stops working."""

    id = fields.IntField(primary_key=True)
    member: fields.OneToOneRelation[Member] = fields.OneToOneField(
        "models.Member", related_name="calendar_feed", on_delete=fields.CASCADE
    )
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField()

    class Meta:
        table = "calendar_feed"
        table_description = "A member's private calendar feed (its secret's version)."


from node.models.action import Action  # noqa: E402
from node.models.member import Member  # noqa: E402
