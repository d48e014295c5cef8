"""Recording an encounter during a round (from a phone), and the coordination view: visits of
every team near a point in the last hours, without notes, names or exact places.

After an encounter is recorded, the round's page shows the other teams' visits of the same
area ("visited 40 min ago by team X: meal given, asleep — do not wake") prominently; they travel
through the session (post/redirect/get), as plain values translated when shown.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from quart import Blueprint, Response, flash, request, session, url_for

from node import clock
from node.errors import Problem, Unprocessable
from node.http_state import current_node
from node.models import Round
from node.services import coordination_area as area_service
from node.services import encounters as encounter_service
from node.services import rounds as service
from node.services import visits as visit_service
from node.services.coordination_area import NODE_RADIUS_M, ROUND_RADIUS_M
from node.services.inputs import parse
from node.services.inputs.outreach import EncounterRecord
from node.web.context import gettext as _
from node.web.format import when
from node.web.forms import (
    FormErrors,
    checked,
    login_required,
    number,
    optional,
    render,
    see_other,
    text,
)
from node.web.routes.rounds import WARNINGS_KEY, access, outreach_member, round_page

blueprint = Blueprint("web_outreach", __name__)
MAX_WARNINGS = 5


def _coordinate(form: Any, name: str) -> float:
    if not text(form, name, 40):
        raise Unprocessable.field(
            name, "Choose a place: click the map, use your position or enter the coordinates."
        )
    return number(form, name)


def _warning(w: visit_service.VisitWarning) -> dict[str, Any]:
    return {
        "minutes": w.minutes_ago,
        "association": w.visit.association,
        "team": w.visit.team,
        "items": [str(i) for i in w.visit.items],
        "asleep": w.visit.asleep,
    }


@blueprint.post("/rounds/<uuid:round_id>/encounters")
@login_required
async def record(round_id: UUID) -> Response:
    found = await access(round_id)
    form = await request.form
    node = current_node()
    try:
        encounter = parse(
            EncounterRecord,
            {
                "lat": _coordinate(form, "lat"),
                "lon": _coordinate(form, "lon"),
                "items": form.getlist("items"),
                "asleep": checked(form, "asleep"),
                "needs_follow_up": checked(form, "needs_follow_up"),
                "note": optional(form, "note"),
                "pseudonym": optional(form, "pseudonym"),
                "consent": checked(form, "consent"),
            },
        )
        _view, warnings = await encounter_service.record_encounter(
            found,
            outreach_member(),
            secret=node.secret,
            window_hours=node.settings.coordination_window_hours,
            node=node,
            **encounter.model_dump(),
        )
    except Problem as exc:
        errors = FormErrors.from_problem(exc)
        return await round_page(round_id, exc.status, errors=errors, values=form)
    session[WARNINGS_KEY] = [_warning(w) for w in warnings[:MAX_WARNINGS]]
    await flash(_("The encounter is recorded."))
    return see_other(url_for("web_rounds.show", round_id=round_id) + "#recorded")


# --- coordination view -------------------------------------------------------------------------


def _bounded(args: Any, name: str, default: float, low: float, high: float) -> float:
    if not text(args, name, 40):
        return default
    value = number(args, name)
    if not low <= value <= high:
        raise Unprocessable.field(name, f"must be between {low:g} and {high:g}")
    return value


async def _round_of(args: Any) -> Round | None:
    """The round named by ``?round=`` (which the viewer must be able to see), else the one the
    viewer is on now."""
    raw = text(args, "round", 64)
    if not raw:
        return await area_service.current_round(outreach_member())
    try:
        round_id = UUID(raw)
    except ValueError:
        raise Unprocessable.field("round", "Choose one of the list.") from None
    return (await access(round_id)).round


@blueprint.get("/coordination")
@login_required
async def coordination() -> Response:
    me = outreach_member()
    await service.require_outreach_member(me)
    settings = current_node().settings
    args = request.args
    errors = FormErrors()
    round_ = await _round_of(args)
    area = await area_service.default_area(settings, round_)
    hours = settings.coordination_window_hours
    lat, lon, radius = area.lat, area.lon, area.radius_m
    try:
        if text(args, "lat", 40) or text(args, "lon", 40):
            area = area_service.ShownArea("point", lat, lon, ROUND_RADIUS_M)
        lat = _bounded(args, "lat", lat, -90, 90)
        lon = _bounded(args, "lon", lon, -180, 180)
        radius = _bounded(args, "radius_m", area.radius_m, 100, NODE_RADIUS_M)
        hours = _bounded(args, "hours", hours, 1, 72)
    except Problem as exc:
        errors = FormErrors.from_problem(exc)
    until = clock.now()
    views = []
    if not errors:
        views = await visit_service.coordination_view(
            lat=lat, lon=lon, radius_m=radius, since=until - timedelta(hours=hours), until=until
        )
    return await render(
        "coordination.html",
        422 if errors else 200,
        errors=errors,
        values={"lat": f"{lat:.5f}", "lon": f"{lon:.5f}", "radius_m": f"{radius:g}"}
        | {"hours": f"{hours:g}"}
        | {k: v for k, v in args.items() if errors},
        visits=views,
        area=area,
        radius_km=radius / 1000,
        round=round_,
        map_data={
            "centre": [lat, lon],
            "radius_m": radius,
            "tiles": settings.map_tile_url,
            "visits": [
                {
                    "lat": round(v.cell_centre[0], 5),
                    "lon": round(v.cell_centre[1], 5),
                    "asleep": v.asleep,
                    "label": f"{v.association} · {when(v.visited_at)}",
                }
                for v in views
            ],
        },
    )
