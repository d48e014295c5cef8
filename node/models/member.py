"""Members and what proves who they are: phone codes and API tokens.

Privacy rule (DESIGN §5): a member gives a phone number and an email address, nothing more.
"""

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from node.models.enums import MemberKind

if TYPE_CHECKING:  # only for annotations: the models refer to each other by name
    from datetime import datetime

    from node.models.association import Association


class Member(Model):
    id = fields.UUIDField(primary_key=True)
    # E.164; NULL only for a proxy profile (a person in need managed by an association).
    phone = fields.CharField(max_length=16, unique=True, null=True)
    email = fields.CharField(max_length=254, unique=True, null=True)
    password_hash = fields.CharField(max_length=255, null=True)
    pseudonym = fields.CharField(max_length=50, null=True)
    kind = fields.CharEnumField(MemberKind, max_length=20, default=MemberKind.RESIDENT)
    is_admin = fields.BooleanField(default=False)
    # Moderation: a moderator works the report queue; a suspended member cannot log in or
    # post until ``suspended_until``; a banned one never again.
    is_moderator = fields.BooleanField(default=False)
    suspended_until = fields.DatetimeField(null=True)
    banned_at = fields.DatetimeField(null=True)
    phone_verified_at = fields.DatetimeField(null=True)
    email_verified_at = fields.DatetimeField(null=True)
    # Proxy profiles: the association that manages them, and the consent it recorded.
    managed_by: fields.ForeignKeyNullableRelation["Association"] = fields.ForeignKeyField(
        "models.Association", related_name="proxy_profiles", null=True, on_delete=fields.CASCADE
    )
    consent_recorded_at = fields.DatetimeField(null=True)
    consent_recorded_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    consent_statement = fields.CharField(max_length=500, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "member"

    @property
    def is_proxy(self) -> bool:
        return self.managed_by_id is not None  # type: ignore[attr-defined]

    @property
    def is_verified(self) -> bool:
        return self.phone_verified_at is not None

    def is_barred(self, now: "datetime") -> bool:
        """Banned, or suspended until after ``now``: no log-in, no token, no session."""
        if self.banned_at is not None:
            return True
        return self.suspended_until is not None and self.suspended_until > now

    @property
    def display_name(self) -> str:
        return self.pseudonym or "Membre"


class PhoneVerification(Model):
    """A 6-digit code sent by SMS, stored hashed, expires after 10 minutes, 5 attempts."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="phone_verifications", on_delete=fields.CASCADE
    )
    code_hash = fields.CharField(max_length=128)
    expires_at = fields.DatetimeField()
    attempts = fields.IntField(default=0)
    consumed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "phone_verification"


class EmailVerification(Model):
    """A link mailed to prove an address: the link holds a random token, stored here as SHA-256
    with the address it proves (the link itself says nothing about the member or the address,
    so access logs and mail servers learn nothing from it). Lives 48 hours, works once."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="email_verifications", on_delete=fields.CASCADE
    )
    email = fields.CharField(max_length=254)
    token_hash = fields.CharField(max_length=64, unique=True)
    expires_at = fields.DatetimeField()
    consumed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "email_verification"


class ApiToken(Model):
    """A bearer token. Only its SHA-256 is stored, so a database leak leaks no usable token."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="tokens", on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=100, default="api")
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"


class WebSession(Model):
    """A logged-in browser. The session cookie carries a random secret whose SHA-256 is stored
    here, so that log-out, a password change or "log out everywhere" end it on the server: a
    copied cookie stops working at once."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="web_sessions", on_delete=fields.CASCADE
    )
    secret_hash = fields.CharField(max_length=64, unique=True)
    label = fields.CharField(max_length=100, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    last_seen_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "web_session"


class RateCounter(Model):
    """Fixed-window counters for rate limits, shared by every worker process of the node."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=200)
    window_start = fields.DatetimeField()
    count = fields.IntField(default=0)

    class Meta:
        table = "rate_counter"
        unique_together = (("key", "window_start"),)


class PasswordReset(Model):
    """A request to choose a new password: a 6-digit code texted to the verified number, or a
    random link mailed to the verified address. Only a keyed hash is stored; it lives minutes
    (a code) or an hour (a link) and survives a few wrong attempts."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="password_resets", on_delete=fields.CASCADE
    )
    channel = fields.CharField(max_length=5)  # "sms" or "email"
    secret_hash = fields.CharField(max_length=64, db_index=True)
    attempts = fields.IntField(default=0)
    expires_at = fields.DatetimeField()
    consumed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "password_reset"


class MemberBlock(Model):
    """``member`` blocked someone: a member of this node (``blocked_member``) or a person of
    another node (``blocked_actor_iri``). Enforced here only: nothing is sent to the other."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="blocks", on_delete=fields.CASCADE
    )
    blocked_member: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="blocked_by", null=True, on_delete=fields.CASCADE
    )
    blocked_actor_iri = fields.CharField(max_length=2048, null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "member_block"
        unique_together = (("member", "blocked_member"), ("member", "blocked_actor_iri"))


class PhoneChange(Model):
    """A member who lost their phone asks, with their verified email, to move the account to a
    new number. The mail link and a code texted to the new number prove both ends; the change
    then waits ``phone_change_delay_hours`` (the old number is told and may cancel)."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="phone_changes", on_delete=fields.CASCADE
    )
    new_phone = fields.CharField(max_length=16)
    link_hash = fields.CharField(max_length=64, unique=True)
    code_hash = fields.CharField(max_length=64)
    cancel_hash = fields.CharField(max_length=64, null=True, unique=True)
    attempts = fields.IntField(default=0)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()  # for the confirmation
    effective_at = fields.DatetimeField(null=True)  # set once confirmed
    cancelled_at = fields.DatetimeField(null=True)
    done_at = fields.DatetimeField(null=True)
    # A change vouched for by a coordinator of an association the member belongs to (instead of
    # the mailed link and the waiting time): who vouched, and for which association.
    vouched_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name="phone_changes_vouched", null=True, on_delete=fields.SET_NULL
    )
    vouched_association: fields.ForeignKeyNullableRelation["Association"] = fields.ForeignKeyField(
        "models.Association", related_name="phone_changes", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "phone_change"
