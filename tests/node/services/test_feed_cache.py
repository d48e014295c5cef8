"""The feed's JSON (built without pydantic) matches its documented model, and the response
cache of anonymous feeds: same body, immediate invalidation by this node's writes, bypass for
authenticated requests, expiry after its TTL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from node.api.action_views import action_out
from node.api.feed import FeedOut
from node.http_state import EntraideApp
from node.models import Action, AssociationRole
from node.services import geo
from tests.conftest import MemberFactory
from tests.factories import (
    PARIS,
    make_association,
    outing_body,
    post_action,
    ring_points,
    seed_actions,
)

URL = f"/api/v1/actions?lat={PARIS[0]}&lon={PARIS[1]}&radius_km=5"


async def get(client: Any, url: str = URL, headers: dict[str, str] | None = None) -> Any:
    response = await client.get(url, headers=headers or {})
    assert response.status_code == 200, await response.get_data(as_text=True)
    return response


async def test_feed_json_is_what_the_model_would_write(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    author, headers = await make_member()
    association = await make_association(app, {author: AssociationRole.COORDINATOR})
    await post_action(client, headers)
    await post_action(client, headers, association_id=str(association.id))
    await post_action(client, headers, **outing_body())
    for who in (headers, None):  # the author's view (exact point) and an anonymous one
        response = await get(client, URL + "&order=distance", who)
        body = await response.get_data()
        FeedOut.model_validate_json(body)  # valid against the documented schema
        items = (await response.get_json())["items"]
        assert len(items) == 3
        point = PARIS if who else (round(PARIS[0], 3), round(PARIS[1], 3))
        with app.node.db.activate():
            for item in items:
                action = await Action.get(id=item["id"]).select_related(
                    "author", "on_behalf_of", "association"
                )
                distance = geo.haversine_km(*point, action.public_lat, action.public_lon)
                viewer = author if who else None
                expected = action_out(action, viewer, distance).model_dump(mode="json")
                assert item == expected
                assert list(item) == list(expected)
        if who:
            assert all(item["exact_lat"] is not None for item in items)
        else:
            assert all(item["exact_lat"] is None for item in items)


async def test_anonymous_feed_is_cached_and_invalidated_by_writes(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    _, headers = await make_member()
    await post_action(client, headers, title="Premier besoin")
    first = await get(client)
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    etag = first.headers["ETag"]
    # A point within the same ~110 m rounding is the same entry.
    again = await get(client, URL.replace(str(PARIS[0]), f"{PARIS[0] + 0.0002:.4f}"))
    assert await again.get_data() == await first.get_data()
    assert len(app.node.feed_cache) == 1
    not_modified = await client.get(URL, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304

    await post_action(client, headers, title="Second besoin")  # invalidates at once
    titles = [item["title"] for item in (await (await get(client)).get_json())["items"]]
    assert titles == ["Second besoin", "Premier besoin"]

    action_id = (await (await get(client)).get_json())["items"][0]["id"]
    response = await client.delete(f"/api/v1/actions/{action_id}", headers=headers)
    assert response.status_code == 204
    titles = [item["title"] for item in (await (await get(client)).get_json())["items"]]
    assert titles == ["Premier besoin"]


async def test_authenticated_requests_bypass_the_cache(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    _, headers = await make_member()
    await post_action(client, headers)
    app.node.feed_cache.clear()
    response = await get(client, headers=headers)
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "ETag" not in response.headers
    assert len(app.node.feed_cache) == 0
    assert (await response.get_json())["items"][0]["is_mine"] is True


async def test_cache_expires_after_its_ttl(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    """A write the node does not see (another process: here a direct insert) shows after the
    TTL."""
    author, _ = await make_member()
    await seed_actions(app, author, ring_points(PARIS, [1]))
    assert len((await (await get(client)).get_json())["items"]) == 1
    await seed_actions(app, author, ring_points(PARIS, [2]))
    assert len((await (await get(client)).get_json())["items"]) == 1  # still cached
    app.node.clock.advance(timedelta(seconds=app.node.feed_cache.ttl_s - 1))
    assert len((await (await get(client)).get_json())["items"]) == 1
    app.node.clock.advance(timedelta(seconds=2))
    assert len((await (await get(client)).get_json())["items"]) == 2
