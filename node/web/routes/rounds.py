"""Street outreach rounds (maraudes) for the members of the node's associations: the list and the
planning form (coordinators), a round's page (start, end, its encounters), its report and the
CSV of an association's activity. Residents never reach these pages: the services answer 403
(no association) or 404 (another association's round), as in the API."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from quart import Blueprint, Response, flash, request, session, url_for

from node.errors import Forbidden, Problem, Unprocessable
from node.http_state import current_node
from node.models import (
    Association,
    AssociationStatus,
    Member,
    OutreachItem,
    Round,
    RoundKind,
    RoundMode,
)
from node.services import encounters as encounter_service
from node.services import round_summaries
from node.services import rounds as service
from node.services.associations import list_members
from node.services.inputs import parse
from node.services.inputs.outreach import RoundPlan
from node.web import nav
from node.web.context import gettext as _
from node.web.forms import (
    FormErrors,
    local_datetime,
    login_required,
    member,
    raw,
    render,
    see_other,
    text,
)
from node.web.nav import N_

blueprint = Blueprint("web_rounds", __name__)
WARNINGS_KEY = "visit_warnings"
PERIODS: dict[str | None, round_summaries.Period] = {"day": "day", "week": "week", "month": "month"}


async def outreach_members(viewer: Member | None) -> bool:
    """Navigation: members of an approved association (the services' own rule)."""
    return viewer is not None and bool(await service.outreach_associations(viewer))


def outreach_member() -> Member:
    """The logged-in member, verified (as the API requires) — the services check the rest."""
    me = member()
    if not me.is_verified:
        raise Forbidden("Verify your phone number before doing this.")
    return me


async def access(round_id: UUID) -> service.RoundAccess:
    return await service.round_access(outreach_member(), round_id)


# --- the list and the planning form ------------------------------------------------------------


async def _planning(me: Member) -> list[tuple[Association, list[Member]]]:
    """The associations ``me`` plans rounds for, with their members (the team to pick from)."""
    roles = await service.outreach_associations(me)
    ids = [aid for aid, role in roles.items() if role in service.COORDINATING]
    associations = await Association.filter(id__in=ids).order_by("name") if ids else []
    return [(a, [m.member for m in await list_members(a)]) for a in associations]


async def _list_page(status: int = 200, **extra: Any) -> Response:
    me = outreach_member()
    rows = await service.list_rounds(me, association_id=None, status=None, limit=100)
    extra.setdefault("errors", FormErrors())
    extra.setdefault("values", {})
    extra.setdefault("form", None)
    return await render(
        "rounds.html",
        status,
        rounds=rows,
        teams=await service.team_of([r.id for r in rows]),
        planning=await _planning(me),
        kinds=list(RoundKind),
        modes=list(RoundMode),
        **extra,
    )


@blueprint.get("/rounds")
@login_required
async def index() -> Response:
    return await _list_page()


@blueprint.post("/rounds")
@login_required
async def plan() -> Response:
    me = outreach_member()
    form = await request.form
    try:
        plan = parse(
            RoundPlan,
            {
                "association_id": raw(form, "association_id"),
                "area": raw(form, "area"),
                "team_name": raw(form, "team_name"),
                "kind": raw(form, "kind"),
                "mode": raw(form, "mode"),
                "planned_at": local_datetime(form, "planned_at"),
                "team": form.getlist("team"),
            },
        )
        round_ = await service.plan_round(me, **plan.model_dump())
    except Problem as exc:
        errors = FormErrors.from_problem(exc)
        return await _list_page(exc.status, errors=errors, values=form, form="plan")
    await flash(_("The round is planned."))
    return see_other(url_for("web_rounds.show", round_id=round_.id))


# --- a round -----------------------------------------------------------------------------------


async def round_page(round_id: UUID, status: int = 200, **extra: Any) -> Response:
    found = await access(round_id)
    warnings = session.pop(WARNINGS_KEY, None) or []
    views = await encounter_service.list_encounters(found, secret=current_node().secret)
    extra.setdefault("errors", FormErrors())
    extra.setdefault("values", {})
    return await render(
        "round.html",
        status,
        access=found,
        round=found.round,
        team=(await service.team_of([found.round.id]))[found.round.id],
        encounters=views,
        items=list(OutreachItem),
        visit_warnings=warnings,
        map_data={
            "centre": [current_node().settings.area_lat, current_node().settings.area_lon],
            "tiles": current_node().settings.map_tile_url,
            "pick": True,
        },
        **extra,
    )


@blueprint.get("/rounds/<uuid:round_id>")
@login_required
async def show(round_id: UUID) -> Response:
    return await round_page(round_id)


@blueprint.post("/rounds/<uuid:round_id>/<any(start, end):verb>")
@login_required
async def run(round_id: UUID, verb: str) -> Response:
    found = await access(round_id)
    node = current_node()
    try:
        if verb == "start":
            await service.start_round(
                found,
                auto_close_hours=node.settings.round_auto_close_hours,
                retention_hours=node.settings.encounter_retention_hours,
            )
        else:
            await service.end_round(found, retention_hours=node.settings.encounter_retention_hours)
            await round_summaries.mail_summary(
                round_id,
                node.mail,
                language=node.settings.default_language,
                timezone=node.settings.timezone,
            )
    except Problem as exc:
        return await round_page(round_id, exc.status, errors=FormErrors.from_problem(exc))
    if verb == "start":
        await flash(_("The round has started. Record each encounter below."))
        return see_other(url_for("web_rounds.show", round_id=round_id) + "#encounter")
    await flash(_("The round has ended; its report is sent to the coordinators."))
    return see_other(url_for("web_rounds.summary", round_id=round_id))


@blueprint.get("/rounds/<uuid:round_id>/report")
@login_required
async def summary(round_id: UUID) -> Response:
    found = await access(round_id)
    return await render(
        "round_summary.html",
        round=found.round,
        access=found,
        summary=await round_summaries.round_summary(found.round, found.association),
    )


# --- activity export ---------------------------------------------------------------------------


def _date(form: Any, name: str) -> date | None:
    raw = text(form, name, 20)
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        raise Unprocessable.field(name, "Enter a date.") from None


@blueprint.get("/associations/<uuid:association_id>/rounds.csv")
@login_required
async def activity_csv(association_id: UUID) -> Response:
    association = await service.exporting_association(outreach_member(), association_id)
    args = request.args
    try:
        period = PERIODS.get(args.get("period", "month"))
        if period is None:
            raise Unprocessable.field("period", "Choose one of the list.")
        filename, body = await round_summaries.activity_export(
            association,
            period=period,
            since=_date(args, "since"),
            until=_date(args, "until"),
            timezone=current_node().settings.timezone,
        )
    except Problem as exc:
        errors = FormErrors.from_problem(exc)
        return await _list_page(exc.status, errors=errors, values=args, form="export")
    return Response(
        body,
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- the association's space -------------------------------------------------------------------


async def _association_section(viewer: Member, association: Association) -> dict[str, Any] | None:
    if association.status != AssociationStatus.APPROVED:
        return None
    roles = await service.outreach_associations(viewer)
    if association.id not in roles:
        return None
    rows: list[Round] = await service.list_rounds(
        viewer, association_id=association.id, status=None, limit=5
    )
    return {"rounds": rows, "coordinates": roles[association.id] in service.COORDINATING}


nav.add(nav.NavEntry("web_rounds.index", N_("Rounds"), outreach_members), before="web_admin.index")
nav.ASSOCIATION_SECTIONS.append(nav.Section("association/_rounds.html", _association_section))
