"""Export of everything the node stores about one member (DESIGN §5: one call; GDPR art. 15/20).

The export is driven by :data:`SECTIONS`, one :class:`MemberDataSection` per table that holds
rows about a member: a module that adds such a table adds its line here. A foreign key to
``Member`` that is deliberately left out (it names *another* person's doing, e.g. who blocked
them) is listed in :data:`NOT_EXPORTED` with the reason. ``tests/node/services/test_export.py``
introspects the models: a new foreign key to ``Member`` found in neither fails the build.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from tortoise.expressions import Q
from tortoise.models import Model

from node import clock, models
from node.models import AssociationMembership, Member


@dataclass(frozen=True)
class MemberDataSection:
    """Rows of ``model`` where one of ``member_fields`` (foreign keys) is the member."""

    name: str
    model: type[Model]
    member_fields: tuple[str, ...]
    # Columns that are secrets or capabilities, not personal data: they never leave the database.
    omit: frozenset[str] = field(default_factory=frozenset)


def _section(
    name: str, model: type[Model], *fields: str, omit: tuple[str, ...] = ()
) -> MemberDataSection:
    return MemberDataSection(name, model, fields or ("member",), frozenset(omit))


SECTIONS: tuple[MemberDataSection, ...] = (
    _section("tokens", models.ApiToken),
    _section("phone_verifications", models.PhoneVerification),
    _section("email_verifications", models.EmailVerification),
    _section("password_resets", models.PasswordReset),
    _section("phone_changes", models.PhoneChange),
    _section("phone_vouches_made", models.PhoneChange, "vouched_by", omit=("new_phone",)),
    _section("web_sessions", models.WebSession),
    _section("memberships", models.AssociationMembership),
    _section("association_invitations_sent", models.AssociationInvitation, "invited_by"),
    _section("associations_followed", models.AssociationFollow),
    _section("partner_associations_followed", models.RemoteMemberFollow),
    _section("proxy_profiles_recorded", models.Member, "consent_recorded_by"),
    _section("actions", models.Action, "author", "on_behalf_of"),
    _section("participations", models.Participation),
    _section("messages", models.Message, "author"),
    _section("calls", models.Call, "author"),
    _section("call_answers", models.CallAnswer),
    _section("call_messages", models.CallMessage, "author"),
    _section("place_suggestions", models.PlaceSuggestion, "member"),
    _section("rounds_created", models.Round, "created_by"),
    _section("round_teams", models.RoundTeamMember),
    _section("encounters_recorded", models.Encounter, "recorded_by"),
    _section("notifications", models.Notification),
    _section("notification_preferences", models.NotificationPreference),
    _section("digest_mails", models.DigestMail, omit=("claim_token",)),
    _section("push_subscriptions", models.PushSubscription, omit=("endpoint", "p256dh", "auth")),
    _section("calendar_feeds", models.CalendarFeed),
    _section("areas", models.MemberArea),
    _section("blocks_made", models.MemberBlock),
    _section("reports_made", models.Report, "reporter"),
    _section("moderation_entries", models.ModerationEntry, "moderator"),
    _section("charter_acceptances", models.CharterAcceptance),
    _section("committee_seats", models.CommitteeMember),
    _section("committee_proposals", models.CommitteeProposal, "proposed_by"),
    _section("committee_votes", models.Vote),
    _section("committee_vote_codes", models.VoteCode),
    _section("committee_meetings_recorded", models.Meeting, "recorded_by"),
    _section("committee_meetings_attended", models.MeetingAttendee),
)

# Foreign keys to Member whose rows are not the member's to receive, with the reason.
NOT_EXPORTED: dict[tuple[str, str], str] = {
    ("MemberBlock", "blocked_member"): "who blocked them is the blocker's data (their safety)",
    ("Report", "decided_by"): "the moderator who decided a report about someone else",
    ("PlaceSuggestion", "decided_by"): "a suggestion someone else made, decided by this member",
}


def _secret(column: str) -> bool:
    """Hashes of passwords, tokens, codes and links are not personal data and must not leave
    the database, even towards their owner."""
    return column.endswith("_hash")


async def _rows(section: MemberDataSection, member: Member) -> list[dict[str, Any]]:
    meta = section.model._meta
    columns = [c for c in meta.fields_db_projection if not _secret(c) and c not in section.omit]
    filters: list[dict[str, Any]] = [{f"{f}_id": member.id} for f in section.member_fields]
    match = reduce(or_, [Q(**f) for f in filters])
    order = "created_at" if "created_at" in meta.fields_map else meta.pk_attr
    rows = await section.model.filter(match).order_by(order).values(*columns)
    return [dict(row) for row in rows]


async def export_member(member: Member) -> dict[str, Any]:
    """A JSON-ready dict: ``profile``, then one list of rows per section of :data:`SECTIONS`."""
    columns = [c for c in Member._meta.fields_db_projection if not _secret(c)]
    profile = dict((await Member.filter(id=member.id).values(*columns))[0])
    export: dict[str, Any] = {"exported_at": clock.now(), "profile": profile}
    for section in SECTIONS:
        export[section.name] = await _rows(section, member)
    names = dict(
        await AssociationMembership.filter(member_id=member.id).values_list(
            "association_id", "association__name"
        )
    )
    for row in export["memberships"]:
        row["association_name"] = names.get(row["association_id"])
    export["association_invitations_received"] = await _invitations_to(member)
    return export


async def _invitations_to(member: Member) -> list[dict[str, Any]]:
    """Invitations sent to the member's number: they name it, not the member (no foreign key;
    an invitation reveals nothing of an account), so they are found by the number."""
    if not member.phone:
        return []
    columns = [
        c
        for c in models.AssociationInvitation._meta.fields_db_projection
        if not _secret(c) and c != "invited_by_id"  # who invited is the inviter's data
    ]
    rows = (
        await models.AssociationInvitation.filter(phone=member.phone)
        .order_by("created_at")
        .values(*columns, association_name="association__name")
    )
    return [dict(row) for row in rows]
