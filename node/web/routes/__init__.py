"""The web pages, one blueprint per area (names start with ``web_``)."""

from __future__ import annotations

from node.web.routes import (
    actions,
    admin,
    associations,
    auth,
    blocks,
    calls,
    charter,
    committee,
    committee_meetings,
    email,
    federation,
    guide,
    guide_data,
    home,
    me,
    moderation,
    moderators,
    network,
    notifications,
    outreach,
    partnerships,
    post,
    recovery,
    reports,
    rounds,
)

ROUTE_BLUEPRINTS = [
    home.blueprint,
    actions.blueprint,
    post.blueprint,
    auth.blueprint,
    recovery.blueprint,
    charter.blueprint,
    email.blueprint,
    me.blueprint,
    blocks.blueprint,
    reports.blueprint,
    notifications.blueprint,
    associations.blueprint,
    calls.blueprint,
    admin.blueprint,
    moderation.blueprint,
    moderators.blueprint,
    partnerships.blueprint,
    federation.blueprint,
    committee.blueprint,
    committee_meetings.blueprint,
    rounds.blueprint,
    outreach.blueprint,
    network.blueprint,
    guide.blueprint,
    guide_data.blueprint,
]

# Blueprints outside the pages' sessions and CSRF checks: the RFC 8058 one-click unsubscribe,
# which mail clients POST to without cookies (the signed token in the URL is the proof).
PLAIN_BLUEPRINTS = [notifications.one_click]
