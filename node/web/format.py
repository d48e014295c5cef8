"""Jinja filters: moments in the node's time zone and the reader's language, labels of enums."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from babel.numbers import format_decimal
from jinja2 import Environment

from federation.origin import InvalidOrigin, domain_of
from node import clock
from node.http_state import current_node
from node.services.moments import describe
from node.services.outreach_words import ITEM_LABELS, ROUND_KIND_LABELS, ROUND_MODE_LABELS
from node.web.context import gettext, language
from node.web.nav import N_

KIND_LABELS = {"need": N_("Need"), "offer": N_("Offer"), "outing": N_("Outing")}
CALL_KIND_LABELS = {
    "volunteers": N_("Call for volunteers"),
    "donations": N_("Call for donations"),
    "urgent": N_("Alert"),
}
CALL_STATUS_LABELS = {
    "open": N_("open"),
    "full": N_("full, thank you"),
    "closed": N_("closed"),
    "cancelled": N_("cancelled"),
}
# Why a partner's member's answer was not counted (``CallAnswer.refusal``).
CALL_REFUSAL_LABELS = {
    "full": N_("the call was already full"),
    "closed": N_("the call was over"),
    "over": N_("more than was still needed"),
    "duplicate": N_("an answer already counted"),
    "invalid": N_("it did not fit the call"),
}
CATEGORY_LABELS = {
    "food": N_("Food"),
    "clothes": N_("Clothes"),
    "hygiene": N_("Hygiene"),
    "health": N_("Health"),
    "haircut": N_("Haircut"),
    "social": N_("Company"),
    "housing": N_("Housing"),
    "paperwork": N_("Paperwork"),
    "skills": N_("Skills"),
    "other": N_("Other"),
}
STATUS_LABELS = {
    "open": N_("Open"),
    "fulfilled": N_("Fulfilled"),
    "closed": N_("Closed"),
    "expired": N_("Expired"),
    "pending": N_("Pending"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
    "left": N_("Left"),
    "approved": N_("Approved"),
    "rejected": N_("Rejected"),
    "ended": N_("Ended"),
    "queued": N_("Queued"),
    "sending": N_("Sending"),
    "delivered": N_("Delivered"),
    "abandoned": N_("Abandoned"),
}
ROUND_STATUS_LABELS = {
    "planned": N_("Planned"),
    "started": N_("Under way"),
    "ended": N_("Finished"),
}
SCOPE_LABELS = {
    "public_needs": N_("Public needs and offers"),
    "outreach": N_("Outreach coordination"),
    "calls": N_("Calls for volunteers"),
    "guide": N_("Solidarity guide places"),
}
ROLE_LABELS = {
    "admin": N_("Administrator"),
    "coordinator": N_("Coordinator"),
    "volunteer": N_("Volunteer"),
}
VISIBILITY_LABELS = {
    "public": N_("Everyone, and partner nodes"),
    "node": N_("Members of this node"),
    "association": N_("Members of the association"),
}


def _label(table: dict[str, str]) -> Any:
    def label(value: object) -> str:
        key = str(getattr(value, "value", value))
        return gettext(table.get(key, key))

    return label


def when(value: datetime | None) -> str:
    """A moment as people say it ("il y a 5 min", "mardi 3 déc. à 14 h"), in the node's time
    zone and the reader's language (:mod:`node.services.moments`)."""
    if value is None:
        return ""
    return describe(
        value, now=clock.now(), timezone=current_node().settings.timezone, language=language()
    )


def distance(km: float) -> str:
    if km < 1:
        return f"{int(round(km * 1000, -1))} m"
    return f"{format_decimal(round(km, 1), locale=language())} km"


def origin_domain(iri: str | None) -> str | None:
    """The normalised domain of a remote actor's IRI (None for a local one or a bad IRI)."""
    if not iri:
        return None
    try:
        return domain_of(iri)
    except InvalidOrigin:
        return None


def register_filters(env: Environment) -> None:
    env.filters.update(
        when=when,
        distance=distance,
        kind_label=_label(KIND_LABELS),
        category_label=_label(CATEGORY_LABELS),
        status_label=_label(STATUS_LABELS),
        role_label=_label(ROLE_LABELS),
        visibility_label=_label(VISIBILITY_LABELS),
        round_kind_label=_label(ROUND_KIND_LABELS),
        round_status_label=_label(ROUND_STATUS_LABELS),
        round_mode_label=_label(ROUND_MODE_LABELS),
        item_label=_label(ITEM_LABELS),
        scope_label=_label(SCOPE_LABELS),
        call_kind_label=_label(CALL_KIND_LABELS),
        call_status_label=_label(CALL_STATUS_LABELS),
        call_refusal_label=_label(CALL_REFUSAL_LABELS),
        origin_domain=origin_domain,
    )
