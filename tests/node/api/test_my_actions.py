"""My actions (posted and joined, with state and unread notifications) and the private
calendar feed (RFC 5545) with its resettable secret URL."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from icalendar import Calendar

from tests.conftest import MemberFactory
from tests.factories import outing_body, post_action


async def test_my_actions_lists_posted_and_joined(client: Any, make_member: MemberFactory) -> None:
    _, author_h = await make_member()
    _, member_h = await make_member()
    mine = await post_action(client, member_h, title="Mon besoin")
    outing = await post_action(client, author_h, **outing_body(auto_accept=True))
    url = f"/api/v1/actions/{outing['id']}/participations"
    assert (await client.post(url, json={}, headers=member_h)).status_code == 201
    _, third_h = await make_member()
    joined = f"/api/v1/actions/{mine['id']}/participations"
    assert (await client.post(joined, json={}, headers=third_h)).status_code == 201

    items = (await (await client.get("/api/v1/me/actions", headers=member_h)).get_json())["items"]
    by_id = {item["id"]: item for item in items}
    assert by_id[mine["id"]]["role"] == "posted" and by_id[mine["id"]]["unread"] == 1
    assert by_id[outing["id"]]["role"] == "joined"
    assert by_id[outing["id"]]["participation_status"] == "accepted"
    assert by_id[outing["id"]]["status"] == "open" and by_id[outing["id"]]["starts_at"]
    assert (await client.get("/api/v1/me/actions")).status_code == 401


async def test_calendar_feed_without_log_in_and_reset(
    client: Any, make_member: MemberFactory
) -> None:
    _, author_h = await make_member()
    _, member_h = await make_member()
    outing = await post_action(client, author_h, **outing_body(auto_accept=True))
    url = f"/api/v1/actions/{outing['id']}/participations"
    assert (await client.post(url, json={}, headers=member_h)).status_code == 201
    me = await (await client.get("/api/v1/me", headers=member_h)).get_json()
    feed = urlsplit(me["calendar_url"]).path
    response = await client.get(feed)  # no Authorization: calendar applications fetch it
    assert response.status_code == 200
    assert response.content_type.startswith("text/calendar")
    calendar = Calendar.from_ical(await response.get_data())
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Café au parc"
    assert str(event["location"]) == "Parc des Buttes-Chaumont"
    assert str(event["url"]).endswith(f"/actions/{outing['id']}")

    reset = await client.post("/api/v1/me/calendar/reset", headers=member_h)
    assert reset.status_code == 200
    fresh = urlsplit((await reset.get_json())["url"]).path
    assert fresh != feed
    assert (await client.get(feed)).status_code == 404  # the old URL stops working
    assert (await client.get(fresh)).status_code == 200
    assert (await client.get("/calendar/nope.ics")).status_code == 404
    assert (await client.post("/api/v1/me/calendar/reset")).status_code == 401
