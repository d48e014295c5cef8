"""API routes: street outreach rounds, their reports and the activity export (under
/api/v1/rounds).

Only members of the node's approved associations reach these routes (403 for everyone else);
a round is visible to the members of its association only (404 for others).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field
from quart import Blueprint, Response
from quart_schema import security_scheme, validate_querystring, validate_request, validate_response

from node.api.deps import require_verified_member
from node.api.types import BEARER, Day, Strict
from node.http_state import current_node
from node.models import Association, Member, Round, RoundKind, RoundMode, RoundStatus
from node.services import round_summaries
from node.services import rounds as service
from node.services.inputs.outreach import RoundChanges, RoundPlan

blueprint = Blueprint("rounds", __name__, url_prefix="/api/v1")

# --- request bodies and query strings ----------------------------------------------------------


class RoundQuery(Strict):
    association_id: UUID | None = None
    status: RoundStatus | None = None
    limit: int = Field(50, ge=1, le=200)


class ActivityQuery(Strict):
    association_id: UUID
    period: Literal["day", "week", "month"] = "month"
    since: Day | None = Field(None, description="First day; default: a year before `until`")
    until: Day | None = Field(None, description="Last day included; default: today")


# --- responses ---------------------------------------------------------------------------------


class TeamMemberOut(BaseModel):
    id: UUID
    pseudonym: str


class RoundOut(BaseModel):
    id: UUID
    association_id: UUID
    association: str
    area: str
    team_name: str
    kind: RoundKind
    mode: RoundMode
    planned_at: datetime
    status: RoundStatus
    started_at: datetime | None
    ended_at: datetime | None
    auto_close_at: datetime | None
    auto_closed: bool
    team: list[TeamMemberOut]


class RoundListOut(BaseModel):
    items: list[RoundOut]


class RoundSummaryOut(BaseModel):
    round_id: UUID
    association: str
    area: str
    team_name: str
    kind: str
    mode: str
    status: str
    started_at: datetime | None
    ended_at: datetime | None
    auto_closed: bool
    duration_minutes: int | None
    encounters: int
    asleep: int
    needs_follow_up: int
    items: dict[str, int]
    cells: list[str]


# --- conversions -------------------------------------------------------------------------------


async def round_out(round_: Round, association: Association) -> RoundOut:
    team = (await service.team_of([round_.id]))[round_.id]
    return rounds_out([round_], {round_.id: team}, {association.id: association})[0]


def rounds_out(
    rows: list[Round], teams: dict[UUID, list[Member]], associations: dict[Any, Association]
) -> list[RoundOut]:
    return [
        RoundOut(
            id=r.id,
            association_id=r.association_id,  # type: ignore[attr-defined]
            association=associations[r.association_id].name,  # type: ignore[attr-defined]
            area=r.area,
            team_name=r.team_name,
            kind=r.kind,
            mode=r.mode,
            planned_at=r.planned_at,
            status=r.status,
            started_at=r.started_at,
            ended_at=r.ended_at,
            auto_close_at=r.auto_close_at,
            auto_closed=r.auto_closed,
            team=[TeamMemberOut(id=m.id, pseudonym=m.display_name) for m in teams.get(r.id, [])],
        )
        for r in rows
    ]


# --- rounds ------------------------------------------------------------------------------------


@blueprint.post("/rounds")
@security_scheme(BEARER)
@validate_request(RoundPlan)
@validate_response(RoundOut, 201)
async def plan_round(data: RoundPlan) -> tuple[RoundOut, int]:
    """Coordinators and admins of an association plan a round and pick its team (members of the
    association). 403 for anyone else, 404 for an unknown or unapproved association."""
    member = await require_verified_member()
    round_ = await service.plan_round(member, **data.model_dump())
    await round_.fetch_related("association")
    return await round_out(round_, round_.association), 201


@blueprint.get("/rounds")
@security_scheme(BEARER)
@validate_querystring(RoundQuery)
@validate_response(RoundListOut)
async def list_rounds(query_args: RoundQuery) -> RoundListOut:
    """Rounds of the caller's associations, latest planned first."""
    member = await require_verified_member()
    rows = await service.list_rounds(member, **query_args.model_dump())
    teams = await service.team_of([r.id for r in rows])
    associations = {r.association.id: r.association for r in rows}
    return RoundListOut(items=rounds_out(rows, teams, associations))


async def round_access(round_id: UUID) -> tuple[service.RoundAccess, Member]:
    member = await require_verified_member()
    return await service.round_access(member, round_id), member


@blueprint.get("/rounds/<uuid:round_id>")
@security_scheme(BEARER)
@validate_response(RoundOut)
async def get_round(round_id: UUID) -> RoundOut:
    """One round, for the members of its association."""
    access, _ = await round_access(round_id)
    return await round_out(access.round, access.association)


@blueprint.patch("/rounds/<uuid:round_id>")
@security_scheme(BEARER)
@validate_request(RoundChanges)
@validate_response(RoundOut)
async def update_round(round_id: UUID, data: RoundChanges) -> RoundOut:
    """Coordinators: change a planned round (409 once started)."""
    access, _ = await round_access(round_id)
    round_ = await service.update_round(access, data.model_dump(include=data.model_fields_set))
    return await round_out(round_, access.association)


@blueprint.delete("/rounds/<uuid:round_id>")
@security_scheme(BEARER)
async def delete_round(round_id: UUID) -> tuple[str, int]:
    """Coordinators: delete a round that has not started (409 otherwise)."""
    access, _ = await round_access(round_id)
    await service.delete_round(access)
    return "", 204


@blueprint.post("/rounds/<uuid:round_id>/start")
@security_scheme(BEARER)
@validate_response(RoundOut)
async def start_round(round_id: UUID) -> RoundOut:
    """The team (or a coordinator) starts the round; it closes by itself after
    ``round_auto_close_hours`` (4 h by default). 409 unless planned."""
    access, _ = await round_access(round_id)
    settings = current_node().settings
    round_ = await service.start_round(
        access,
        auto_close_hours=settings.round_auto_close_hours,
        retention_hours=settings.encounter_retention_hours,
    )
    return await round_out(round_, access.association)


@blueprint.post("/rounds/<uuid:round_id>/end")
@security_scheme(BEARER)
@validate_response(RoundOut)
async def end_round(round_id: UUID) -> RoundOut:
    """The team (or a coordinator) ends the round; its report is mailed to the association's
    coordinators. 409 unless started."""
    access, _ = await round_access(round_id)
    node = current_node()
    round_ = await service.end_round(
        access, retention_hours=node.settings.encounter_retention_hours
    )
    await round_summaries.mail_summary(
        round_.id,
        node.mail,
        language=node.settings.default_language,
        timezone=node.settings.timezone,
    )
    return await round_out(round_, access.association)


@blueprint.get("/rounds/<uuid:round_id>/report")
@security_scheme(BEARER)
@validate_response(RoundSummaryOut)
async def round_summary(round_id: UUID) -> RoundSummaryOut:
    """Counts of the round: encounters, items given, cells visited, duration."""
    access, _ = await round_access(round_id)
    summary = await round_summaries.round_summary(access.round, access.association)
    return RoundSummaryOut(**summary.__dict__)


# --- activity export ---------------------------------------------------------------------------


@blueprint.get("/rounds/activity.csv")
@security_scheme(BEARER)
@validate_querystring(ActivityQuery)
async def activity_csv(query_args: ActivityQuery) -> Response:
    """Coordinators and admins: CSV of counts per day, week or month (rounds, hours, encounters,
    asleep, follow-ups, cells, each item) for the association's activity reports."""
    member = await require_verified_member()
    association = await service.exporting_association(member, query_args.association_id)
    filename, body = await round_summaries.activity_export(
        association,
        period=query_args.period,
        since=query_args.since,
        until=query_args.until,
        timezone=current_node().settings.timezone,
    )
    return Response(
        body,
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
