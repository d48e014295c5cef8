"""A repeating volunteers call is answered per date: a member says which dates they come, each
date has its own places and fills on its own, a full date refuses (409) while the others stay
open, and the call is full only once every date still to come is."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from node import clock
from node.http_state import EntraideApp
from node.models import AssociationRole, CallAnswer, CallItem, CallPledge, Notification
from tests.conftest import MemberFactory
from tests.factories import call_body, make_association


def _first(days: int = 1) -> datetime:
    """In ``days`` days and an hour, to the minute."""
    return (clock.now() + timedelta(days=days, hours=1)).replace(second=0, microsecond=0)


def _z(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


async def _daily_call(
    app: EntraideApp, client: Any, make_member: MemberFactory, *, people: int, first: datetime
) -> tuple[dict[str, Any], Any]:
    coordinator, headers = await make_member(pseudonym="Coord")
    association = await make_association(app, {coordinator: AssociationRole.COORDINATOR})
    body = call_body(
        "volunteers",
        association=association,
        people=people,
        starts_at=first.isoformat(),
        ends_at=(first + timedelta(days=10)).isoformat(),
        recurrence="FREQ=DAILY;COUNT=4",
    )
    response = await client.post("/api/v1/calls", json=body, headers=headers)
    assert response.status_code == 201, await response.get_json()
    return await response.get_json(), headers


async def _dates(client: Any, call: dict[str, Any], headers: Any = None) -> list[tuple[Any, ...]]:
    seen = await (await client.get(f"/api/v1/calls/{call['id']}", headers=headers)).get_json()
    return [
        (datetime.fromisoformat(o["starts_at"]), o["places_left"], o["coming"])
        for o in seen["occurrences"]
    ]


async def test_each_date_fills_on_its_own_and_withdrawal_is_per_date(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    first = _first()
    d = [first + timedelta(days=n) for n in range(4)]
    call, coordinator = await _daily_call(app, client, make_member, people=2, first=first)
    assert [(o["places"], o["places_left"]) for o in call["occurrences"]] == [(2, 2)] * 4
    url = f"/api/v1/calls/{call['id']}/answers"
    _, lea = await make_member(pseudonym="Léa")
    _, omar = await make_member(pseudonym="Omar")
    _, zoe = await make_member(pseudonym="Zoé")

    came = await client.post(url, json={"dates": [_z(d[1]), _z(d[0])]}, headers=lea)
    assert came.status_code == 201, await came.get_json()
    shown = await came.get_json()
    assert shown["answers"] == 1 and shown["items"][0]["remaining"] == 1
    assert await _dates(client, call, lea) == [
        (d[0], 1, True),
        (d[1], 1, True),
        (d[2], 2, False),
        (d[3], 2, False),
    ]
    # No date given: the next one. It is now full, the call is still open.
    by_default = await client.post(url, json={}, headers=omar)
    assert by_default.status_code == 201
    assert (await by_default.get_json())["status"] == "open"
    assert [left for _, left, _ in await _dates(client, call)] == [0, 1, 2, 2]
    # A full date refuses, and nothing of that answer is kept (its other date stays at 2).
    full = await client.post(url, json={"dates": [_z(d[2]), _z(d[0])]}, headers=zoe)
    assert full.status_code == 409 and "full" in (await full.get_json())["detail"]
    assert [left for _, left, _ in await _dates(client, call)] == [0, 1, 2, 2]
    again = await client.post(url, json={"dates": [_z(d[1])]}, headers=lea)
    assert again.status_code == 409
    assert (await client.post(url, json={"dates": [_z(d[2])]}, headers=zoe)).status_code == 201

    # The association sees who comes on which date, by pseudonym; each person counts once.
    listed = await (await client.get(url, headers=coordinator)).get_json()
    assert [(r["pseudonym"], datetime.fromisoformat(r["date"])) for r in listed["items"]] == [
        ("Léa", d[0]),
        ("Omar", d[0]),
        ("Léa", d[1]),
        ("Zoé", d[2]),
    ]
    assert (await (await client.get(f"/api/v1/calls/{call['id']}")).get_json())["answers"] == 3

    # Withdrawing one date keeps the others.
    one = await client.delete(f"{url}/me", query_string={"date": _z(d[0])}, headers=lea)
    assert one.status_code == 204
    assert await _dates(client, call, lea) == [
        (d[0], 1, False),
        (d[1], 1, True),
        (d[2], 1, False),
        (d[3], 2, False),
    ]
    gone = await client.delete(f"{url}/me", query_string={"date": _z(d[0])}, headers=lea)
    assert gone.status_code == 404
    # No date: every date still to come.
    assert (await client.delete(f"{url}/me", headers=lea)).status_code == 204
    assert [(left, mine) for _, left, mine in await _dates(client, call, lea)] == [
        (1, False),
        (2, False),
        (1, False),
        (2, False),
    ]
    assert (await client.delete(f"{url}/me", headers=lea)).status_code == 404


async def test_the_call_is_full_only_when_every_coming_date_is(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    first = _first()
    d = [_z(first + timedelta(days=n)) for n in range(4)]
    call, _ = await _daily_call(app, client, make_member, people=1, first=first)
    url = f"/api/v1/calls/{call['id']}/answers"
    _, lea = await make_member()
    _, omar = await make_member()
    three = await client.post(url, json={"dates": d[:3]}, headers=lea)
    assert (await three.get_json())["status"] == "open"
    last = await client.post(url, json={"dates": [d[3]]}, headers=omar)
    assert (await last.get_json())["status"] == "full"
    refused = await client.post(url, json={"dates": [d[1]]}, headers=omar)
    assert refused.status_code == 409
    # One date freed: the call opens again, for that date only.
    assert (
        await client.delete(f"{url}/me", query_string={"date": d[1]}, headers=lea)
    ).status_code == 204
    reopened = await (await client.get(f"/api/v1/calls/{call['id']}")).get_json()
    assert reopened["status"] == "open"
    assert (await client.post(url, json={"dates": [d[2]]}, headers=omar)).status_code == 409
    back = await client.post(url, json={"dates": [d[1]]}, headers=omar)
    assert (await back.get_json())["status"] == "full"


async def test_someone_coming_on_several_dates_is_told_and_thanked_once(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    first = _first()
    call, coordinator = await _daily_call(app, client, make_member, people=3, first=first)
    url = f"/api/v1/calls/{call['id']}/answers"
    lea, lea_headers = await make_member()
    dates = [_z(first + timedelta(days=n)) for n in range(3)]
    assert (await client.post(url, json={"dates": dates}, headers=lea_headers)).status_code == 201
    edited = await client.patch(
        f"/api/v1/calls/{call['id']}", json={"place_name": "Gymnase"}, headers=coordinator
    )
    assert edited.status_code == 200
    with app.node.db.activate():
        told = await Notification.filter(member_id=lea.id, kind="call_changed").count()
    assert told == 1
    thanks = await client.post(
        f"/api/v1/calls/{call['id']}/thanks", json={"message": "Merci !"}, headers=coordinator
    )
    assert (await thanks.get_json())["thanked"] == 1


@pytest.mark.parametrize(
    ("dates", "words"),
    [
        pytest.param(
            lambda d: [_z(d[2] + timedelta(hours=1))],
            "not one of this call's dates",
            id="not-of-it",
        ),
        pytest.param(lambda d: [_z(d[0])], "is past", id="past"),
        pytest.param(lambda d: [_z(d[1]), _z(d[1])], "each date once", id="twice"),
        pytest.param(
            lambda d: [_z(d[1] + timedelta(days=n)) for n in range(101)], "100", id="too-many"
        ),
        pytest.param(lambda d: ["mardi"], "datetime", id="not-a-time"),
    ],
)
async def test_bad_dates_are_422(
    app: EntraideApp, client: Any, make_member: MemberFactory, dates: Any, words: str
) -> None:
    # The first date was yesterday: it is past, the three others are still to come.
    first = _first(days=-1)
    call, _ = await _daily_call(app, client, make_member, people=2, first=first)
    assert len(call["occurrences"]) == 3
    _, lea = await make_member()
    d = [first + timedelta(days=n) for n in range(4)]
    response = await client.post(
        f"/api/v1/calls/{call['id']}/answers", json={"dates": dates(d)}, headers=lea
    )
    problem = await response.get_json()
    assert response.status_code == 422, problem
    assert problem["errors"][0]["field"].startswith("dates"), problem
    assert words in problem["errors"][0]["message"], problem
    assert [left for _, left, _ in await _dates(client, call)] == [2, 2, 2]


async def test_withdrawing_a_past_date_or_from_a_call_without_dates_is_422(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    first = _first(days=-1)
    call, coordinator = await _daily_call(app, client, make_member, people=2, first=first)
    url = f"/api/v1/calls/{call['id']}/answers"
    _, lea = await make_member()
    assert (await client.post(url, json={}, headers=lea)).status_code == 201
    past = await client.delete(f"{url}/me", query_string={"date": _z(first)}, headers=lea)
    assert past.status_code == 422
    bad = await client.delete(f"{url}/me", query_string={"date": "mardi"}, headers=lea)
    assert bad.status_code in (400, 422)
    # A call that does not repeat has no dates to choose, to come or to withdraw.
    once = await client.post(
        "/api/v1/calls",
        json=call_body("volunteers", association_id=call["association_id"]),
        headers=coordinator,
    )
    once_url = f"/api/v1/calls/{(await once.get_json())['id']}/answers"
    tomorrow = _z(_first())
    dated = await client.post(once_url, json={"dates": [tomorrow]}, headers=lea)
    assert dated.status_code == 422
    assert (await dated.get_json())["errors"][0]["field"] == "dates"
    assert (await client.post(once_url, json={}, headers=lea)).status_code == 201
    undated = await client.delete(f"{once_url}/me", query_string={"date": tomorrow}, headers=lea)
    assert undated.status_code == 422
    assert (await client.delete(f"{once_url}/me", headers=lea)).status_code == 204


async def test_a_call_whose_dates_are_all_past_takes_no_answer(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    first = _first(days=-5)
    call, _ = await _daily_call(app, client, make_member, people=2, first=first)
    assert call["occurrences"] == [] and call["status"] == "open"
    _, lea = await make_member()
    response = await client.post(f"/api/v1/calls/{call['id']}/answers", json={}, headers=lea)
    assert response.status_code == 422
    assert (await response.get_json())["errors"][0]["field"] == "dates"


async def test_changing_a_repeating_call_keeps_the_dates_people_come_on(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    first = _first()
    call, coordinator = await _daily_call(app, client, make_member, people=2, first=first)
    url = f"/api/v1/calls/{call['id']}"
    item = call["items"][0]["id"]
    _, lea = await make_member()
    _, omar = await make_member()
    second = _z(first + timedelta(days=1))
    for headers in (lea, omar):
        came = await client.post(f"{url}/answers", json={"dates": [second]}, headers=headers)
        assert came.status_code == 201
    # Two people come on the second date: each date still wants at least two.
    fewer = await client.patch(
        url, json={"quantities": [{"item_id": item, "wanted": 1}]}, headers=coordinator
    )
    assert fewer.status_code == 422
    # Moving the dates would leave out the one they come on.
    moved = await client.patch(
        url, json={"starts_at": (first + timedelta(hours=2)).isoformat()}, headers=coordinator
    )
    assert moved.status_code == 409
    assert "Someone comes on a date" in (await moved.get_json())["detail"]
    shorter = await client.patch(
        url, json={"ends_at": (first + timedelta(hours=2)).isoformat()}, headers=coordinator
    )
    assert shorter.status_code == 409
    # Ending later keeps every date: fine.
    longer = await client.patch(
        url, json={"ends_at": (first + timedelta(days=20)).isoformat()}, headers=coordinator
    )
    assert longer.status_code == 200
    more = await client.patch(
        url, json={"quantities": [{"item_id": item, "wanted": 3}]}, headers=coordinator
    )
    assert more.status_code == 200
    assert [left for _, left, _ in await _dates(client, call)] == [3, 1, 3, 3]


async def test_an_answer_for_every_date_given_before_dates_could_be_chosen(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    """Such an answer counts on every date; leaving one date keeps the others."""
    first = _first()
    d = [first + timedelta(days=n) for n in range(4)]
    call, coordinator = await _daily_call(app, client, make_member, people=2, first=first)
    lea, lea_headers = await make_member(pseudonym="Léa")
    with app.node.db.activate():
        item = await CallItem.get(call_id=call["id"])
        series = await CallAnswer.create(call_id=call["id"], member=lea, created_at=clock.now())
        await CallPledge.create(answer=series, item=item, quantity=1)
        item.remaining -= 1
        await item.save()
    assert await _dates(client, call, lea_headers) == [(x, 1, True) for x in d]
    url = f"/api/v1/calls/{call['id']}/answers"
    twice = await client.post(url, json={"dates": [_z(d[1])]}, headers=lea_headers)
    assert twice.status_code == 409
    left = await client.delete(f"{url}/me", query_string={"date": _z(d[1])}, headers=lea_headers)
    assert left.status_code == 204
    assert await _dates(client, call, lea_headers) == [
        (d[0], 1, True),
        (d[1], 2, False),
        (d[2], 1, True),
        (d[3], 1, True),
    ]
    listed = await (await client.get(url, headers=coordinator)).get_json()
    assert [datetime.fromisoformat(r["date"]) for r in listed["items"]] == [d[0], d[2], d[3]]
    assert (await client.delete(f"{url}/me", headers=lea_headers)).status_code == 204
    assert await _dates(client, call, lea_headers) == [(x, 2, False) for x in d]
