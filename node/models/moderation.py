"""Reports (signalements), what moderators did about them (the audit log), and the moderators'
word list.

A report names its target as a kind and an id: a local object's UUID (``action``, ``message``,
``member``, ``association``, ``call``, ``place``) or, for an object of another server, its IRI
(``remote``). New kinds of local objects plug in by adding a :class:`ReportTarget` value and a
resolver in ``node.services.reports``.
"""

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:  # only for annotations
    from node.models.member import Member


class ReportCategory(StrEnum):
    SPAM = "spam"
    FRAUD = "fraud"
    HARASSMENT = "harassment"  # insults or harassment
    DANGER = "danger"  # someone in danger
    OTHER = "other"


class ReportTarget(StrEnum):
    ACTION = "action"
    MESSAGE = "message"
    MEMBER = "member"
    ASSOCIATION = "association"
    CALL = "call"
    CALL_MESSAGE = "call_message"  # a message between a call's association and a respondent
    PLACE = "place"  # a place of the solidarity guide
    REMOTE = "remote"  # any object of another server, by IRI


class ReportStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"  # a moderator acted
    DISMISSED = "dismissed"  # nothing wrong was found


class ModerationVerb(StrEnum):
    HIDE = "hide"
    RESTORE = "restore"
    WARN = "warn"
    SUSPEND = "suspend"
    BAN = "ban"
    ANONYMISE = "anonymise"
    RESOLVE = "resolve"
    DISMISS = "dismiss"
    FORWARD = "forward"  # a Flag sent to the server of the reported content
    GRANT_MODERATOR = "grant_moderator"
    REVOKE_MODERATOR = "revoke_moderator"
    ADD_WORD = "add_word"
    REMOVE_WORD = "remove_word"


class HouseRule(Model):
    """One of the node's house rules (French and English). ``position`` orders the rules in
    force; a removed rule keeps its row (``removed_at``) so that reports and decisions that
    cited it still show its words."""

    id = fields.IntField(primary_key=True)
    position = fields.IntField()
    text_fr = fields.CharField(max_length=300)
    text_en = fields.CharField(max_length=300)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    removed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "house_rule"

    def text(self, language: str) -> str:
        return self.text_fr if language == "fr" else self.text_en


class Report(Model):
    id = fields.IntField(primary_key=True)
    # NULL for a report received from another server (a Flag) or whose author was deleted.
    reporter: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name="reports_made", null=True, on_delete=fields.SET_NULL
    )
    target_kind = fields.CharEnumField(ReportTarget, max_length=20)
    # A local UUID, or the IRI of a remote object.
    target_id = fields.CharField(max_length=2048)
    # For a remote object: the actor it belongs to (a Flag's first object), when known.
    target_actor_iri = fields.CharField(max_length=2048, null=True)
    category = fields.CharEnumField(ReportCategory, max_length=20)
    text = fields.TextField(default="")
    # The house rule the reporter says was broken (optional).
    rule: fields.ForeignKeyNullableRelation[HouseRule] = fields.ForeignKeyField(
        "models.HouseRule", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    status = fields.CharEnumField(ReportStatus, max_length=20, default=ReportStatus.OPEN)
    # What the reporter is told: a short sentence without the reported person's data.
    outcome = fields.CharField(max_length=500, null=True)
    # A Flag received from another server: who sent it, and the activity's id.
    origin_domain = fields.CharField(max_length=255, null=True)
    flag_activity_id = fields.CharField(max_length=2048, null=True)
    forwarded_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)
    decided_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "report"
        indexes = (("status", "created_at"),)


class ModerationEntry(Model):
    """One line of the audit log: who did what, to what, why, and when. Kept when the
    moderator's account goes (their pseudonym at that moment is copied)."""

    id = fields.IntField(primary_key=True)
    moderator: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    moderator_name = fields.CharField(max_length=50, default="")
    verb = fields.CharEnumField(ModerationVerb, max_length=30)
    target_kind = fields.CharField(max_length=20, default="")
    target_id = fields.CharField(max_length=2048, default="")
    report: fields.ForeignKeyNullableRelation[Report] = fields.ForeignKeyField(
        "models.Report", related_name="entries", null=True, on_delete=fields.SET_NULL
    )
    reason = fields.CharField(max_length=1000, default="")
    # The house rule the moderator cited (optional).
    rule: fields.ForeignKeyNullableRelation[HouseRule] = fields.ForeignKeyField(
        "models.HouseRule", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    until = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "moderation_entry"


class ScreenedWord(Model):
    """A word or phrase moderators want authors warned about before public text is posted."""

    id = fields.IntField(primary_key=True)
    word = fields.CharField(max_length=100, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "screened_word"
