"""Solidarity places: opening hours read the OSM way (overnight, public holidays, off days,
closure periods, the node's timezone), "full tonight", words, and idempotent imports."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from node.models import Place
from node.services.guide_data.records import PlaceRecord
from node.services.places.hours import Now, check_opening_hours, hours_now, today_ranges
from node.services.places.store import store_record
from node.services.places.words import hours_in_words, ranges_in_words

PARIS_TZ = ZoneInfo("Europe/Paris")


def _place(hours: str, **fields: object) -> Place:
    return Place(name="Halte", opening_hours=hours, lat=48.85, lon=2.35, **fields)


def _at(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS_TZ)  # type: ignore[misc]


def _now(place: Place, at: datetime):  # type: ignore[no-untyped-def]
    return hours_now(place, at, tz="Europe/Paris", country="FR")


def test_a_day_range_is_open_until_its_end_then_opens_the_next_morning() -> None:
    place = _place("Mo-Fr 09:00-12:30,14:00-17:00")
    wednesday = _now(place, _at(2026, 12, 2, 15, 0))
    assert wednesday.state == Now.OPEN and wednesday.closes_at == _at(2026, 12, 2, 17, 0)
    assert hours_in_words(wednesday, _at(2026, 12, 2, 15, 0)) == "ouvert jusqu'à 17 h"
    assert hours_in_words(wednesday, _at(2026, 12, 2, 15, 0), "en") == "open until 5 pm"
    lunch = _now(place, _at(2026, 12, 2, 13, 0))
    assert hours_in_words(lunch, _at(2026, 12, 2, 13, 0)) == "ouvre à 14 h"
    evening = _now(place, _at(2026, 12, 2, 18, 0))
    assert evening.state == Now.CLOSED
    assert hours_in_words(evening, _at(2026, 12, 2, 18, 0)) == "ouvre demain à 9 h"
    friday_night = _now(place, _at(2026, 12, 4, 18, 0))
    assert hours_in_words(friday_night, _at(2026, 12, 4, 18, 0)) == "ouvre lundi à 9 h"
    assert hours_in_words(friday_night, _at(2026, 12, 4, 18, 0), "en") == (
        "opens on Monday at 9 am"
    )


def test_an_overnight_shelter_is_open_after_midnight_and_says_until_tomorrow() -> None:
    shelter = _place("Mo-Su 20:00-08:00")
    late = _now(shelter, _at(2026, 12, 2, 23, 0))
    assert late.state == Now.OPEN and late.closes_at == _at(2026, 12, 3, 8, 0)
    assert hours_in_words(late, _at(2026, 12, 2, 23, 0)) == "ouvert jusqu'à demain 8 h"
    assert _now(shelter, _at(2026, 12, 3, 3, 0)).state == Now.OPEN
    assert _now(shelter, _at(2026, 12, 3, 12, 0)).state == Now.CLOSED


def test_public_holidays_and_off_days() -> None:
    place = _place("Mo-Sa 09:00-17:00; Su off; PH off")
    assert _now(place, _at(2026, 12, 25, 10, 0)).state == Now.CLOSED  # Christmas, a Friday
    assert _now(place, _at(2026, 12, 24, 10, 0)).state == Now.OPEN
    assert _now(place, _at(2026, 12, 6, 10, 0)).state == Now.CLOSED  # a Sunday
    christmas = _now(place, _at(2026, 12, 25, 10, 0))
    assert christmas.opens_at == _at(2026, 12, 26, 9, 0)


def test_the_nodes_timezone_decides() -> None:
    place = _place("Mo-Fr 09:00-17:00")
    # 16:30 UTC is 17:30 in Paris in winter: closed there.
    assert _now(place, datetime(2026, 12, 2, 16, 30, tzinfo=UTC)).state == Now.CLOSED
    assert _now(place, datetime(2026, 12, 2, 15, 30, tzinfo=UTC)).state == Now.OPEN


def test_a_closure_period_wins_over_the_hours_and_says_until_when() -> None:
    place = _place("Mo-Su 09:00-17:00", closed_from=date(2026, 12, 20), closed_to=date(2027, 1, 3))
    now = _now(place, _at(2026, 12, 28, 10, 0))
    assert now.state == Now.CLOSED_FOR_A_PERIOD and now.reopens_on == date(2027, 1, 4)
    assert hours_in_words(now, _at(2026, 12, 28, 10, 0)) == "fermé jusqu'au 3 janvier"
    assert hours_in_words(now, _at(2026, 12, 28, 10, 0), "en") == "closed until 3 January"
    # The day before the closure it opens, but not "tomorrow" inside the closure.
    before = _now(place, _at(2026, 12, 19, 18, 0))
    assert before.opens_at == _at(2027, 1, 4, 9, 0)
    assert today_ranges(place, date(2026, 12, 28), tz="Europe/Paris", country="FR") == []


def test_full_tonight_holds_until_the_next_morning() -> None:
    place = _place("24/7", full_since=_at(2026, 12, 2, 19, 0))
    assert _now(place, _at(2026, 12, 2, 23, 0)).full_tonight
    assert hours_in_words(_now(place, _at(2026, 12, 2, 23, 0)), _at(2026, 12, 2, 23, 0)) == (
        "ouvert 24 h/24 — complet ce soir"
    )
    assert _now(place, _at(2026, 12, 3, 7, 59)).full_tonight
    assert not _now(place, _at(2026, 12, 3, 8, 0)).full_tonight


def test_unknown_and_bad_hours() -> None:
    assert _now(_place(""), _at(2026, 12, 2, 10, 0)).state == Now.UNKNOWN
    assert check_opening_hours("Mo-Fr 09:00-17:00") is None
    problem = check_opening_hours("tous les jours sauf le dimanche")
    assert problem is not None and "opening_hours" in problem


def test_todays_ranges_in_words() -> None:
    place = _place("Mo-Fr 09:00-12:30,14:00-17:00")
    ranges = today_ranges(place, date(2026, 12, 2), tz="Europe/Paris", country="FR")
    assert ranges == [(time(9, 0), time(12, 30)), (time(14, 0), time(17, 0))]
    assert ranges_in_words(ranges) == "9 h – 12 h 30, 14 h – 17 h"
    assert ranges_in_words([]) == "fermé"


def _record(**fields: object) -> PlaceRecord:
    values: dict[str, object] = {
        "source": "dora",
        "source_id": "s-1",
        "name": "Douches municipales",
        "categories": ("shower",),
        "lat": 48.853,
        "lon": 2.349,
        "checked_on": date(2026, 11, 1),
        "opening_hours": "Mo-Sa 08:00-12:00",
    }
    values.update(fields)
    return PlaceRecord(**values)  # type: ignore[arg-type]


async def test_an_import_is_idempotent_on_source_and_id(app) -> None:  # type: ignore[no-untyped-def]
    node = app.node
    with node.db.activate():
        first = await store_record(node, _record())
        again = await store_record(node, _record())
        changed = await store_record(node, _record(opening_hours="Mo-Su 08:00-12:00"))
        assert (first.outcome, again.outcome, changed.outcome) == (
            "created",
            "unchanged",
            "updated",
        )
        assert await Place.all().count() == 1
        place = await Place.get(source="dora", source_id="s-1")
        assert place.opening_hours == "Mo-Su 08:00-12:00" and place.h3_r7
