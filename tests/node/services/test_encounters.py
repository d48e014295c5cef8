"""Encounters: who records them, validation, encryption at rest, and the "already visited"
warning that keeps a sleeping person from being woken twice."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from node import clock
from node.http_state import EntraideApp
from node.models import Encounter, Visit
from node.services.crypto import DecryptionError, FieldCipher
from node.services.visits import VISIT_TIME_STEP, coarse_time
from tests.conftest import PG_URL
from tests.factories import NORTH, Cast, make_cast, planned_round, record, started_round

SECRET_NOTE = "Monsieur R., jambe blessée, revoir jeudi"
SECRET_NAME = "Rachid-du-canal"


@pytest.fixture
async def cast(app: EntraideApp, make_member: Any) -> Cast:
    return await make_cast(app)


def _align_clock(app: EntraideApp) -> None:
    """Move the node's clock to the start of the next 5-minute step (visit times are rounded)."""
    now = app.node.clock.now()
    app.node.clock.advance(coarse_time(now) + VISIT_TIME_STEP - now)


async def test_record_and_read_back_an_encounter(client: Any, cast: Cast) -> None:
    round_ = await started_round(client, cast)
    response = await record(
        client,
        cast,
        round_["id"],
        items=["meal", "blanket", "meal"],
        asleep=True,
        needs_follow_up=True,
        note=SECRET_NOTE,
        pseudonym=SECRET_NAME,
        consent=True,
    )
    body = await response.get_json()
    assert response.status_code == 201, body
    encounter = body["encounter"]
    assert encounter["items"] == ["meal", "blanket"]
    assert encounter["asleep"] is True and encounter["needs_follow_up"] is True
    assert encounter["note"] == SECRET_NOTE and encounter["pseudonym"] == SECRET_NAME
    assert encounter["consent_recorded_at"] is not None
    assert (encounter["lat"], encounter["lon"]) == NORTH
    assert len(encounter["cell"]) == 15 and body["warnings"] == []
    # every member of the association reads it back, decrypted
    listing = await client.get(f"/api/v1/rounds/{round_['id']}/encounters", headers=cast.h("vol2"))
    [item] = (await listing.get_json())["items"]
    assert item["note"] == SECRET_NOTE and item["pseudonym"] == SECRET_NAME
    assert (item["lat"], item["lon"]) == NORTH


async def test_without_pseudonym_no_consent_is_recorded(client: Any, cast: Cast) -> None:
    round_ = await started_round(client, cast)
    body = await (await record(client, cast, round_["id"])).get_json()
    assert body["encounter"]["pseudonym"] is None
    assert body["encounter"]["consent_recorded_at"] is None
    assert body["encounter"]["note"] is None


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("vol", 201),
        ("coord", 201),
        ("admin", 201),
        ("vol2", 403),  # member of the association, not on the team
        ("other_coord", 404),
        ("pending_coord", 403),
        ("resident", 403),
        ("node_admin", 403),
        ("unverified", 403),
    ],
)
async def test_who_records(client: Any, cast: Cast, who: str, status: int) -> None:
    round_ = await started_round(client, cast)
    assert (await record(client, cast, round_["id"], who=who)).status_code == status


async def test_recording_needs_a_started_round(client: Any, cast: Cast) -> None:
    planned = await planned_round(client, cast)
    assert (await record(client, cast, planned["id"])).status_code == 409
    round_ = await started_round(client, cast)
    await client.post(f"/api/v1/rounds/{round_['id']}/end", headers=cast.h("vol"))
    assert (await record(client, cast, round_["id"])).status_code == 409
    unknown = "00000000-0000-4000-8000-000000000000"
    assert (await record(client, cast, unknown)).status_code == 404
    response = await client.post(
        f"/api/v1/rounds/{round_['id']}/encounters", json={"lat": NORTH[0], "lon": NORTH[1]}
    )
    assert response.status_code == 401


async def test_encounter_validation(client: Any, cast: Cast) -> None:
    round_ = await started_round(client, cast)
    rid = round_["id"]
    before_start = (clock.now() - timedelta(hours=1)).isoformat()
    cases: list[dict[str, Any]] = [
        {"lat": 91},
        {"lon": -181},
        {"lat": "north"},
        {"items": ["caviar"]},
        {"items": "meal"},
        {"note": "x" * 2001},
        {"pseudonym": "x" * 51},
        {"pseudonym": SECRET_NAME},  # no consent
        {"pseudonym": SECRET_NAME, "consent": False},
        {"occurred_at": before_start},
        {"occurred_at": (clock.now() + timedelta(hours=1)).isoformat()},
        {"occurred_at": "2026-12-01T21:00:00"},  # no time zone
        {"photo": "…"},  # unknown field
    ]
    for override in cases:
        response = await record(client, cast, rid, **override)
        assert response.status_code == 422, override
        assert response.mimetype == "application/problem+json"
    response = await client.post(
        f"/api/v1/rounds/{rid}/encounters",
        data="[1, 2",
        headers={**cast.h("vol"), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert (await record(client, cast, rid, note="x" * 1_100_000)).status_code == 413
    with cast.app.node.db.activate():
        assert await Encounter.all().count() == 0
        assert await Visit.all().count() == 0


async def test_details_are_encrypted_in_the_raw_database(
    client: Any, cast: Cast, app: EntraideApp
) -> None:
    round_ = await started_round(client, cast)
    response = await record(
        client, cast, round_["id"], note=SECRET_NOTE, pseudonym=SECRET_NAME, consent=True
    )
    encounter_id = (await response.get_json())["encounter"]["id"]
    with app.node.db.activate():
        connection = app.node.db.context.db()
        rows = await connection.execute_query_dict(
            "SELECT place_ct, note_ct, pseudonym_ct, cell FROM outreach_encounter"
        )
    [row] = rows
    for column in ("place_ct", "note_ct", "pseudonym_ct"):
        assert row[column].startswith("v1:"), column
    raw = repr(rows)
    for secret in (SECRET_NOTE, SECRET_NAME, "Rachid", f"{NORTH[0]}", "48.88", "2.355"):
        assert secret not in raw
    if not PG_URL:  # nothing readable anywhere in the database files either
        path = Path(app.node.settings.database_url[len("sqlite://") :])
        data = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*") if p.is_file())
        assert SECRET_NOTE.encode() not in data and SECRET_NAME.encode() not in data
    # ciphertexts are bound to their row and column: moving them breaks authentication
    cipher = FieldCipher(app.node.secret)
    eid = uuid.UUID(encounter_id)
    assert cipher.decrypt(row["note_ct"], row_id=eid, column="note") == SECRET_NOTE
    with pytest.raises(DecryptionError):
        cipher.decrypt(row["note_ct"], row_id=uuid.uuid4(), column="note")
    with pytest.raises(DecryptionError):
        cipher.decrypt(row["note_ct"], row_id=eid, column="pseudonym")
    with pytest.raises(DecryptionError):
        FieldCipher(b"another node's secret").decrypt(row["note_ct"], row_id=eid, column="note")
    with pytest.raises(DecryptionError):
        cipher.decrypt("v0:" + row["note_ct"][3:], row_id=eid, column="note")
    with pytest.raises(DecryptionError):
        cipher.decrypt(row["note_ct"][:-4] + "AAAA", row_id=eid, column="note")


def test_same_plaintext_gives_different_ciphertexts() -> None:
    cipher = FieldCipher(b"secret")
    rid = uuid.uuid4()
    first = cipher.encrypt("48.88,2.35", row_id=rid, column="place")
    assert first != cipher.encrypt("48.88,2.35", row_id=rid, column="place")
    with pytest.raises(ValueError):
        FieldCipher(b"")


async def test_warning_when_another_team_visited_the_cell(
    app: EntraideApp, client: Any, cast: Cast
) -> None:
    _align_clock(app)
    other = await started_round(
        client,
        cast,
        by="other_coord",
        starter="other_coord",
        association_id=str(cast.other.id),
        team=[],
        team_name="Équipe B",
    )
    first = await record(client, cast, other["id"], who="other_coord", items=["meal"], asleep=True)
    assert first.status_code == 201
    assert (await first.get_json())["warnings"] == []
    app.node.clock.advance(timedelta(minutes=40))
    ours = await started_round(client, cast)
    response = await record(client, cast, ours["id"], items=["hot_drink"])
    body = await response.get_json()
    assert response.status_code == 201
    [warning] = body["warnings"]
    assert warning["message"] == (
        "visited 40 min ago by Samu Social (Équipe B): meal given, asleep — do not wake"
    )
    assert warning["minutes_ago"] == 40
    visit = warning["visit"]
    assert visit["association"] == "Samu Social" and visit["asleep"] is True
    assert visit["items"] == ["meal"] and visit["origin"] is None
    assert set(visit) == {
        "id", "cell", "cell_lat", "cell_lon", "visited_at", "items", "asleep", "association",
        "team", "origin",
    }  # fmt: skip
    # a second encounter of our own round in the same cell warns about the other team only
    again = await (await record(client, cast, ours["id"])).get_json()
    assert [w["visit"]["association"] for w in again["warnings"]] == ["Samu Social"]


async def test_no_warning_elsewhere_or_after_the_window(
    app: EntraideApp, client: Any, cast: Cast
) -> None:
    other = await started_round(
        client, cast, by="other_coord", starter="other_coord",
        association_id=str(cast.other.id), team=[],
    )  # fmt: skip
    await record(client, cast, other["id"], who="other_coord", asleep=True)
    ours = await started_round(client, cast)
    far = await record(client, cast, ours["id"], lat=48.8566, lon=2.3522)  # 2.7 km away
    assert (await far.get_json())["warnings"] == []
    app.node.clock.advance(timedelta(hours=12, minutes=6))
    await client.post(f"/api/v1/rounds/{ours['id']}/end", headers=cast.h("vol"))
    late = await started_round(client, cast)
    response = await record(client, cast, late["id"])
    assert (await response.get_json())["warnings"] == []


async def test_the_window_follows_the_setting(node_factory: Any, make_member: Any) -> None:
    from tests.node.services.test_rounds import make_cast_for

    app = await node_factory("window", coordination_window_hours=1)
    cast = await make_cast_for(app, make_member)
    client = app.test_client()
    other = await started_round(
        client, cast, by="other_coord", starter="other_coord",
        association_id=str(cast.other.id), team=[],
    )  # fmt: skip
    await record(client, cast, other["id"], who="other_coord")
    app.node.clock.advance(timedelta(minutes=30))
    ours = await started_round(client, cast)
    assert len((await (await record(client, cast, ours["id"])).get_json())["warnings"]) == 1
    app.node.clock.advance(timedelta(minutes=40))
    assert (await (await record(client, cast, ours["id"])).get_json())["warnings"] == []


async def test_a_moved_ciphertext_reads_as_missing_not_as_another_rows_data(
    client: Any, cast: Cast, app: EntraideApp
) -> None:
    round_ = await started_round(client, cast)
    first = await (await record(client, cast, round_["id"], note=SECRET_NOTE)).get_json()
    second = await (await record(client, cast, round_["id"], note="autre")).get_json()
    with app.node.db.activate():
        source = await Encounter.get(id=first["encounter"]["id"])
        await Encounter.filter(id=second["encounter"]["id"]).update(note_ct=source.note_ct)
    listing = await client.get(f"/api/v1/rounds/{round_['id']}/encounters", headers=cast.h("vol"))
    assert listing.status_code == 200
    notes = {e["id"]: e["note"] for e in (await listing.get_json())["items"]}
    assert notes == {first["encounter"]["id"]: SECRET_NOTE, second["encounter"]["id"]: None}
