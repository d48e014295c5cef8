"""Plain-word titles of the sections of the member export
(:data:`node.services.export.SECTIONS`) for the readable page ``/me/data``.

A section without a title here still shows, under its technical name; the web tests check that
every section has one.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum
from typing import Any

from node.i18n import N_
from node.web.context import gettext as _

TITLES: dict[str, tuple[str, str]] = {
    "profile": (N_("My account"), N_("What you told us about yourself.")),
    "tokens": (N_("Apps logged in"), N_("The apps and devices you logged in with.")),
    "phone_verifications": (N_("Phone checks"), N_("The codes we texted to check your number.")),
    "email_verifications": (N_("Email checks"), N_("The links we mailed to check your address.")),
    "password_resets": (N_("Password resets"), N_("Each time you asked for a new password.")),
    "phone_changes": (N_("Phone number changes"), N_("Each time you asked to change your number.")),
    "phone_vouches_made": (
        N_("Number changes I vouched for"),
        N_("As a coordinator, the changes of number you vouched for."),
    ),
    "web_sessions": (N_("Web sessions"), N_("The browsers you logged in with.")),
    "memberships": (N_("My associations"), N_("The associations you belong to.")),
    "association_invitations_sent": (
        N_("Invitations I sent"),
        N_("The people you invited to an association."),
    ),
    "association_invitations_received": (
        N_("Invitations I received"),
        N_("The associations that invited your number."),
    ),
    "associations_followed": (N_("Associations I follow"), N_("The associations you follow.")),
    "partner_associations_followed": (
        N_("Associations of partner nodes I follow"),
        N_("The associations of partner nodes you follow."),
    ),
    "proxy_profiles_recorded": (
        N_("Profiles I recorded"),
        N_("The people you registered for an association, with their consent."),
    ),
    "actions": (N_("My posts"), N_("Needs, offers and outings you posted.")),
    "participations": (N_("My participations"), N_("The posts you answered or joined.")),
    "messages": (N_("My messages"), N_("The messages you wrote.")),
    "calls": (N_("My calls for help"), N_("The calls you launched.")),
    "call_answers": (N_("My answers to calls"), N_("What you offered to calls.")),
    "call_messages": (
        N_("My messages about calls"),
        N_("What you wrote to an association or its respondents about a call."),
    ),
    "place_suggestions": (
        N_("My suggestions for the guide"),
        N_("The changes to places you suggested."),
    ),
    "rounds_created": (N_("Rounds I planned"), N_("The street rounds you planned.")),
    "round_teams": (N_("My rounds"), N_("The street rounds you took part in.")),
    "encounters_recorded": (
        N_("Encounters I recorded"),
        N_("What you noted during street rounds."),
    ),
    "notifications": (N_("My notifications"), N_("What we told you.")),
    "notification_preferences": (N_("How I am told"), N_("Your choices for notifications.")),
    "digest_mails": (N_("Summary mails"), N_("The summary mails we sent you.")),
    "push_subscriptions": (N_("Phone alerts"), N_("The devices that receive alerts.")),
    "calendar_feeds": (N_("My calendar"), N_("Your private calendar address.")),
    "areas": (N_("My areas"), N_("The places you chose to see posts near.")),
    "blocks_made": (N_("People I block"), N_("The people you blocked.")),
    "reports_made": (N_("My reports"), N_("What you reported to the moderators.")),
    "moderation_entries": (
        N_("My moderation"),
        N_("As a moderator, what you decided and why."),
    ),
    "charter_acceptances": (N_("Charter"), N_("When you accepted the charter.")),
    "committee_seats": (N_("Committee seats"), N_("Your seats on the street committee.")),
    "committee_proposals": (N_("My proposals"), N_("The proposals you made to the committee.")),
    "committee_votes": (N_("My votes"), N_("Your votes on the committee.")),
    "committee_vote_codes": (N_("Vote codes"), N_("The vote codes we texted you.")),
    "committee_meetings_recorded": (
        N_("Meetings I recorded"),
        N_("The committee meetings you wrote down."),
    ),
    "committee_meetings_attended": (
        N_("Meetings I attended"),
        N_("The committee meetings you were at."),
    ),
}


def label(column: str) -> str:
    """A column's name in words: ``created_at`` → ``created at``."""
    return column.removesuffix("_id").replace("_", " ")


def shown(value: Any) -> str:
    """A value as text a person reads (dates to the minute, in UTC)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def readable(export: dict[str, Any]) -> list[dict[str, Any]]:
    """The export as a list of sections for the template: name, title, what, rows (each a list
    of (label, text))."""
    names = ["profile"] + [name for name in export if name not in ("profile", "exported_at")]
    sections = []
    for name in names:
        rows = export[name] if isinstance(export[name], list) else [export[name]]
        title, what = TITLES.get(name, (name.replace("_", " "), ""))
        sections.append(
            {
                "name": name,
                "title": title,
                "what": what,
                "rows": [[(label(k), shown(v)) for k, v in row.items()] for row in rows],
            }
        )
    return sections
