"""The web pages, one blueprint per area (names start with ``web_``)."""

from __future__ import annotations

from node.web.routes import (
    actions,
    admin,
    associations,
    auth,
    committee,
    committee_meetings,
    email,
    federation,
    home,
    me,
    network,
    outreach,
    partnerships,
    post,
    rounds,
)

ROUTE_BLUEPRINTS = [
    home.blueprint,
    actions.blueprint,
    post.blueprint,
    auth.blueprint,
    email.blueprint,
    me.blueprint,
    associations.blueprint,
    admin.blueprint,
    partnerships.blueprint,
    federation.blueprint,
    committee.blueprint,
    committee_meetings.blueprint,
    rounds.blueprint,
    outreach.blueprint,
    network.blueprint,
]
