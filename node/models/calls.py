"""Calls for help (appels): an association asks the people of an area for volunteers or
donations, or a node admin sends an urgent message to everyone in an area.

A call's audience is a set of H3 cells of one resolution (:attr:`Call.resolution`), one row per
cell in :class:`CallCell` so that "calls near me" is an index lookup. Members say where they want
to hear about calls with a :class:`MemberArea`: H3 cells only, never a point (DESIGN §5).

What a call still wants lives in :class:`CallItem` rows (a donations call's list, or the one
"people" line of a volunteers call); ``remaining`` decreases under a row lock when someone
answers and goes back up when they withdraw.
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


class CallKind(StrEnum):
    VOLUNTEERS = "volunteers"
    DONATIONS = "donations"
    URGENT = "urgent"


class CallStatus(StrEnum):
    OPEN = "open"
    FULL = "full"  # every item reached its quantity; closes itself
    CLOSED = "closed"  # closed by the association or past its end date
    CANCELLED = "cancelled"


class AnswerStatus(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    # The call's node did not count it (full, closed, more than still needed): on that node
    # the partner's answer is kept refused, so that a second delivery is refused again; on
    # the answering node the member's answer, once the call's node said so.
    REFUSED = "refused"


class MemberArea(Model):
    """Where a member wants to hear about calls: the H3 cells (resolutions 5, 7 and 8) of the
    point they gave. The point itself is not kept."""

    id = fields.IntField(primary_key=True)
    member: fields.OneToOneRelation[Member] = fields.OneToOneField(
        "models.Member", related_name="call_area", on_delete=fields.CASCADE
    )
    h3_r8 = fields.CharField(max_length=16, db_index=True)
    h3_r7 = fields.CharField(max_length=16, db_index=True)
    h3_r5 = fields.CharField(max_length=16, db_index=True)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "member_area"
        table_description = "The H3 cells where a member wants to hear about calls."


class Call(Model):
    id = fields.UUIDField(primary_key=True)
    # A local association's call; NULL for a partner's (then the remote_* fields say whose).
    association: fields.ForeignKeyNullableRelation[Association] = fields.ForeignKeyField(
        "models.Association", related_name="calls", null=True, on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    kind = fields.CharEnumField(CallKind, max_length=12)
    status = fields.CharEnumField(CallStatus, max_length=10, default=CallStatus.OPEN)
    title = fields.CharField(max_length=120)
    body = fields.TextField(default="")
    # Where to come or drop off: the association's place, given in words (may be exact; a
    # resident's place never is).
    place_name = fields.CharField(max_length=200, default="")
    opening_hours = fields.CharField(max_length=200, default="")
    skills = fields.CharField(max_length=200, default="")
    starts_at = fields.DatetimeField(null=True)
    ends_at = fields.DatetimeField()
    # A volunteers slot that repeats: an RFC 5545 RRULE repeating ``starts_at``
    # (node.services.calls.recurrence), bounded by ``ends_at``.
    recurrence = fields.CharField(max_length=300, null=True)
    resolution = fields.SmallIntField()
    thanked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    # A partner's call: its IRI, its node and its association actor.
    origin_domain = fields.CharField(max_length=253, null=True)
    remote_iri = fields.CharField(max_length=2048, null=True, unique=True)
    remote_association_iri = fields.CharField(max_length=2048, null=True)
    remote_association_name = fields.CharField(max_length=120, null=True)
    # The partner's own ``updated`` of the last version applied: an older ``Update`` that
    # arrives after a newer one (deliveries are not ordered) is left aside.
    remote_updated_at = fields.DatetimeField(null=True)
    # Set while moderators hide it: only its association and the moderators see it.
    hidden_at = fields.DatetimeField(null=True)
    # A partner's repeating call: what its node said is still missing on each coming date
    # (``{"2026-12-05T18:00:00Z": 2}``); NULL when it says nothing per date. Our own calls
    # count their answers instead.
    remote_places: Any = fields.JSONField(null=True)

    class Meta:
        table = "call"
        table_description = "A call for volunteers, donations, or an urgent message to an area."
        indexes = (Index(fields=("association_id", "status", "created_at")),)

    @property
    def association_name(self) -> str:
        if self.remote_association_name is not None:
            return self.remote_association_name
        association = self.association
        return association.name if association is not None else ""  # type: ignore[union-attr]


class CallCell(Model):
    """One H3 cell of a call's audience."""

    id = fields.BigIntField(primary_key=True)
    call: fields.ForeignKeyRelation[Call] = fields.ForeignKeyField(
        "models.Call", related_name="cells", on_delete=fields.CASCADE
    )
    cell = fields.CharField(max_length=16, db_index=True)

    class Meta:
        table = "call_cell"
        table_description = "One H3 cell of a call's audience."
        unique_together = (("call", "cell"),)


class CallItem(Model):
    """A line of what a call wants: "sleeping bags: 20", or the people a volunteers call needs."""

    id = fields.IntField(primary_key=True)
    call: fields.ForeignKeyRelation[Call] = fields.ForeignKeyField(
        "models.Call", related_name="items", on_delete=fields.CASCADE
    )
    position = fields.SmallIntField(default=0)
    label = fields.CharField(max_length=120)
    wanted = fields.IntField()
    remaining = fields.IntField()
    # A partner's call: the item's IRI on its node (pledges name it).
    remote_iri = fields.CharField(max_length=2100, null=True)

    class Meta:
        table = "call_item"
        table_description = "What a call wants and how much is still missing."


class CallAnswer(Model):
    """Someone answers a call: a local member, or a member of a partner node (known to us by
    an opaque actor IRI and a pseudonym, never their account on their node)."""

    id = fields.IntField(primary_key=True)
    call: fields.ForeignKeyRelation[Call] = fields.ForeignKeyField(
        "models.Call", related_name="answers", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.CASCADE
    )
    remote_actor_iri = fields.CharField(max_length=2048, null=True)
    remote_name = fields.CharField(max_length=100, null=True)
    # The Offer/Join that brought a remote answer: a second delivery of it changes nothing.
    activity_id = fields.CharField(max_length=2048, null=True, unique=True)
    status = fields.CharEnumField(AnswerStatus, max_length=10, default=AnswerStatus.ACTIVE)
    created_at = fields.DatetimeField()
    withdrawn_at = fields.DatetimeField(null=True)
    # A member's answer to a partner's call waits for that node's word: ``Accept`` sets
    # ``confirmed_at``; ``Reject`` makes it ``refused`` with ``refusal`` (full, closed, over,
    # duplicate, invalid). A local call's answers are counted at once.
    confirmed_at = fields.DatetimeField(null=True)
    refusal = fields.CharField(max_length=20, null=True)
    # A repeating volunteers call: the one date this answer is for (one row per date a member
    # comes). NULL for a call that does not repeat, or an answer for every date of the series.
    occurrence = fields.DatetimeField(null=True)

    pledges: fields.ReverseRelation[CallPledge]

    class Meta:
        table = "call_answer"
        table_description = "An answer to a call: I'm coming, or a pledge of items."
        indexes = (
            Index(fields=("call_id", "status")),
            Index(fields=("call_id", "occurrence", "status")),
        )

    @property
    def name(self) -> str:
        if self.remote_name is not None:
            return self.remote_name
        member = self.member
        return member.display_name if member is not None else ""  # type: ignore[union-attr]


class CallPledge(Model):
    """How much of one item an answer brings."""

    id = fields.IntField(primary_key=True)
    answer: fields.ForeignKeyRelation[CallAnswer] = fields.ForeignKeyField(
        "models.CallAnswer", related_name="pledges", on_delete=fields.CASCADE
    )
    item: fields.ForeignKeyRelation[CallItem] = fields.ForeignKeyField(
        "models.CallItem", related_name="pledges", on_delete=fields.CASCADE
    )
    quantity = fields.IntField()

    class Meta:
        table = "call_pledge"
        table_description = "How much of one item an answer brings."


class CallMessage(Model):
    """A word between a call's association and its respondents, through the node (never their
    phone or email): from the association's coordinators to every respondent (``answer``
    NULL) or to one (``answer`` set), or a respondent's reply (``from_association`` false,
    ``answer`` theirs). Written on another node: no local ``author``, the Note's ``ap_id``."""

    id = fields.BigIntField(primary_key=True)
    call: fields.ForeignKeyRelation[Call] = fields.ForeignKeyField(
        "models.Call", related_name="messages", on_delete=fields.CASCADE
    )
    answer: fields.ForeignKeyNullableRelation[CallAnswer] = fields.ForeignKeyField(
        "models.CallAnswer", related_name="messages", null=True, on_delete=fields.CASCADE
    )
    from_association = fields.BooleanField()
    author: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    author_name = fields.CharField(max_length=120)
    body = fields.TextField()
    ap_id = fields.CharField(max_length=2048, null=True, unique=True)
    created_at = fields.DatetimeField()
    # Set while moderators hide it: only its author and the moderators read it.
    hidden_at = fields.DatetimeField(null=True)

    class Meta:
        table = "call_message"
        table_description = "A message between a call's association and its respondents."
        indexes = (Index(fields=("call_id", "id")),)


class AssociationFollow(Model):
    """A member of this node follows an association (to hear about all its calls)."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="follows", on_delete=fields.CASCADE
    )
    association: fields.ForeignKeyRelation[Association] = fields.ForeignKeyField(
        "models.Association", related_name="member_followers", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()

    class Meta:
        table = "association_follow"
        table_description = "A member follows an association."
        unique_together = (("member", "association"),)


class RemoteFollowState(StrEnum):
    PENDING = "pending"  # our Follow is on its way
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class RemoteAssociationFollow(Model):
    """This node's instance actor follows an association actor of another node, on behalf of
    the members who follow it here: one ``Follow`` per remote association, whoever asked."""

    id = fields.IntField(primary_key=True)
    actor_iri = fields.CharField(max_length=2048, unique=True)
    name = fields.CharField(max_length=120)
    follow_id = fields.CharField(max_length=2048, unique=True)
    state = fields.CharEnumField(RemoteFollowState, max_length=10)
    created_at = fields.DatetimeField()

    class Meta:
        table = "remote_association_follow"
        table_description = "The node follows an association of another node."


class RemoteMemberFollow(Model):
    """A member of this node follows an association of another node."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="remote_follows", on_delete=fields.CASCADE
    )
    remote: fields.ForeignKeyRelation[RemoteAssociationFollow] = fields.ForeignKeyField(
        "models.RemoteAssociationFollow", related_name="members", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()

    class Meta:
        table = "remote_member_follow"
        table_description = "A member follows an association of another node."
        unique_together = (("member", "remote"),)
