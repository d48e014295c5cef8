"""Coarse visits and the coordination view: who came by this area recently, and what they gave.

A visit holds only what partners may know (DESIGN §5): an H3 cell of resolution 9 (~0.1 km²),
a time rounded down to :data:`VISIT_TIME_STEP`, the items given, the asleep flag and the
association (and its team's name). Never a note, a pseudonym or an exact place.

The coordination query is index-backed: the disc around a point is covered by res-9 cells
(:func:`node.services.geo.covering_cells`), and ``outreach_visit`` is read through its
``(cell, visited_at)`` index, one range per cell. Its cost depends on the visits in the window
and area, not on how many visits the table holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

import h3
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from node import clock
from node.models import Encounter, OutreachItem, Round, Visit
from node.services.geo import covering_cells

RESOLUTION = 9
VISIT_TIME_STEP = timedelta(minutes=5)
MAX_RESULTS = 500
_ITEM_WORDS = {
    OutreachItem.MEAL: "meal",
    OutreachItem.HOT_DRINK: "hot drink",
    OutreachItem.WATER: "water",
    OutreachItem.BLANKET: "blanket",
    OutreachItem.SLEEPING_BAG: "sleeping bag",
    OutreachItem.HYGIENE_KIT: "hygiene kit",
    OutreachItem.CLOTHES: "clothes",
    OutreachItem.ORIENTATION: "orientation",
    OutreachItem.CONVERSATION: "conversation",
    OutreachItem.MEDICAL_REFERRAL: "medical referral",
}


def encode_items(items: Iterable[OutreachItem]) -> str:
    """Items as stored: unique, in the canonical order, comma-separated."""
    wanted = {OutreachItem(i) for i in items}
    return ",".join(item.value for item in OutreachItem if item in wanted)


def decode_items(stored: str) -> list[OutreachItem]:
    return [OutreachItem(part) for part in stored.split(",") if part]


def cell_of(lat: float, lon: float) -> str:
    return str(h3.latlng_to_cell(lat, lon, RESOLUTION))


def coarse_time(moment: datetime) -> datetime:
    """``moment`` rounded down to the visit time step (5 minutes)."""
    step = int(VISIT_TIME_STEP.total_seconds())
    hour = moment.replace(minute=0, second=0, microsecond=0)
    return hour + timedelta(seconds=int((moment - hour).total_seconds()) // step * step)


@dataclass(frozen=True, slots=True)
class VisitView:
    id: UUID
    cell: str
    visited_at: datetime
    items: list[OutreachItem]
    asleep: bool
    association: str
    team: str
    origin: str | None

    @property
    def cell_centre(self) -> tuple[float, float]:
        lat, lon = h3.cell_to_latlng(self.cell)
        return float(lat), float(lon)


@dataclass(frozen=True, slots=True)
class VisitWarning:
    visit: VisitView
    minutes_ago: int
    message: str


def _view(row: dict[str, object]) -> VisitView:
    return VisitView(
        id=UUID(str(row["id"])),
        cell=str(row["cell"]),
        visited_at=row["visited_at"],  # type: ignore[arg-type]
        items=decode_items(str(row["items"])),
        asleep=bool(row["asleep"]),
        association=str(row["association_name"]),
        team=str(row["team_name"]),
        origin=None if row["origin"] is None else str(row["origin"]),
    )


_COLUMNS = ("id", "cell", "visited_at", "items", "asleep", "association_name", "team_name")


def visits_query(cells: Sequence[str], *, since: datetime, until: datetime) -> QuerySet[Visit]:
    """The index-backed query: one ``(cell, visited_at)`` range per cell."""
    return Visit.filter(cell__in=list(cells), visited_at__gte=since, visited_at__lte=until)


async def visits_in_cells(
    cells: Sequence[str],
    *,
    since: datetime,
    until: datetime,
    limit: int = MAX_RESULTS,
    exclude_round: UUID | None = None,
) -> list[VisitView]:
    """Visits in these cells within [since, until], latest first."""
    if not cells:
        return []
    query = visits_query(cells, since=since, until=until)
    if exclude_round is not None:
        # Local visits of other rounds, and every remote visit (they have no encounter).
        # (NOT IN alone would also drop the remote visits, whose encounter_id is NULL.)
        own = await Encounter.filter(round_id=exclude_round).values_list("id", flat=True)
        if own:
            query = query.filter(Q(encounter_id__isnull=True) | Q(encounter_id__not_in=own))
    rows = await query.order_by("-visited_at").limit(limit).values(*_COLUMNS, "origin")
    return [_view(row) for row in rows]


async def coordination_view(
    *, lat: float, lon: float, radius_m: float, since: datetime, until: datetime
) -> list[VisitView]:
    """Every visit (local or from partners) within ``radius_m`` of a point, in the window."""
    cells = covering_cells(lat, lon, radius_m / 1000.0, RESOLUTION)
    return await visits_in_cells(cells, since=since, until=until)


def describe(view: VisitView, now: datetime) -> VisitWarning:
    """The warning a team gets when it records an encounter where another team came by."""
    minutes = max(0, int((now - view.visited_at).total_seconds() // 60))
    who = view.association + (f" ({view.team})" if view.team else "")
    given = ", ".join(_ITEM_WORDS[i] for i in view.items) or "nothing"
    message = f"visited {minutes} min ago by {who}: {given} given"
    if view.asleep:
        message += ", asleep — do not wake"
    return VisitWarning(visit=view, minutes_ago=minutes, message=message)


async def warnings_for(cell: str, *, window_hours: float, round_id: UUID) -> list[VisitWarning]:
    """Other teams' visits of this cell within the window, as warnings, latest first."""
    now = clock.now()
    views = await visits_in_cells(
        [cell], since=now - timedelta(hours=window_hours), until=now, exclude_round=round_id
    )
    return [describe(view, now) for view in views]


def local_visit(encounter: Encounter, round_: Round, association_name: str) -> Visit:
    """The coarse visit of a local encounter (not saved)."""
    return Visit(
        cell=encounter.cell,
        visited_at=coarse_time(encounter.occurred_at),
        items=encounter.items,
        asleep=encounter.asleep,
        association_name=association_name,
        team_name=round_.team_name,
        association_id=round_.association_id,  # type: ignore[attr-defined]
        encounter_id=encounter.id,
        created_at=clock.now(),
    )


# --- partner visits (called by the inbox handlers of node.fed.handlers.visits) ------------------


async def store_partner_visit(
    *,
    origin: str,
    remote_id: str,
    cell: str,
    visited_at: datetime,
    items: Iterable[OutreachItem],
    asleep: bool,
    association_name: str,
    team_name: str = "",
) -> Visit:
    """Insert or update a visit received from a partner node (idempotent on origin + id)."""
    if not h3.is_valid_cell(cell) or h3.get_resolution(cell) != RESOLUTION:
        raise ValueError("a visit's cell must be a valid H3 cell of resolution 9")
    values = {
        "cell": cell,
        "visited_at": coarse_time(visited_at),
        "items": encode_items(items),
        "asleep": asleep,
        "association_name": association_name[:120],
        "team_name": team_name[:60],
    }
    visit, _ = await Visit.update_or_create(values, origin=origin, remote_id=remote_id)
    return visit


async def remove_partner_visits(origin: str) -> int:
    """Forget every visit a partner sent (the partnership was withdrawn)."""
    return await Visit.filter(origin=origin).delete()


async def remove_partner_visit(*, origin: str, remote_id: str) -> bool:
    """Forget one visit a partner sent (it deleted it); False when none is stored."""
    return bool(await Visit.filter(origin=origin, remote_id=remote_id).delete())
