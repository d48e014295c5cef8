"""API route: the coordination view of visits (``GET /api/v1/visits``): which areas were visited
when, by every team of the node and of partner nodes sharing ``outreach``. Never a note, a name
or an exact place."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from pydantic import BaseModel, Field
from quart import Blueprint
from quart_schema import security_scheme, validate_querystring, validate_response

from node import clock
from node.api.deps import require_verified_member
from node.api.types import BEARER, Moment, QueryLat, QueryLon, Strict
from node.http_state import current_node
from node.models import OutreachItem
from node.services import rounds as service
from node.services import visits as visit_service

blueprint = Blueprint("visits", __name__, url_prefix="/api/v1")


class VisitQuery(Strict):
    lat: QueryLat
    lon: QueryLon
    radius_m: float = Field(1000, gt=0, le=3000, description="Radius around the point")
    hours: float | None = Field(
        None, gt=0, le=72, description="Window before `until`; default: the node's setting (12)"
    )
    until: Moment | None = None


class VisitOut(BaseModel):
    id: UUID
    cell: str
    cell_lat: float
    cell_lon: float
    visited_at: datetime = Field(description="Rounded down to 5 minutes")
    items: list[OutreachItem]
    asleep: bool
    association: str
    team: str
    origin: str | None = Field(description="The partner node, for visits shared by partners")


class VisitListOut(BaseModel):
    since: datetime
    until: datetime
    radius_m: float
    items: list[VisitOut]


def visit_out(view: visit_service.VisitView) -> VisitOut:
    lat, lon = view.cell_centre
    return VisitOut(
        id=view.id,
        cell=view.cell,
        cell_lat=lat,
        cell_lon=lon,
        visited_at=view.visited_at,
        items=view.items,
        asleep=view.asleep,
        association=view.association,
        team=view.team,
        origin=view.origin,
    )


# --- coordination view -------------------------------------------------------------------------


@blueprint.get("/visits")
@security_scheme(BEARER)
@validate_querystring(VisitQuery)
@validate_response(VisitListOut)
async def coordination_view(query_args: VisitQuery) -> VisitListOut:
    """Visits of every team of the node (and of partner nodes sharing ``outreach``) within
    ``radius_m`` of a point in the window: cell, time, items, asleep flag, association. Never a
    note, a name or an exact place. For members of the node's associations only."""
    member = await require_verified_member()
    await service.require_outreach_member(member)
    until = query_args.until or clock.now()
    hours = query_args.hours or current_node().settings.coordination_window_hours
    since = until - timedelta(hours=hours)
    views = await visit_service.coordination_view(
        lat=query_args.lat,
        lon=query_args.lon,
        radius_m=query_args.radius_m,
        since=since,
        until=until,
    )
    return VisitListOut(
        since=since, until=until, radius_m=query_args.radius_m, items=[visit_out(v) for v in views]
    )
