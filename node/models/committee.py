"""The street committee (*comité de la rue*): its members and rules, proposals, votes,
meetings and the public record of its decisions (DESIGN §1, "governance is part of the product").

One committee per node (the row with id 1). A gated change (a partnership, a domain block, an
association's approval, the committee's own membership or rules…) waits in a
:class:`CommitteeProposal` whose ``change`` is the exact typed payload the node carries out once
the committee approves it; the :class:`Decision` is the public record of the vote's result and
of the execution (``executed_at`` is claimed by one conditional UPDATE, so it happens once).
"""

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class CommitteeRole(StrEnum):
    MEMBER = "member"
    FACILITATOR = "facilitator"  # records meetings, is told when quorum is at risk


class ProposalState(StrEnum):
    OPEN = "open"
    APPROVED = "approved"
    REFUSED = "refused"
    EXPIRED = "expired"  # the deadline passed without quorum


class ProposalOrigin(StrEnum):
    ADMIN = "admin"  # an admin's gated action (web, API or command line)
    REMOTE = "remote"  # another node's request (a partnership Offer)
    EMERGENCY = "emergency"  # already in force; the committee confirms or reverts it
    COMMITTEE = "committee"  # a committee member's own proposal


class VoteChoice(StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


class VoteChannel(StrEnum):
    WEB = "web"
    SMS = "sms"  # through a one-time vote link sent by SMS
    API = "api"
    MEETING = "meeting"  # recorded by the facilitator, counted once the member confirms it


class CodePurpose(StrEnum):
    VOTE = "vote"  # the SMS vote link
    CONFIRM = "confirm"  # confirms a vote recorded in a meeting


class Committee(Model):
    """The committee's rules and the list of gated areas (comma-separated gate names)."""

    id = fields.IntField(primary_key=True)
    quorum = fields.IntField(default=5)
    voting_days = fields.IntField(default=7)
    gates = fields.TextField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "committee"

    @property
    def gate_list(self) -> list[str]:
        return [g for g in self.gates.split(",") if g]


class CommitteeMember(Model):
    """A seat on the committee. ``active_member_id`` is the member's id while the seat is held
    (unique), NULL once they left: at most one current seat per member, history kept."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name="committee_seats", on_delete=fields.CASCADE
    )
    active_member_id = fields.UUIDField(null=True, unique=True)
    role = fields.CharEnumField(CommitteeRole, max_length=12, default=CommitteeRole.MEMBER)
    # A proxy profile sits only with the person's consent, recorded by their association.
    consent_statement = fields.CharField(max_length=500, null=True)
    joined_at = fields.DatetimeField()
    left_at = fields.DatetimeField(null=True)

    class Meta:
        table = "committee_member"


class CommitteeProposal(Model):
    """A change waiting for the committee. ``subject`` names what it changes (such as
    ``partnership:<id>``); ``open_subject`` holds it while the proposal is open (unique), so the
    same change is never proposed twice at once."""

    id = fields.UUIDField(primary_key=True)
    number = fields.IntField(unique=True)
    kind = fields.CharField(max_length=40)
    gate = fields.CharField(max_length=40)
    title = fields.CharField(max_length=200)  # in French
    # Empty for proposals opened before titles were written in English too: show the French.
    title_en = fields.CharField(max_length=200, default="")
    summary_fr = fields.TextField()
    summary_en = fields.TextField()
    change: Any = fields.JSONField()
    before: Any = fields.JSONField()
    after: Any = fields.JSONField()
    subject = fields.CharField(max_length=300)
    open_subject = fields.CharField(max_length=300, null=True, unique=True)
    origin = fields.CharEnumField(ProposalOrigin, max_length=10)
    proposed_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    state = fields.CharEnumField(ProposalState, max_length=10, default=ProposalState.OPEN)
    created_at = fields.DatetimeField()
    deadline = fields.DatetimeField(db_index=True)
    closed_at = fields.DatetimeField(null=True)
    # Claimed by the periodic jobs that text the vote links and the reminder (once each).
    links_sent_at = fields.DatetimeField(null=True)
    reminded_at = fields.DatetimeField(null=True)

    class Meta:
        table = "committee_proposal"

    def title_in(self, language: str) -> str:
        """The title in ``language`` (``fr`` or ``en``), French when there is no English."""
        return self.title_en if language == "en" and self.title_en else self.title


class Meeting(Model):
    """A committee meeting, recorded by its facilitator: who was there, what was voted."""

    id = fields.UUIDField(primary_key=True)
    held_at = fields.DatetimeField()
    place = fields.CharField(max_length=200, default="")
    notes = fields.TextField(default="")
    recorded_by: fields.ForeignKeyNullableRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()

    class Meta:
        table = "committee_meeting"


class MeetingAttendee(Model):
    id = fields.IntField(primary_key=True)
    meeting: fields.ForeignKeyRelation[Meeting] = fields.ForeignKeyField(
        "models.Meeting", related_name="attendees", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.CASCADE
    )

    class Meta:
        table = "committee_meeting_attendee"
        unique_together = (("meeting", "member"),)


class Vote(Model):
    """One member's vote on one proposal, changeable until the deadline. A vote recorded in a
    meeting counts once the member confirmed it (``confirmed_at``)."""

    id = fields.IntField(primary_key=True)
    proposal: fields.ForeignKeyRelation[CommitteeProposal] = fields.ForeignKeyField(
        "models.CommitteeProposal", related_name="votes", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.CASCADE
    )
    choice = fields.CharEnumField(VoteChoice, max_length=8)
    comment = fields.CharField(max_length=500, default="")
    channel = fields.CharEnumField(VoteChannel, max_length=8)
    meeting: fields.ForeignKeyNullableRelation[Meeting] = fields.ForeignKeyField(
        "models.Meeting", related_name="votes", null=True, on_delete=fields.SET_NULL
    )
    confirmed_at = fields.DatetimeField(null=True)
    confirmed_how = fields.CharField(max_length=10, default="")  # "sms" or "in_person"
    cast_at = fields.DatetimeField()

    class Meta:
        table = "committee_vote"
        unique_together = (("proposal", "member"),)


class Decision(Model):
    """The public record of a closed proposal: the outcome, the tally, and whether the node
    carried the change out."""

    id = fields.UUIDField(primary_key=True)
    proposal: fields.OneToOneRelation[CommitteeProposal] = fields.OneToOneField(
        "models.CommitteeProposal", related_name="decision", on_delete=fields.CASCADE
    )
    outcome = fields.CharEnumField(ProposalState, max_length=10)
    votes_for = fields.IntField()
    votes_against = fields.IntField()
    votes_abstain = fields.IntField()
    quorum = fields.IntField()
    decided_at = fields.DatetimeField(db_index=True)
    executed_at = fields.DatetimeField(null=True)
    execution_error = fields.CharField(max_length=500, null=True)

    class Meta:
        table = "committee_decision"


class VoteCode(Model):
    """A one-time code sent by SMS: a vote link, or the confirmation of a meeting vote. Only
    its SHA-256 is stored; it works once and expires."""

    id = fields.IntField(primary_key=True)
    code_hash = fields.CharField(max_length=64, unique=True)
    purpose = fields.CharEnumField(CodePurpose, max_length=8)
    proposal: fields.ForeignKeyRelation[CommitteeProposal] = fields.ForeignKeyField(
        "models.CommitteeProposal", related_name=False, on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation["Member"] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.CASCADE
    )
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "committee_vote_code"


class PartnerOpinion(Model):
    """A partner node's committee asked for its opinion on one of our proposals (an AS2
    ``Question``), and its answer once it came (not binding)."""

    id = fields.IntField(primary_key=True)
    proposal: fields.ForeignKeyRelation[CommitteeProposal] = fields.ForeignKeyField(
        "models.CommitteeProposal", related_name="opinions", on_delete=fields.CASCADE
    )
    remote_domain = fields.CharField(max_length=255)
    remote_actor_iri = fields.CharField(max_length=2048)
    question_iri = fields.CharField(max_length=2048, unique=True)
    answer = fields.CharField(max_length=8, null=True)  # a VoteChoice once answered
    answer_iri = fields.CharField(max_length=2048, null=True)
    tally: Any = fields.JSONField(null=True)
    asked_at = fields.DatetimeField()
    answered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "committee_partner_opinion"
        unique_together = (("proposal", "remote_domain"),)


from node.models.member import Member  # noqa: E402
