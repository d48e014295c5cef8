"""The committee is told: a vote opens (every member), a reminder a day before the deadline to
those who have not voted (exactly once), the result, and the facilitators when the quorum is at
risk. Vote links by SMS stay within the node's SMS caps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from node import clock
from node.http_state import EntraideApp
from node.models import ChannelSend
from node.services import sms_caps
from node.services.committee.reminders import send_opening_links, send_reminders
from tests.node.committee_support import reach_deadline, seat, vote
from tests.node.fed_support import call, member, ok

BLOCKS = "/api/v1/admin/federation/blocks"


async def _kinds(app: EntraideApp, headers: dict[str, str]) -> list[tuple[str, str]]:
    body = await ok(app, "GET", "/api/v1/notifications", headers)
    return [(item["kind"], item["text"]) for item in body["items"]]


async def _open_block(app: EntraideApp) -> str:
    _, admin = await member(app, "Admin", admin=True)
    status, body = await call(app, "POST", BLOCKS, admin, json={"domain": "spam.example"})
    assert status == 202, body
    return str(body["proposal"]["id"])


async def test_members_are_told_a_vote_opens_and_its_result(app: EntraideApp) -> None:
    people = await seat(app, 3, quorum=2)
    proposal_id = await _open_block(app)
    for _, headers in people:
        kinds = await _kinds(app, headers)
        assert [k for k, _ in kinds] == ["committee_vote_opened"]
        assert "spam.example" in kinds[0][1]
    body = await ok(app, "GET", "/api/v1/notifications", people[0][1])
    assert body["items"][0]["url"] == f"/committee/proposals/{proposal_id}"
    await vote(app, proposal_id, people[0][1], "for")
    await vote(app, proposal_id, people[1][1], "for")
    assert await reach_deadline(app) == 1
    for _, headers in people:
        kinds = await _kinds(app, headers)
        assert kinds[0][0] == "committee_result"
        assert "approuvé" in kinds[0][1] or "approved" in kinds[0][1]


async def test_reminder_once_to_those_who_have_not_voted_and_quorum_warning(
    app: EntraideApp, sms_outbox: Callable[[], list[dict[str, Any]]]
) -> None:
    people = await seat(app, 3, quorum=3)
    facilitator, bruno, carla = people
    proposal_id = await _open_block(app)
    with app.node.db.activate():
        assert await send_opening_links(app.node) == 1
    assert len(sms_outbox()) == 3  # one vote link each
    await vote(app, proposal_id, bruno[1], "against")
    # Too early: nothing yet.
    with app.node.db.activate():
        assert await send_reminders(app.node) == 0
    app.node.clock.advance(timedelta(days=6, hours=1))
    with app.node.db.activate():
        assert await send_reminders(app.node) == 1
        assert await send_reminders(app.node) == 0  # exactly once, however often the job runs
    assert [k for k, _ in await _kinds(app, carla[1])] == [
        "committee_vote_reminder",
        "committee_vote_opened",
    ]
    assert [k for k, _ in await _kinds(app, bruno[1])] == ["committee_vote_opened"]
    warning = [t for k, t in await _kinds(app, facilitator[1]) if k == "committee_quorum_at_risk"]
    assert len(warning) == 1 and "1" in warning[0] and "3" in warning[0]
    # New links went to the two who have not voted; the warning is texted by the worker.
    links = [m["to"] for m in sms_outbox()[3:]]
    assert sorted(links) == sorted([facilitator[0].phone, carla[0].phone])
    with app.node.db.activate():
        texts = await ChannelSend.filter(channel="sms").prefetch_related("notification")
    assert [(t.notification.kind, t.notification.member_id) for t in texts] == [  # type: ignore[attr-defined]
        ("committee_quorum_at_risk", facilitator[0].id)
    ]


async def test_no_quorum_warning_when_enough_members_voted(app: EntraideApp) -> None:
    people = await seat(app, 2, quorum=1)
    proposal_id = await _open_block(app)
    await vote(app, proposal_id, people[1][1], "for")
    app.node.clock.advance(timedelta(days=6, hours=1))
    with app.node.db.activate():
        assert await send_reminders(app.node) == 1
    assert "committee_quorum_at_risk" not in [k for k, _ in await _kinds(app, people[0][1])]


async def test_vote_links_respect_the_sms_caps(
    app: EntraideApp, sms_outbox: Callable[[], list[dict[str, Any]]]
) -> None:
    people = await seat(app, 2, quorum=1)
    capped = people[1][0]
    assert capped.phone is not None
    with app.node.db.activate():
        for _ in range(3):  # three codes in a quarter of an hour: this number's cap
            await sms_caps.reserve(app.node, capped.phone)
    await _open_block(app)
    with app.node.db.activate():
        assert await send_opening_links(app.node) == 1
    assert [m["to"] for m in sms_outbox()] == [people[0][0].phone]
    # In the app the capped member is still told.
    assert [k for k, _ in await _kinds(app, people[1][1])] == ["committee_vote_opened"]


async def test_meeting_confirmation_code_respects_the_sms_caps(app: EntraideApp) -> None:
    people = await seat(app, 2, quorum=1)
    (_, fac), (awa, _) = people
    proposal_id = await _open_block(app)
    held_at = clock.now().isoformat()
    meeting = await ok(
        app,
        "POST",
        "/api/v1/committee/meetings",
        fac,
        json={"held_at": held_at, "present": [str(awa.id)]},
    )
    assert awa.phone is not None
    with app.node.db.activate():
        for _ in range(3):
            await sms_caps.reserve(app.node, awa.phone)
    status, body = await call(
        app,
        "POST",
        f"/api/v1/committee/meetings/{meeting['id']}/votes",
        fac,
        json={"proposal_id": proposal_id, "member_id": str(awa.id), "choice": "for"},
    )
    assert status == 429, body
