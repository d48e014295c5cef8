"""Outreach rounds: planning, team, start and end, automatic closing, and who may do what."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from node import clock
from node.http_state import EntraideApp
from node.models import Round, RoundStatus
from node.worker.periodic import run_jobs_once
from tests.factories import Cast, make_cast, planned_round, record, round_body, started_round


@pytest.fixture
async def cast(app: EntraideApp, make_member: Any) -> Cast:
    return await make_cast(app)


async def test_coordinator_plans_a_round_with_a_team(client: Any, cast: Cast) -> None:
    body = await planned_round(client, cast, team=[cast.id("vol"), cast.id("vol2")])
    assert body["status"] == "planned"
    assert body["association"] == "Maraude Nord"
    assert body["kind"] == "food" and body["mode"] == "foot"
    assert sorted(m["id"] for m in body["team"]) == sorted([cast.id("vol"), cast.id("vol2")])
    assert all(set(m) == {"id", "pseudonym"} for m in body["team"])  # no phone, no email
    # admins plan too
    response = await client.post("/api/v1/rounds", json=round_body(cast), headers=cast.h("admin"))
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("vol", 403),  # a volunteer does not plan
        ("other_coord", 403),  # coordinator of another association
        ("pending_coord", 403),  # coordinator of an unapproved association
        ("resident", 403),
        ("node_admin", 403),  # node admins are not association coordinators
        ("unverified", 403),
    ],
)
async def test_who_may_not_plan(client: Any, cast: Cast, who: str, status: int) -> None:
    response = await client.post("/api/v1/rounds", json=round_body(cast), headers=cast.h(who))
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"


async def test_planning_rejections(client: Any, cast: Cast) -> None:
    post = client.post
    assert (await post("/api/v1/rounds", json=round_body(cast))).status_code == 401
    bad_token = {"Authorization": "Bearer nope"}
    assert (
        await post("/api/v1/rounds", json=round_body(cast), headers=bad_token)
    ).status_code == 401
    coord = cast.h("coord")
    response = await post(
        "/api/v1/rounds", data="{not json", headers={**coord, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    cases: list[dict[str, Any]] = [
        {"kind": "picnic"},
        {"mode": "helicopter"},
        {"area": "x" * 121},
        {"area": ""},
        {"team_name": "x" * 61},
        {"planned_at": "2026-12-01T20:00:00"},  # no time zone
        {"surprise": True},  # unknown field
        {"team": ["not-a-uuid"]},
        {"team": [cast.id("other_coord")]},  # not a member of the association
        {"planned_at": (clock.now() + timedelta(days=400)).isoformat()},
    ]
    for override in cases:
        response = await post("/api/v1/rounds", json=round_body(cast, **override), headers=coord)
        assert response.status_code == 422, override
    unknown = round_body(cast, association_id="00000000-0000-4000-8000-000000000000")
    assert (await post("/api/v1/rounds", json=unknown, headers=coord)).status_code == 404
    big = {"area": "x" * 2_000_000}
    response = await post("/api/v1/rounds", json=round_body(cast, **big), headers=coord)
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("coord", 200),
        ("vol", 200),
        ("vol2", 200),  # members not on the team still see the association's rounds
        ("other_coord", 404),
        ("pending_coord", 403),
        ("resident", 403),
        ("node_admin", 403),
        ("unverified", 403),
    ],
)
async def test_who_sees_a_round(client: Any, cast: Cast, who: str, status: int) -> None:
    round_ = await planned_round(client, cast)
    for path in ("", "/encounters", "/report"):
        response = await client.get(f"/api/v1/rounds/{round_['id']}{path}", headers=cast.h(who))
        assert response.status_code == status, path
    listing = await client.get("/api/v1/rounds", headers=cast.h(who))
    if status == 403:
        assert listing.status_code == 403
    else:
        ids = [r["id"] for r in (await listing.get_json())["items"]]
        assert (round_["id"] in ids) == (status == 200)


async def test_unknown_round_is_404_and_malformed_id_too(client: Any, cast: Cast) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    assert (await client.get(f"/api/v1/rounds/{unknown}", headers=cast.h("vol"))).status_code == 404
    assert (await client.get("/api/v1/rounds/123", headers=cast.h("vol"))).status_code == 404
    assert (await client.get(f"/api/v1/rounds/{unknown}")).status_code == 401


async def test_listing_filters(client: Any, cast: Cast) -> None:
    first = await planned_round(client, cast)
    await started_round(client, cast)
    await planned_round(client, cast, by="other_coord", association_id=str(cast.other.id), team=[])
    h = cast.h("coord")
    items = (await (await client.get("/api/v1/rounds", headers=h)).get_json())["items"]
    assert len(items) == 2 and {i["association"] for i in items} == {"Maraude Nord"}
    planned = await client.get("/api/v1/rounds?status=planned", headers=h)
    assert [i["id"] for i in (await planned.get_json())["items"]] == [first["id"]]
    other = await client.get(f"/api/v1/rounds?association_id={cast.other.id}", headers=h)
    assert other.status_code == 404
    assert (await client.get("/api/v1/rounds?limit=0", headers=h)).status_code == 422
    assert (await client.get("/api/v1/rounds?status=lost", headers=h)).status_code == 422


async def test_start_and_end_by_the_team(app: EntraideApp, client: Any, cast: Cast) -> None:
    round_ = await planned_round(client, cast)
    rid = round_["id"]
    # a volunteer who is not on the team neither starts nor ends it
    assert (
        await client.post(f"/api/v1/rounds/{rid}/start", headers=cast.h("vol2"))
    ).status_code == 403
    assert (
        await client.post(f"/api/v1/rounds/{rid}/end", headers=cast.h("vol"))
    ).status_code == 409
    started = await client.post(f"/api/v1/rounds/{rid}/start", headers=cast.h("vol"))
    body = await started.get_json()
    assert started.status_code == 200 and body["status"] == "started"
    assert body["auto_close_at"] is not None
    again = await client.post(f"/api/v1/rounds/{rid}/start", headers=cast.h("vol"))
    assert again.status_code == 409
    assert (
        await client.post(f"/api/v1/rounds/{rid}/end", headers=cast.h("vol2"))
    ).status_code == 403
    app.node.clock.advance(timedelta(minutes=90))
    ended = await client.post(f"/api/v1/rounds/{rid}/end", headers=cast.h("vol"))
    assert ended.status_code == 200 and (await ended.get_json())["status"] == "ended"
    twice = await client.post(f"/api/v1/rounds/{rid}/end", headers=cast.h("vol"))
    assert twice.status_code == 409
    report = await (
        await client.get(f"/api/v1/rounds/{rid}/report", headers=cast.h("vol2"))
    ).get_json()
    assert report["duration_minutes"] == 90 and report["auto_closed"] is False
    # the other association cannot touch it
    other = await client.post(f"/api/v1/rounds/{rid}/end", headers=cast.h("other_coord"))
    assert other.status_code == 404


async def test_a_coordinator_runs_a_round_without_being_on_the_team(
    client: Any, cast: Cast
) -> None:
    round_ = await started_round(client, cast, starter="coord")
    assert round_["status"] == "started"
    assert (await record(client, cast, round_["id"], who="coord")).status_code == 201


async def test_update_and_delete_a_planned_round(client: Any, cast: Cast) -> None:
    round_ = await planned_round(client, cast)
    rid = round_["id"]
    coord = cast.h("coord")
    changed = await client.patch(
        f"/api/v1/rounds/{rid}",
        json={"area": "Stalingrad", "mode": "vehicle", "team": [cast.id("vol2")]},
        headers=coord,
    )
    body = await changed.get_json()
    assert changed.status_code == 200, body
    assert body["area"] == "Stalingrad" and body["mode"] == "vehicle"
    assert [m["id"] for m in body["team"]] == [cast.id("vol2")]
    assert (
        await client.patch(f"/api/v1/rounds/{rid}", json={"area": None}, headers=coord)
    ).status_code == 422
    assert (
        await client.patch(f"/api/v1/rounds/{rid}", json={"x": 1}, headers=coord)
    ).status_code == 422
    no_member = {"team": [cast.id("resident")]}
    assert (
        await client.patch(f"/api/v1/rounds/{rid}", json=no_member, headers=coord)
    ).status_code == 422
    volunteer = await client.patch(
        f"/api/v1/rounds/{rid}", json={"area": "Ici"}, headers=cast.h("vol2")
    )
    assert volunteer.status_code == 403
    assert (await client.delete(f"/api/v1/rounds/{rid}", headers=cast.h("vol2"))).status_code == 403
    await client.post(f"/api/v1/rounds/{rid}/start", headers=cast.h("vol2"))
    started = await client.patch(f"/api/v1/rounds/{rid}", json={"area": "Ici"}, headers=coord)
    assert started.status_code == 409
    assert (await client.delete(f"/api/v1/rounds/{rid}", headers=coord)).status_code == 409
    other = await planned_round(client, cast)
    assert (await client.delete(f"/api/v1/rounds/{other['id']}", headers=coord)).status_code == 204
    assert (await client.get(f"/api/v1/rounds/{other['id']}", headers=coord)).status_code == 404


async def test_rounds_left_open_close_after_the_configured_time(
    node_factory: Any, make_member: Any
) -> None:
    app = await node_factory("short", round_auto_close_hours=2)
    cast = await make_cast_for(app, make_member)
    client = app.test_client()
    round_ = await started_round(client, cast)
    with app.node.db.activate():
        app.node.clock.advance(timedelta(hours=1, minutes=59))
        assert (await run_jobs_once(app.node))["close_overdue_rounds"] == 0
        app.node.clock.advance(timedelta(minutes=2))
        assert (await run_jobs_once(app.node))["close_overdue_rounds"] == 1
        row = await Round.get(id=round_["id"])
    assert row.status == RoundStatus.ENDED and row.auto_closed
    assert row.started_at is not None and row.ended_at == row.started_at + timedelta(hours=2)
    late = await record(client, cast, round_["id"])
    assert late.status_code == 409
    body = await (
        await client.get(f"/api/v1/rounds/{round_['id']}", headers=cast.h("vol"))
    ).get_json()
    assert body["status"] == "ended" and body["auto_closed"] is True


async def make_cast_for(app: EntraideApp, make_member: Any) -> Cast:
    return await make_cast(app)


async def test_the_default_auto_close_is_four_hours(
    client: Any, cast: Cast, app: EntraideApp
) -> None:
    round_ = await started_round(client, cast)
    with app.node.db.activate():
        app.node.clock.advance(timedelta(hours=3, minutes=59))
        assert (await run_jobs_once(app.node))["close_overdue_rounds"] == 0
        app.node.clock.advance(timedelta(minutes=1))
        assert (await run_jobs_once(app.node))["close_overdue_rounds"] == 1
        assert (await Round.get(id=round_["id"])).status == RoundStatus.ENDED


async def test_rounds_are_in_the_openapi_document(client: Any) -> None:
    paths = (await (await client.get("/openapi.json")).get_json())["paths"]
    for path in (
        "/api/v1/rounds",
        "/api/v1/rounds/{round_id}",
        "/api/v1/rounds/{round_id}/start",
        "/api/v1/rounds/{round_id}/end",
        "/api/v1/rounds/{round_id}/encounters",
        "/api/v1/rounds/{round_id}/report",
        "/api/v1/rounds/activity.csv",
        "/api/v1/visits",
    ):
        assert path in paths, path
