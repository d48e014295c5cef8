"""Retention: exact place, note and pseudonym are purged a configurable time after a round ends
(48 h by default); cells, counts and coarse visits remain. The purge runs in the worker and is
driven here with the node's clock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from node.http_state import EntraideApp
from node.models import Encounter, Round, Visit
from node.settings import Settings, SettingsError, load_settings
from node.worker.periodic import run_jobs_once
from tests.factories import Cast, make_cast, record, started_round
from tests.node.services.test_rounds import make_cast_for

NOTE = "à revoir, a perdu ses papiers"


@pytest.fixture
async def cast(app: EntraideApp, make_member: Any) -> Cast:
    return await make_cast(app)


async def _round_with_encounter(client: Any, cast: Cast) -> str:
    round_ = await started_round(client, cast)
    response = await record(
        client, cast, round_["id"], note=NOTE, pseudonym="Lulu", consent=True, asleep=True
    )
    assert response.status_code == 201
    return str(round_["id"])


async def _encounters(client: Any, cast: Cast, round_id: str) -> list[dict[str, Any]]:
    response = await client.get(f"/api/v1/rounds/{round_id}/encounters", headers=cast.h("coord"))
    return (await response.get_json())["items"]  # type: ignore[no-any-return]


async def test_details_are_purged_48_hours_after_the_end(
    client: Any, cast: Cast, app: EntraideApp
) -> None:
    rid = await _round_with_encounter(client, cast)
    app.node.clock.advance(timedelta(hours=1))
    await client.post(f"/api/v1/rounds/{rid}/end", headers=cast.h("vol"))
    with app.node.db.activate():
        app.node.clock.advance(timedelta(hours=47, minutes=59))
        assert (await run_jobs_once(app.node))["purge_encounter_details"] == 0
        [kept] = await _encounters(client, cast, rid)
        assert kept["note"] == NOTE and kept["lat"] is not None and kept["purged_at"] is None
        app.node.clock.advance(timedelta(minutes=2))
        assert (await run_jobs_once(app.node))["purge_encounter_details"] == 1
        assert (await run_jobs_once(app.node))["purge_encounter_details"] == 0  # idempotent
        raw = await app.node.db.context.db().execute_query_dict(
            "SELECT place_ct, note_ct, pseudonym_ct, cell, items, asleep FROM outreach_encounter"
        )
        assert await Visit.all().count() == 1
        assert (await Round.get(id=rid)).details_purged_at is not None
    [row] = raw
    assert row["place_ct"] is None and row["note_ct"] is None and row["pseudonym_ct"] is None
    assert row["cell"] and row["items"] == "meal,hot_drink" and row["asleep"]
    [purged] = await _encounters(client, cast, rid)
    assert purged["lat"] is None and purged["lon"] is None
    assert purged["note"] is None and purged["pseudonym"] is None
    assert purged["purged_at"] is not None and purged["consent_recorded_at"] is not None
    assert purged["cell"] and purged["items"] == ["meal", "hot_drink"] and purged["asleep"]
    report = await (
        await client.get(f"/api/v1/rounds/{rid}/report", headers=cast.h("vol"))
    ).get_json()
    assert report["encounters"] == 1 and report["items"]["meal"] == 1 and report["asleep"] == 1


async def test_an_open_round_keeps_its_details(client: Any, cast: Cast, app: EntraideApp) -> None:
    rid = await _round_with_encounter(client, cast)
    with app.node.db.activate():
        app.node.clock.advance(timedelta(hours=3))
        assert (await run_jobs_once(app.node))["purge_encounter_details"] == 0
    assert (await _encounters(client, cast, rid))[0]["note"] == NOTE


async def test_an_auto_closed_round_is_purged_from_its_deadline(
    client: Any, cast: Cast, app: EntraideApp
) -> None:
    rid = await _round_with_encounter(client, cast)
    with app.node.db.activate():
        app.node.clock.advance(timedelta(hours=10))  # closed at start + 4 h by the first pass
        results = await run_jobs_once(app.node)
        assert results["close_overdue_rounds"] == 1 and results["purge_encounter_details"] == 0
        app.node.clock.advance(timedelta(hours=4 + 48 - 10, minutes=-1))
        assert (await run_jobs_once(app.node))["purge_encounter_details"] == 0
        app.node.clock.advance(timedelta(minutes=2))
        assert (await run_jobs_once(app.node))["purge_encounter_details"] == 1
        assert (await Encounter.get(round_id=rid)).note_ct is None


async def test_the_retention_is_configurable(node_factory: Any, make_member: Any) -> None:
    app = await node_factory("brief", encounter_retention_hours=2)
    cast = await make_cast_for(app, make_member)
    client = app.test_client()
    rid = await _round_with_encounter(client, cast)
    await client.post(f"/api/v1/rounds/{rid}/end", headers=cast.h("vol"))
    with app.node.db.activate():
        app.node.clock.advance(timedelta(hours=1, minutes=59))
        assert (await run_jobs_once(app.node))["purge_encounter_details"] == 0
        app.node.clock.advance(timedelta(minutes=2))
        assert (await run_jobs_once(app.node))["purge_encounter_details"] == 1


def test_outreach_settings_are_checked(tmp_path: Any) -> None:
    defaults = Settings(data_dir=tmp_path, secret_key="x")
    assert defaults.round_auto_close_hours == 4
    assert defaults.encounter_retention_hours == 48
    assert defaults.coordination_window_hours == 12
    for name, value in (
        ("round_auto_close_hours", 0),
        ("encounter_retention_hours", -1),
        ("coordination_window_hours", 100),
    ):
        with pytest.raises(SettingsError, match=name.upper()):
            load_settings(data_dir=tmp_path, **{name: value})
