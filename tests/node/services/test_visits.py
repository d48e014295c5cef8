"""The coordination view: who may see it, what it shows (never notes, names or exact places),
the radius and the window, partner visits, and an index-backed query plan."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from node import clock
from node.http_state import EntraideApp
from node.models import OutreachItem, Visit
from node.services import visits as service
from node.services.geo import covering_cells
from tests.conftest import PG_URL
from tests.factories import NORTH, Cast, make_cast, record, started_round

NOTE = "dort sous le porche du 12, chien gentil"
NAME = "Jojo"


@pytest.fixture
async def cast(app: EntraideApp, make_member: Any) -> Cast:
    return await make_cast(app)


async def _two_teams_visited(client: Any, cast: Cast) -> None:
    ours = await started_round(client, cast)
    await record(client, cast, ours["id"], note=NOTE, pseudonym=NAME, consent=True, items=["water"])
    other = await started_round(
        client, cast, by="other_coord", starter="other_coord",
        association_id=str(cast.other.id), team=[],
    )  # fmt: skip
    await record(client, cast, other["id"], who="other_coord", lat=48.8795, lon=2.3570, asleep=True)


def _query(lat: float = NORTH[0], lon: float = NORTH[1], **extra: Any) -> str:
    params = {"lat": lat, "lon": lon, **extra}
    return "/api/v1/visits?" + "&".join(f"{k}={v}" for k, v in params.items())


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("coord", 200),
        ("vol", 200),
        ("vol2", 200),
        ("other_coord", 200),  # every association of the node shares the view
        ("pending_coord", 403),
        ("resident", 403),  # residents never see visits
        ("node_admin", 403),
        ("unverified", 403),
    ],
)
async def test_who_sees_the_coordination_view(
    client: Any, cast: Cast, who: str, status: int
) -> None:
    await _two_teams_visited(client, cast)
    response = await client.get(_query(), headers=cast.h(who))
    assert response.status_code == status
    if status == 200:
        assert len((await response.get_json())["items"]) == 2
    assert (await client.get(_query())).status_code == 401


async def test_visits_show_no_note_name_or_exact_place(client: Any, cast: Cast) -> None:
    await _two_teams_visited(client, cast)
    response = await client.get(_query(), headers=cast.h("other_coord"))
    body = await response.get_json()
    text = await response.get_data(as_text=True)
    assert NOTE not in text and NAME not in text
    assert str(NORTH[0]) not in text and str(NORTH[1]) not in text
    first, latest = sorted(body["items"], key=lambda v: v["association"])
    assert latest["association"] == "Samu Social" and latest["asleep"] is True
    assert first["association"] == "Maraude Nord" and first["items"] == ["water"]
    assert first["team"] == "Équipe du mardi"
    assert first["visited_at"].endswith(("0:00Z", "5:00Z", "0:00+00:00", "5:00+00:00"))
    assert set(first) == {
        "id", "cell", "cell_lat", "cell_lon", "visited_at", "items", "asleep", "association",
        "team", "origin",
    }  # fmt: skip


async def test_radius_and_window(app: EntraideApp, client: Any, cast: Cast) -> None:
    await _two_teams_visited(client, cast)
    h = cast.h("vol")
    chatelet = (48.8584, 2.3470)  # ~2.6 km from Gare du Nord
    near = await client.get(_query(*chatelet, radius_m=1000), headers=h)
    assert (await near.get_json())["items"] == []
    wide = await client.get(_query(*chatelet, radius_m=3000), headers=h)
    assert len((await wide.get_json())["items"]) == 2
    app.node.clock.advance(timedelta(hours=11))
    assert len((await (await client.get(_query(), headers=h)).get_json())["items"]) == 2
    app.node.clock.advance(timedelta(hours=1, minutes=6))
    body = await (await client.get(_query(), headers=h)).get_json()
    assert body["items"] == []
    assert len((await (await client.get(_query(hours=24), headers=h)).get_json())["items"]) == 2
    past = (app.node.clock.now() - timedelta(hours=6)).isoformat().replace("+00:00", "Z")
    in_past = await client.get(_query(until=past), headers=h)
    assert len((await in_past.get_json())["items"]) == 2


async def test_query_validation(client: Any, cast: Cast) -> None:
    h = cast.h("vol")
    for path in (
        _query(radius_m=0),
        _query(radius_m=3001),
        _query(hours=0),
        _query(hours=73),
        _query(lat=95),
        _query(until="yesterday"),
        _query(colour="red"),
        "/api/v1/visits?lat=48.8",
    ):
        response = await client.get(path, headers=h)
        assert response.status_code == 422, path


async def test_partner_visits_feed_the_view_and_leave_with_the_partnership(
    client: Any, cast: Cast, app: EntraideApp
) -> None:
    cell = service.cell_of(*NORTH)
    with app.node.db.activate():
        for _ in range(2):  # idempotent on (origin, remote id)
            await service.store_partner_visit(
                origin="lyon.example",
                remote_id="https://lyon.example/visits/1",
                cell=cell,
                visited_at=clock.now() - timedelta(minutes=20),
                items=[OutreachItem.BLANKET],
                asleep=True,
                association_name="Maraude de Lyon",
            )
        assert await Visit.filter(origin="lyon.example").count() == 1
        with pytest.raises(ValueError):
            await service.store_partner_visit(
                origin="lyon.example", remote_id="x", cell="89283082803ffff0",
                visited_at=clock.now(), items=[], asleep=False, association_name="?",
            )  # fmt: skip
    [visit] = (await (await client.get(_query(), headers=cast.h("vol"))).get_json())["items"]
    assert visit["origin"] == "lyon.example" and visit["association"] == "Maraude de Lyon"
    # a partner's visit warns like a local one
    ours = await started_round(client, cast)
    [warning] = (await (await record(client, cast, ours["id"])).get_json())["warnings"]
    assert "Maraude de Lyon" in warning["message"] and "do not wake" in warning["message"]
    # still there for the round's next encounter (its own visit is left out, not the partner's)
    [again] = (await (await record(client, cast, ours["id"])).get_json())["warnings"]
    assert again["visit"]["origin"] == "lyon.example"
    with app.node.db.activate():
        assert await service.remove_partner_visits("lyon.example") == 1
    items = (await (await client.get(_query(), headers=cast.h("vol"))).get_json())["items"]
    assert [v["origin"] for v in items] == [None, None]  # our two encounters


def test_items_and_time_coarsening() -> None:
    assert service.encode_items(["water", "meal", "water"]) == "meal,water"  # type: ignore[list-item]
    assert service.decode_items("meal,water") == [OutreachItem.MEAL, OutreachItem.WATER]
    moment = clock.now().replace(minute=43, second=17, microsecond=5)
    assert service.coarse_time(moment) == moment.replace(minute=40, second=0, microsecond=0)


def test_covering_cells_reach_a_kilometre() -> None:
    cells = covering_cells(*NORTH, 1.0, 9)
    assert 30 <= len(cells) <= 80  # ~ π(1.17 km)² / 0.105 km² ≈ 41
    # a cell 950 m away is covered, one 1.5 km away is not
    north_950 = service.cell_of(NORTH[0] + 0.95 / 111.2, NORTH[1])
    north_1500 = service.cell_of(NORTH[0] + 1.5 / 111.2, NORTH[1])
    assert north_950 in cells and north_1500 not in cells


async def test_the_query_uses_the_cell_time_index(app: EntraideApp) -> None:
    now = clock.now()
    with app.node.db.activate():
        query = service.visits_query(
            covering_cells(*NORTH, 1.0, 9), since=now - timedelta(hours=12), until=now
        )
        sql = query.order_by("-visited_at").limit(500).sql(params_inline=True)
        async with in_transaction() as connection:
            if PG_URL:
                # an empty table is cheaper to scan: make the planner show what it can use
                await connection.execute_script("SET LOCAL enable_seqscan = off")
                rows = await connection.execute_query_dict(f"EXPLAIN {sql}")
                plan = " ".join(str(r["QUERY PLAN"]) for r in rows)
            else:
                rows = await connection.execute_query_dict(f"EXPLAIN QUERY PLAN {sql}")
                plan = " ".join(str(r["detail"]) for r in rows)
    assert "idx_outreach_vi_cell" in plan, plan  # the (cell, visited_at) index
    if PG_URL:
        assert "Index Cond" in plan and "visited_at" in plan, plan
    else:
        assert "(cell=? AND visited_at>? AND visited_at<?)" in plan, plan
