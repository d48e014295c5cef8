"""A repeating volunteers call across two nodes: the call's node sends each coming date with
what it still wants (``callOccurrences``); a partner's member answers per date, one ``Join``
per date with that ``startTime``; the call's node counts each date on its own, and a ``Join``
without a date (a Mastodon-like sender, an older node) counts for the next date; a date that
is not one of the call's is refused; withdrawing one date is the ``Undo`` of its ``Join``."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from federation.errors import ParseError
from federation.parse import parse_activity
from node import clock, sql
from node.http_state import EntraideApp
from node.models import AnswerStatus, CallAnswer, InboxItem, OutboxActivity
from tests.conftest import NodeFactory
from tests.factories import PARIS, call_body, set_area
from tests.fedtools import settle
from tests.node.fed_support import call, calls_partners, member, ok


def _z(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


async def _inject(app: EntraideApp, activity: dict[str, Any]) -> None:
    """``activity`` as if its actor had delivered it (already verified), then processed."""
    obj = parse_activity(activity).embedded_object
    with app.node.db.activate():
        await sql.insert_inbox_item(
            activity_id=activity["id"],
            actor_iri=activity["actor"],
            type=activity["type"],
            object_type=obj.type_name if obj is not None else None,
            body=activity,
            now=clock.now(),
        )
    await settle(app)


async def _left(app: EntraideApp, call_id: str, headers: dict[str, str]) -> list[Any]:
    seen = await ok(app, "GET", f"/api/v1/calls/{call_id}", headers)
    return [(o["places_left"], o["coming"]) for o in seen["occurrences"]]


async def test_a_partner_member_answers_per_date(node_factory: NodeFactory) -> None:
    nodes = await calls_partners(node_factory)
    paris, lyon, apps = nodes.paris, nodes.lyon, nodes.apps
    coord_h, association = nodes.coord_h, nodes.association
    first = (clock.now() + timedelta(days=1, hours=1)).replace(second=0, microsecond=0)
    d = [first + timedelta(days=n) for n in range(3)]
    body = call_body(
        "volunteers",
        association=association,
        people=1,
        starts_at=first.isoformat(),
        ends_at=(first + timedelta(days=5)).isoformat(),
        recurrence="FREQ=DAILY;COUNT=3",
    )
    posted = await ok(paris, "POST", "/api/v1/calls", coord_h, json=body)
    await settle(*apps)
    with paris.node.db.activate():
        create = await OutboxActivity.get(type="Create")
    assert create.body["object"]["callOccurrences"] == [
        {"startTime": _z(x), "remaining": 1} for x in d
    ]

    nadia, nadia_h = await member(lyon, "Nadia")
    await set_area(lyon.test_client(), nadia_h, PARIS)
    _, leo_h = await member(lyon, "Léo")
    await set_area(lyon.test_client(), leo_h, PARIS)
    near = await ok(lyon, "GET", "/api/v1/calls", nadia_h)
    mirror = near["items"][0]
    assert [(o["places"], o["places_left"]) for o in mirror["occurrences"]] == [(1, 1)] * 3
    url = f"/api/v1/calls/{mirror['id']}/answers"
    await ok(lyon, "POST", url, nadia_h, json={"dates": [_z(d[1]), _z(d[2])]})
    await settle(*apps)

    # One Join per date, each with its startTime; Paris counts each date on its own.
    with lyon.node.db.activate():
        joins = await OutboxActivity.filter(type="Join").order_by("id")
    assert sorted(j.body["startTime"] for j in joins) == [_z(d[1]), _z(d[2])]
    assert await _left(paris, posted["id"], coord_h) == [(1, False), (0, False), (0, False)]
    listed = await ok(paris, "GET", f"/api/v1/calls/{posted['id']}/answers", coord_h)
    assert [(r["pseudonym"], datetime.fromisoformat(r["date"])) for r in listed["items"]] == [
        ("Nadia", d[1]),
        ("Nadia", d[2]),
    ]
    # Lyon hears the per-date places back, and Nadia's answers counted.
    assert await _left(lyon, mirror["id"], nadia_h) == [(1, False), (0, True), (0, True)]
    with lyon.node.db.activate():
        rows = await CallAnswer.filter(member_id=nadia.id, status=AnswerStatus.ACTIVE)
    assert len(rows) == 2 and all(row.confirmed_at is not None for row in rows)
    # A full date refuses on Lyon already, from Paris's figures.
    status, problem = await call(lyon, "POST", url, leo_h, json={"dates": [_z(d[1])]})
    assert status == 409, problem

    # A date that is not one of the call's: refused as invalid, with a Reject.
    stray = {**joins[0].body, "id": f"{joins[0].body['id']}-stray", "respondent": "stray12345"}
    stray["startTime"] = _z(d[0] + timedelta(hours=3))
    await _inject(paris, stray)
    with paris.node.db.activate():
        refused = await CallAnswer.get(activity_id=stray["id"])
        reject = await OutboxActivity.get(type="Reject")
    assert (refused.status, refused.refusal) == (AnswerStatus.REFUSED, "invalid")
    assert reject.body["refusalReason"] == "invalid"

    # A Join without a date (a Mastodon-like sender): counted for the next date.
    undated = {k: v for k, v in joins[0].body.items() if k != "startTime"}
    undated.update(id=f"{joins[0].body['id']}-undated", respondent="mastodonlike1")
    await _inject(paris, undated)
    assert await _left(paris, posted["id"], coord_h) == [(0, False), (0, False), (0, False)]
    assert (await ok(paris, "GET", f"/api/v1/calls/{posted['id']}", coord_h))["status"] == "full"
    # Nadia withdraws one date: the Undo of that Join only; Paris reopens the call.
    await settle(*apps)
    gone = await call(lyon, "DELETE", f"{url}/me", nadia_h, query_string={"date": _z(d[1])})
    assert gone[0] == 204, gone
    await settle(*apps)
    with lyon.node.db.activate():
        undo = await OutboxActivity.get(type="Undo")
    assert undo.body["object"]["id"] in {j.body["id"] for j in joins}
    assert await _left(paris, posted["id"], coord_h) == [(0, False), (1, False), (0, False)]
    assert (await ok(paris, "GET", f"/api/v1/calls/{posted['id']}", coord_h))["status"] == "open"
    assert await _left(lyon, mirror["id"], nadia_h) == [(0, False), (1, False), (0, True)]
    await ok(lyon, "POST", url, leo_h, json={"dates": [_z(d[1])]})
    await settle(*apps)
    assert await _left(paris, posted["id"], coord_h) == [(0, False), (0, False), (0, False)]
    with paris.node.db.activate():
        assert await InboxItem.filter(type="Join", status="ignored").count() == 0


async def test_a_partner_cannot_claim_more_places_than_its_call_wants(
    node_factory: NodeFactory,
) -> None:
    """``callOccurrences`` is read as the partner's word, within bounds: a date's places are
    at most the people the call wants, a date that does not read is left out, and a list
    longer than a call's 100 dates does not read (the inbox refuses it)."""
    nodes = await calls_partners(node_factory)
    paris, lyon, apps = nodes.paris, nodes.lyon, nodes.apps
    coord_h, association = nodes.coord_h, nodes.association
    first = (clock.now() + timedelta(days=1, hours=1)).replace(second=0, microsecond=0)
    d = [first + timedelta(days=n) for n in range(3)]
    body = call_body(
        "volunteers",
        association=association,
        people=2,
        starts_at=first.isoformat(),
        ends_at=(first + timedelta(days=5)).isoformat(),
        recurrence="FREQ=DAILY;COUNT=3",
    )
    await ok(paris, "POST", "/api/v1/calls", coord_h, json=body)
    await settle(*apps)
    with paris.node.db.activate():
        create = await OutboxActivity.get(type="Create")
    _, nadia_h = await member(lyon, "Nadia")
    await set_area(lyon.test_client(), nadia_h, PARIS)
    mirror = (await ok(lyon, "GET", "/api/v1/calls", nadia_h))["items"][0]

    def update(n: int, occurrences: list[Any]) -> dict[str, Any]:
        obj = {**create.body["object"], "callOccurrences": occurrences}
        obj["updated"] = _z(clock.now() + timedelta(seconds=n))
        return {**create.body, "id": f"{create.body['id']}-u{n}", "type": "Update", "object": obj}

    claimed = [
        {"startTime": _z(d[0]), "remaining": 99},
        {"startTime": "mardi", "remaining": 1},
        {"startTime": _z(d[2]), "remaining": 1},
    ]
    await _inject(lyon, update(1, claimed))
    left = await ok(lyon, "GET", f"/api/v1/calls/{mirror['id']}", nadia_h)
    # 99 is at most the 2 people; the date that did not read, d[1], has no place.
    assert [o["places_left"] for o in left["occurrences"]] == [2, 0, 1]
    status, problem = await call(
        lyon, "POST", f"/api/v1/calls/{mirror['id']}/answers", nadia_h, json={"dates": [_z(d[1])]}
    )
    assert status == 409, problem

    too_long = [{"startTime": _z(d[0]), "remaining": 1}] * 101
    with pytest.raises(ParseError):
        parse_activity(update(2, too_long))
