"""The limits that protect people's attention, as a member lives them: at most N calls a week
from associations they do not follow (followed ones and urgent calls always reach them, and the
week slides), their quiet hours hold a call's SMS until morning (not an urgent one's), a channel
they turned off for a kind stays off, and the node's urgent calls say when the next may go."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from node.models import AssociationRole, ChannelSend, Notification
from tests.conftest import NodeFactory
from tests.factories import PARIS, call_body, make_association, set_area
from tests.factories import make_member as member_in

TZ = ZoneInfo("Europe/Paris")
PREFERENCES = "/api/v1/notifications/preferences"


async def _post(client: Any, headers: Any, **kw: Any) -> Any:
    response = await client.post("/api/v1/calls", json=call_body(**kw), headers=headers)
    assert response.status_code == 201, await response.get_data(as_text=True)
    return response


async def _kinds(app: Any, member: Any) -> list[str]:
    with app.node.db.activate():
        rows = await Notification.filter(member_id=member.id).order_by("id")
    return [row.kind for row in rows]


async def test_the_weekly_allowance_spares_followed_associations_and_slides(
    node_factory: NodeFactory,
) -> None:
    app = await node_factory("week", calls_per_member_week=1, calls_per_association_day=10)
    client = app.test_client()
    coordinator, coord_h = await member_in(app, pseudonym="Coord")
    _, admin_h = await member_in(app, admin=True)
    roles = {coordinator: AssociationRole.COORDINATOR}
    chaleur = await make_association(app, roles, name="Chaleur")
    soupe = await make_association(app, roles, name="Soupe")
    lea, lea_h = await member_in(app, pseudonym="Léa")
    await set_area(client, lea_h, PARIS)
    followed = await client.post(f"/api/v1/associations/{soupe.id}/follow", headers=lea_h)
    assert followed.status_code == 200

    await _post(client, coord_h, association=chaleur, title="Duvets")  # her one of the week
    await _post(client, coord_h, association=soupe, title="Soupe")  # followed: always
    await _post(client, coord_h, association=chaleur, title="Chaussures")  # past the allowance
    await _post(client, admin_h, kind="urgent", title="Grand froid")  # urgent: always
    assert await _kinds(app, lea) == ["call_nearby", "call_followed", "call_urgent"]

    # Seven days after her last nearby call, the week has slid: the next one reaches her.
    app.node.clock.advance(timedelta(days=7, seconds=1))
    ends = (app.node.clock.now() + timedelta(days=3)).isoformat()
    await _post(client, coord_h, association=chaleur, title="Couvertures", ends_at=ends)
    assert (await _kinds(app, lea))[-1] == "call_nearby"


async def test_quiet_hours_and_preferences_hold_for_calls(node_factory: NodeFactory) -> None:
    app = await node_factory("quiet-calls", quiet_hours="22:00-08:00")
    client = app.test_client()
    coordinator, coord_h = await member_in(app, pseudonym="Coord")
    _, admin_h = await member_in(app, admin=True)
    chaleur = await make_association(app, {coordinator: AssociationRole.COORDINATOR})
    awa, awa_h = await member_in(app, pseudonym="Awa")
    bob, bob_h = await member_in(app, pseudonym="Bob")
    for headers in (awa_h, bob_h):
        await set_area(client, headers, PARIS)
    assert (
        await client.patch(PREFERENCES, json={"*": {"sms": True}}, headers=awa_h)
    ).status_code == 200
    no_nearby_sms = {"*": {"sms": True}, "call_nearby": {"sms": False}}
    assert (await client.patch(PREFERENCES, json=no_nearby_sms, headers=bob_h)).status_code == 200

    # 23:00 in Paris: a donations call, then an urgent one.
    local = app.node.clock.now().astimezone(TZ)
    night = local.replace(hour=23, minute=0, second=0, microsecond=0)
    if night <= local:
        night += timedelta(days=1)
    app.node.clock.advance(night - local)
    await _post(client, coord_h, association=chaleur, title="Duvets")
    await _post(client, admin_h, kind="urgent", title="Grand froid")

    with app.node.db.activate():
        sends = await ChannelSend.filter(channel="sms").select_related("notification")
    due = {(s.notification.member_id, s.notification.kind): s.next_attempt_at for s in sends}  # type: ignore[attr-defined]
    morning = (night + timedelta(hours=9)).astimezone(TZ)
    # Awa's SMS of the call waits for 08:00; the urgent one goes at once.
    assert due[(awa.id, "call_nearby")].astimezone(TZ) == morning
    assert due[(awa.id, "call_urgent")] <= app.node.clock.now()
    # Bob turned the SMS of nearby calls off: the call is in his list, no text comes.
    assert (bob.id, "call_nearby") not in due and (bob.id, "call_urgent") in due
    assert await _kinds(app, bob) == ["call_nearby", "call_urgent"]


async def test_the_urgent_limit_says_when_the_next_may_go(node_factory: NodeFactory) -> None:
    app = await node_factory("urgent-limit", urgent_calls_per_day=1)
    client = app.test_client()
    _, admin_h = await member_in(app, admin=True)
    await _post(client, admin_h, kind="urgent", title="Canicule")
    app.node.clock.advance(timedelta(hours=10))
    refused = await client.post(
        "/api/v1/calls", json=call_body("urgent", title="Encore"), headers=admin_h
    )
    assert refused.status_code == 429
    assert "1 urgent calls in the last 24 hours" in (await refused.get_json())["detail"]
    # The first one leaves the 24 hours in 14 hours.
    assert abs(int(refused.headers["Retry-After"]) - 14 * 3600) <= 2
    app.node.clock.advance(timedelta(hours=14, seconds=2))
    await _post(client, admin_h, kind="urgent", title="Encore")
