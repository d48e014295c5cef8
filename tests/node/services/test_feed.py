"""The nearby feed: radius, ordering, keyset pagination, visibility, expiry, index use."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta
from typing import Any

import pytest

from node import clock
from node.caches import span_hints
from node.http_state import EntraideApp
from node.models import Action, ActionStatus, AssociationRole, Visibility
from node.services import feed, geo
from tests.conftest import MemberFactory, assert_no_private_data
from tests.factories import PARIS, make_association, ring_points, seed_actions

FEED = "/api/v1/actions"


def feed_url(**params: Any) -> str:
    query = {"lat": PARIS[0], "lon": PARIS[1], **params}
    return FEED + "?" + "&".join(f"{k}={v}" for k, v in query.items())


async def get_page(client: Any, headers: dict[str, str] | None = None, **params: Any) -> Any:
    response = await client.get(feed_url(**params), headers=headers or {})
    assert response.status_code == 200, await response.get_json()
    return await response.get_json()


async def all_pages(client: Any, headers: dict[str, str] | None = None, **params: Any) -> list[Any]:
    items: list[Any] = []
    cursor = None
    for _ in range(100):
        extra = {"cursor": cursor} if cursor else {}
        page = await get_page(client, headers, **params, **extra)
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("pagination does not end")


async def test_radius_filter(app: EntraideApp, client: Any, make_member: MemberFactory) -> None:
    author, _ = await make_member()
    distances = [0.05, 0.5, 1, 2.5, 4, 6, 9.5, 10.6, 12, 20, 35, 39.5, 45, 80]
    rows = await seed_actions(app, author, ring_points(PARIS, distances))
    # An anonymous feed is computed from the point rounded to 3 decimals (the cache key).
    point = (round(PARIS[0], 3), round(PARIS[1], 3))
    for radius in (1, 3, 10, 40):
        items = await all_pages(client, radius_km=radius, limit=5)
        expected = {
            str(row.id)
            for row in rows
            if geo.haversine_km(*point, row.public_lat, row.public_lon) <= radius
        }
        assert {item["id"] for item in items} == expected
        for item in items:
            assert item["distance_km"] <= radius + 0.001
            assert item["distance_km"] == pytest.approx(
                geo.haversine_km(*point, item["lat"], item["lon"]), abs=0.001
            )
            assert item["exact_lat"] is None


async def test_recent_order_and_pagination(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    author, _ = await make_member()
    rows = await seed_actions(app, author, ring_points(PARIS, [i * 0.3 for i in range(30)]))
    # Ten of them share one timestamp: the id breaks the tie, pages must not skip or repeat.
    with app.node.db.activate():
        await Action.filter(id__in=[r.id for r in rows[10:20]]).update(
            created_at=rows[15].created_at
        )
    whole = (await get_page(client, limit=100))["items"]
    assert len(whole) == 30
    keys = [(item["created_at"], item["id"]) for item in whole]
    assert keys == sorted(keys, reverse=True)
    for limit in (1, 3, 7):
        paged = await all_pages(client, limit=limit)
        assert [item["id"] for item in paged] == [item["id"] for item in whole]


async def test_distance_order_and_pagination(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    author, _ = await make_member()
    distances = [0.1, 0.2, 0.3, 0.8, 1.5, 1.6, 3, 3.2, 5, 7.5, 8, 9.9, 15, 18]
    await seed_actions(app, author, ring_points(PARIS, distances, seed=4))
    whole = (await get_page(client, order="distance", radius_km=20, limit=100))["items"]
    assert len(whole) == len(distances)
    assert [i["distance_km"] for i in whole] == sorted(i["distance_km"] for i in whole)
    for limit in (1, 2, 5):
        paged = await all_pages(client, order="distance", radius_km=20, limit=limit)
        assert [item["id"] for item in paged] == [item["id"] for item in whole]


async def test_filters_and_status(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    author, _ = await make_member()
    await seed_actions(app, author, ring_points(PARIS, [1, 2]))
    await seed_actions(app, author, ring_points(PARIS, [1.5]), kind="offer", category="clothes")
    await seed_actions(app, author, ring_points(PARIS, [2.5]), status=ActionStatus.CLOSED)
    assert len((await get_page(client))["items"]) == 3
    assert len((await get_page(client, kind="offer"))["items"]) == 1
    assert len((await get_page(client, category="food"))["items"]) == 2
    closed = (await get_page(client, status="closed"))["items"]
    assert [item["status"] for item in closed] == ["closed"]


async def test_expired_actions_leave_the_feed_without_the_job(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    author, _ = await make_member()
    await seed_actions(app, author, ring_points(PARIS, [1, 2]))
    await seed_actions(
        app, author, ring_points(PARIS, [3]), expires_at=clock.now() + timedelta(days=60)
    )
    app.node.clock.advance(timedelta(days=31))
    items = (await get_page(client))["items"]
    assert len(items) == 1 and items[0]["status"] == "open"
    expired = (await get_page(client, status="expired"))["items"]
    assert len(expired) == 2 and {item["status"] for item in expired} == {"expired"}


async def test_visibility(app: EntraideApp, client: Any, make_member: MemberFactory) -> None:
    author, author_headers = await make_member()
    member, member_headers = await make_member()
    volunteer, volunteer_headers = await make_member()
    association = await make_association(app, {volunteer: AssociationRole.VOLUNTEER})
    await seed_actions(app, author, ring_points(PARIS, [1]), title="public")
    await seed_actions(app, author, ring_points(PARIS, [1]), visibility=Visibility.NODE)
    await seed_actions(
        app,
        author,
        ring_points(PARIS, [1]),
        visibility=Visibility.ASSOCIATION,
        association=association,
    )
    anonymous = await get_page(client)
    assert [item["visibility"] for item in anonymous["items"]] == ["public"]
    as_member = await get_page(client, member_headers)
    assert sorted(item["visibility"] for item in as_member["items"]) == ["node", "public"]
    as_volunteer = await get_page(client, volunteer_headers)
    assert len(as_volunteer["items"]) == 3
    as_author = await get_page(client, author_headers)  # authors always see their own actions
    assert len(as_author["items"]) == 3
    for page in (anonymous, as_member, as_volunteer, as_author):
        assert_no_private_data(page, author, member, volunteer)


async def test_default_point_is_the_node_area(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    author, _ = await make_member()
    settings = app.node.settings
    await seed_actions(app, author, ring_points((settings.area_lat, settings.area_lon), [2]))
    page = await (await client.get(FEED)).get_json()
    assert len(page["items"]) == 1


@pytest.mark.parametrize(
    "params",
    [
        {"radius_km": 40.5},
        {"radius_km": 0},
        {"radius_km": "far"},
        {"lat": 91},
        {"lon": 200},
        {"limit": 0},
        {"limit": 101},
        {"order": "random"},
        {"kind": "gift"},
        {"status": "deleted"},
        {"debug": 1},
    ],
)
async def test_invalid_queries_are_422(client: Any, params: dict[str, Any]) -> None:
    response = await client.get(feed_url(**params))
    assert response.status_code == 422


async def test_lat_without_lon_is_422(client: Any) -> None:
    assert (await client.get(f"{FEED}?lat=48.85")).status_code == 422


def _b64(payload: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not-base64!!",
        "Zm9v",
        _b64({"o": "recent", "k": "yesterday", "i": "x"}),
        _b64({"o": "distance", "k": 0.1, "i": "3f1c1a0e-0000-4000-8000-000000000000"}),
        _b64({"o": "recent", "k": "2024-01-01T00:00:00", "i": "3f1c1a0e-0000-4000-8000-0000"}),
        _b64([1, 2]),
        _b64({"o": "recent", "k": "2026-01-01T00:00:00+00:00", "i": 123}),
        _b64({"o": "recent", "k": 20260101, "i": "3f1c1a0e-0000-4000-8000-000000000000"}),
        _b64({"o": "recent", "k": "0001-01-01T00:00:00-23:59", "i": str(uuid.UUID(int=1))}),
        _b64({"o": "recent", "k": "0001-01-01T00:00:00+23:59", "i": str(uuid.UUID(int=1))}),
        _b64({"o": "recent", "k": "9999-12-31T23:59:59+23:59", "i": str(uuid.UUID(int=1))}),
        _b64({"o": "distance", "k": "1e400", "i": str(uuid.UUID(int=1))}),
        _b64({"o": "distance", "k": [1], "i": str(uuid.UUID(int=1))}),
    ],
)
async def test_tampered_cursor_is_400(client: Any, cursor: str) -> None:
    response = await client.get(feed_url(cursor=cursor))
    assert response.status_code == 400


async def test_bad_token_on_the_feed_is_401(client: Any) -> None:
    response = await client.get(feed_url(), headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401


async def test_the_feed_query_uses_an_index(app: EntraideApp, make_member: MemberFactory) -> None:
    """A node's actions spread over its region; a feed query must not read them all."""
    author, _ = await make_member()
    distances = [(i % 1000) * 0.3 for i in range(3000)]
    await seed_actions(app, author, ring_points(PARIS, distances, seed=9))
    with app.node.db.activate():
        connection = Action._meta.db
        postgres = connection.capabilities.dialect == "postgres"
        await connection.execute_script("ANALYZE action" if postgres else "ANALYZE")
        plans = [
            await feed.explain(lat=PARIS[0], lon=PARIS[1], radius_km=radius)
            for radius in (1, 10, 40)
        ] + [
            await feed.explain(
                lat=PARIS[0], lon=PARIS[1], radius_km=40, order="distance", ring_km=ring
            )
            for ring in (0.25, 2, 10)
        ]
    for plan in plans:
        text = "\n".join(plan)
        if postgres:
            assert "Seq Scan on action" not in text, text
            assert "Index" in text, text
        else:
            assert not any(line.startswith(("SCAN a", "SCAN action")) for line in plan), text
            assert "USING INDEX" in text, text


async def test_recent_order_across_time_slices(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    """Actions weeks apart: the feed widens its time slices and still misses none."""
    author, _ = await make_member()
    rows = await seed_actions(app, author, ring_points(PARIS, [i * 0.5 for i in range(12)]))
    ages = [0.01, 0.5, 2, 3, 30, 70, 200, 300, 1000, 2000, 5000, 9000]  # hours
    with app.node.db.activate():
        for row, hours in zip(rows, ages, strict=True):
            created = clock.now() - timedelta(hours=hours)
            await Action.filter(id=row.id).update(
                created_at=created, expires_at=clock.now() + timedelta(days=1)
            )
    with app.node.db.activate():
        span_hints().clear()  # this node's hints only
    for limit in (1, 5, 20):
        items = await all_pages(client, limit=limit)
        assert [item["title"] for item in items] == [f"Action {i}" for i in range(12)]
