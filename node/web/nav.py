"""Extension points of the web interface: the navigation and the sections of a few pages.

Features that land later (partnerships, federation status, outreach rounds) add themselves here
from their own module, without editing the templates of the others::

    nav.add(NavEntry("web_rounds.index", N_("Rounds"), nav.association_members))
    nav.ADMIN_SECTIONS.append(Section("web/admin/_partnerships.html", load_partnerships))

A section's ``load`` returns the variables its template needs (``None``: the section is hidden).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from node.i18n import N_ as N_
from node.models import AssociationMembership, Member

Visibility = Callable[[Member | None], Awaitable[bool]]


async def everyone(member: Member | None) -> bool:
    return True


async def logged_out(member: Member | None) -> bool:
    return member is None


async def logged_in(member: Member | None) -> bool:
    return member is not None


async def node_admins(member: Member | None) -> bool:
    return member is not None and member.is_admin


async def association_members(member: Member | None) -> bool:
    if member is None:
        return False
    return member.is_admin or await AssociationMembership.exists(member_id=member.id)


@dataclass(frozen=True, slots=True)
class NavEntry:
    endpoint: str
    label: str  # an English message id, translated when shown
    visible: Visibility = everyone


@dataclass(frozen=True, slots=True)
class Section:
    template: str
    load: Callable[..., Awaitable[dict[str, Any] | None]]


NAV: list[NavEntry] = [
    NavEntry("web_home.index", N_("Near me")),
    NavEntry("web_post.new", N_("Post"), logged_in),
    NavEntry("web_associations.index", N_("Associations")),
    NavEntry("web_admin.index", N_("Administration"), node_admins),
    NavEntry("web_me.profile", N_("My profile"), logged_in),
    NavEntry("web_auth.login", N_("Log in"), logged_out),
    NavEntry("web_auth.signup", N_("Sign up"), logged_out),
]

# Sections of the node admin page and of an association's space, in order. ``load`` receives the
# viewing member (and the association) and returns the template's variables.
ADMIN_SECTIONS: list[Section] = []
ASSOCIATION_SECTIONS: list[Section] = []


def add(entry: NavEntry, before: str | None = None) -> None:
    """Add a navigation entry, before the one whose endpoint is ``before`` (else last)."""
    if any(existing.endpoint == entry.endpoint for existing in NAV):
        return
    index = next((i for i, e in enumerate(NAV) if e.endpoint == before), len(NAV))
    NAV.insert(index, entry)


async def visible_entries(member: Member | None) -> list[NavEntry]:
    return [entry for entry in NAV if await entry.visible(member)]
