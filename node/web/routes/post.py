"""Posting a need, an offer or an outing, for oneself or for a proxy profile (with consent).

The text is checked for street addresses, phone numbers and email addresses first: when some
are found, the form comes back with a warning and a box to confirm (DESIGN §5).
"""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, flash, request, url_for

from node.errors import Problem, Unprocessable
from node.http_state import current_node
from node.models import (
    ActionCategory,
    ActionKind,
    Association,
    AssociationMembership,
    AssociationStatus,
    Member,
    Visibility,
)
from node.services import actions as actions_service
from node.services import word_list
from node.services.gazetteer import Gazetteer, node_gazetteer
from node.services.inputs import parse
from node.services.inputs.actions import ActionDraft
from node.services.privacy_check import find_personal_data
from node.web.context import gettext as _
from node.web.forms import (
    FormErrors,
    checked,
    integer,
    local_datetime,
    login_required,
    member,
    number,
    optional,
    raw,
    render,
    see_other,
    text,
)
from node.web.nav import N_

blueprint = Blueprint("web_post", __name__)


async def _choices(author: Member) -> dict[str, Any]:
    """Associations the author may post for, and the proxy profiles they may post for."""
    rows = await AssociationMembership.filter(
        member_id=author.id, association__status=AssociationStatus.APPROVED
    ).select_related("association")
    associations: list[Association] = [row.association for row in rows]
    managed = [row.association.id for row in rows if row.role in actions_service.MANAGER_ROLES]
    proxies = (
        await Member.filter(managed_by_id__in=managed)
        .select_related("managed_by")
        .order_by("pseudonym")
        if managed
        else []
    )
    return {"associations": associations, "proxies": proxies}


async def _form_page(values: Any, status: int = 200, **extra: Any) -> Response:
    extra.setdefault("errors", FormErrors())
    extra.setdefault("warnings", [])
    extra.setdefault("screened", [])
    settings = current_node().settings
    gazetteer = node_gazetteer(settings)
    return await render(
        "post.html",
        status,
        values=values,
        kinds=list(ActionKind),
        categories=list(ActionCategory),
        visibilities=list(Visibility),
        area=(settings.area_lat, settings.area_lon),
        map_data={
            "centre": [settings.area_lat, settings.area_lon],
            "tiles": settings.map_tile_url,
            "attribution": settings.map_attribution,
            "pick": True,
            "places": [{"name": p.name, "lat": p.lat, "lon": p.lon} for p in gazetteer.places],
        },
        places=gazetteer.places,
        **(await _choices(member())),
        **extra,
    )


@blueprint.get("/post")
@login_required
async def new() -> Response:
    kind = request.args.get("kind", "need")
    values = {
        "kind": kind if kind in {k.value for k in ActionKind} else "need",
        "visibility": "public",
    }
    # No point by default: an action published at the node's centre because nobody touched the
    # map would mislead everyone who looks for help nearby.
    return await _form_page(values)


def _point(form: Any, gazetteer: Gazetteer) -> dict[str, float]:
    """The place of the action: typed (or tapped, or located) coordinates first, else a place
    name of the node's gazetteer; a form without either is refused."""
    if text(form, "lat", 40) or text(form, "lon", 40):
        return {"lat": number(form, "lat"), "lon": number(form, "lon")}
    typed = text(form, "place", 200)
    if not typed:
        raise Unprocessable.field(
            "place",
            N_("Choose a place: tap the map, use your position, type a place or its coordinates."),
        )
    found = gazetteer.find(typed)
    if found is None:
        raise Unprocessable.field(
            "place", N_("We do not know this place: choose one of the list or tap the map.")
        )
    return {"lat": found.lat, "lon": found.lon}


def _draft(form: Any, gazetteer: Gazetteer) -> ActionDraft:
    """The form's fields decoded (numbers with a comma, checkboxes, local times) and parsed into
    the same input as the API's ``POST /api/v1/actions``."""
    fields: dict[str, Any] = {
        "kind": raw(form, "kind"),
        "category": raw(form, "category"),
        "title": raw(form, "title"),
        "description": raw(form, "description"),
        **_point(form, gazetteer),
        "visibility": raw(form, "visibility"),
        "association_id": optional(form, "association_id"),
        "on_behalf_of": optional(form, "on_behalf_of"),
        "consent": checked(form, "consent"),
        "auto_accept": checked(form, "auto_accept"),
    }
    if raw(form, "kind") == ActionKind.OUTING:
        fields.update(
            starts_at=local_datetime(form, "starts_at"),
            ends_at=local_datetime(form, "ends_at"),
            place_name=optional(form, "place_name"),
            capacity=integer(form, "capacity") if text(form, "capacity") else None,
        )
    return parse(ActionDraft, fields)


@blueprint.post("/post")
@login_required
async def create() -> Response:
    form = await request.form
    author = member()
    try:
        draft = _draft(form, node_gazetteer(current_node().settings))
        published = " \n".join(
            part for part in (draft.title, draft.description, draft.place_name) if part
        )
        warnings = find_personal_data(published)
        screened = await word_list.find_screened_words(published)
        if (warnings or screened) and not checked(form, "privacy_confirmed"):
            return await _form_page(form, 200, warnings=warnings, screened=screened)
        action = await actions_service.create_action(
            author,
            **draft.model_dump(),
            ttl_days=current_node().settings.action_ttl_days,
            node=current_node(),
        )
    except Problem as exc:
        return await _form_page(form, exc.status, errors=FormErrors.from_problem(exc))
    await flash(_("Your post is published."))
    return see_other(url_for("web_actions.show", action_id=action.id))
