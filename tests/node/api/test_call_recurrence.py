"""A volunteers call may repeat ("every Tuesday 19:00 until March"): an RFC 5545 RRULE on its
first date, bounded, at most daily, at most 100 dates; the API shows its next dates, partners
get the next date as ``startTime`` and the rule in ``recurrence``."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from node import clock
from node.http_state import EntraideApp
from node.models import AssociationRole, OutboxActivity
from tests.conftest import MemberFactory
from tests.factories import call_body, make_association


def _first() -> datetime:
    """Tomorrow at 18:00 UTC (19:00 in Paris in winter)."""
    return (clock.now() + timedelta(days=1)).replace(hour=18, minute=0, second=0, microsecond=0)


async def _coordinator(app: EntraideApp, make_member: MemberFactory) -> tuple[Any, Any]:
    coordinator, headers = await make_member(pseudonym="Coord")
    association = await make_association(app, {coordinator: AssociationRole.COORDINATOR})
    return association, headers


async def test_a_weekly_slot_shows_its_next_dates_and_travels_with_its_rule(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    association, headers = await _coordinator(app, make_member)
    first = _first()
    body = call_body(
        "volunteers",
        association=association,
        starts_at=first.isoformat(),
        ends_at=(first + timedelta(days=40)).isoformat(),
        recurrence="rrule:freq=weekly; count=8",
    )
    response = await client.post("/api/v1/calls", json=body, headers=headers)
    assert response.status_code == 201, await response.get_json()
    call = await response.get_json()
    assert call["recurrence"] == "FREQ=WEEKLY;COUNT=8"
    # 8 weekly dates, but the call ends after 40 days: 6 of them; 5 shown.
    dates = [datetime.fromisoformat(d) for d in call["next_dates"]]
    assert dates == [first + timedelta(weeks=n) for n in range(5)]
    with app.node.db.activate():
        create = await OutboxActivity.get(type="Create")
    obj = create.body["object"]
    assert obj["recurrence"] == (
        f"DTSTART:{first.strftime('%Y%m%dT%H%M%SZ')}\nRRULE:FREQ=WEEKLY;COUNT=8"
    )
    assert datetime.fromisoformat(obj["startTime"].replace("Z", "+00:00")) == first


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"recurrence": "FREQ=WEEKLY"}, "recurrence"),  # unbounded
        ({"recurrence": "FREQ=HOURLY;COUNT=3"}, "recurrence"),  # more than daily
        ({"recurrence": "FREQ=DAILY;BYHOUR=9,18;COUNT=4"}, "recurrence"),  # twice a day
        ({"recurrence": "FREQ=DAILY;COUNT=101"}, "recurrence"),  # more than 100 dates
        ({"recurrence": "FREQ=DAILY;COUNT=2;UNTIL=20270101T000000Z"}, "recurrence"),
        ({"recurrence": "chaque mardi"}, "recurrence"),
        ({"recurrence": "FREQ=WEEKLY;COUNT=x"}, "recurrence"),
        ({"recurrence": "FREQ=WEEKLY;COUNT=3", "starts_at": None}, "starts_at"),
    ],
)
async def test_bad_rules_are_422(
    app: EntraideApp,
    client: Any,
    make_member: MemberFactory,
    overrides: dict[str, Any],
    field: str,
) -> None:
    association, headers = await _coordinator(app, make_member)
    body = call_body("volunteers", association=association, starts_at=_first().isoformat())
    body.update(overrides)
    response = await client.post("/api/v1/calls", json=body, headers=headers)
    problem = await response.get_json()
    assert response.status_code == 422, problem
    assert [e["field"] for e in problem["errors"]] == [field], problem


async def test_only_a_volunteers_call_repeats(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    association, headers = await _coordinator(app, make_member)
    body = call_body(association=association, recurrence="FREQ=WEEKLY;COUNT=3")
    response = await client.post("/api/v1/calls", json=body, headers=headers)
    assert response.status_code == 422
    assert (await response.get_json())["errors"][0]["field"] == "recurrence"
