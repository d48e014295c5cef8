"""API routes: the encounters of a round (under /api/v1/rounds/{id}/encounters).

Exact places, notes and pseudonyms appear only in ``GET /rounds/{id}/encounters``, for the
members of the round's association, and only until the retention purge.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field
from quart import Blueprint
from quart_schema import security_scheme, validate_request, validate_response

from node.api.rounds import round_access
from node.api.types import BEARER
from node.api.visits import VisitOut, visit_out
from node.http_state import current_node
from node.models import OutreachItem
from node.services import encounters as encounter_service
from node.services.inputs.outreach import EncounterRecord

blueprint = Blueprint("encounters", __name__, url_prefix="/api/v1")


class EncounterOut(BaseModel):
    id: UUID
    round_id: UUID
    occurred_at: datetime
    cell: str
    items: list[OutreachItem]
    asleep: bool
    needs_follow_up: bool
    lat: float | None = Field(description="Exact place; null once purged")
    lon: float | None
    note: str | None
    pseudonym: str | None
    consent_recorded_at: datetime | None
    recorded_by: UUID | None
    purged_at: datetime | None


class EncounterListOut(BaseModel):
    items: list[EncounterOut]


class WarningOut(BaseModel):
    message: str
    minutes_ago: int
    visit: VisitOut


class RecordedOut(BaseModel):
    encounter: EncounterOut
    warnings: list[WarningOut]


def encounter_out(view: encounter_service.EncounterView) -> EncounterOut:
    e = view.encounter
    return EncounterOut(
        id=e.id,
        round_id=e.round_id,  # type: ignore[attr-defined]
        occurred_at=e.occurred_at,
        cell=e.cell,
        items=view.items,
        asleep=e.asleep,
        needs_follow_up=e.needs_follow_up,
        lat=view.lat,
        lon=view.lon,
        note=view.note,
        pseudonym=view.pseudonym,
        consent_recorded_at=e.consent_recorded_at,
        recorded_by=e.recorded_by_id,  # type: ignore[attr-defined]
        purged_at=e.purged_at,
    )


# --- encounters --------------------------------------------------------------------------------


@blueprint.post("/rounds/<uuid:round_id>/encounters")
@security_scheme(BEARER)
@validate_request(EncounterRecord)
@validate_response(RecordedOut, 201)
async def record_encounter(round_id: UUID, data: EncounterRecord) -> tuple[RecordedOut, int]:
    """Record an encounter on a started round (409 otherwise). ``warnings`` lists other teams'
    visits of the same cell within the coordination window, such as "visited 40 min ago by
    team X: meal given, asleep — do not wake"."""
    access, member = await round_access(round_id)
    node = current_node()
    view, warnings = await encounter_service.record_encounter(
        access,
        member,
        secret=node.secret,
        window_hours=node.settings.coordination_window_hours,
        node=node,
        **data.model_dump(),
    )
    return (
        RecordedOut(
            encounter=encounter_out(view),
            warnings=[
                WarningOut(message=w.message, minutes_ago=w.minutes_ago, visit=visit_out(w.visit))
                for w in warnings
            ],
        ),
        201,
    )


@blueprint.get("/rounds/<uuid:round_id>/encounters")
@security_scheme(BEARER)
@validate_response(EncounterListOut)
async def list_encounters(round_id: UUID) -> EncounterListOut:
    """The round's encounters with their exact place, note and pseudonym (until purged), for the
    members of its association."""
    access, _ = await round_access(round_id)
    views = await encounter_service.list_encounters(access, secret=current_node().secret)
    return EncounterListOut(items=[encounter_out(v) for v in views])
