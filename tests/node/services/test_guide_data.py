"""Reading and writing the guide's open data: the data·inclusion schema v1 (JSON and CSV, both
files in one reading) and a Soliguide-shaped JSON."""

from __future__ import annotations

import json
from datetime import date

import pytest

from node.services.guide_data import datainclusion, soliguide
from node.services.guide_data.datainclusion import DataFileError
from node.services.guide_data.records import PlaceRecord
from tests.factories import datainclusion_rows


def _no_hours_words(text: str) -> str | None:
    # The test files write hours with the syntax's two-letter days only.
    return None if text[:2] in ("Mo", "Tu", "Sa") else "unknown day"


def test_a_realistic_file_keeps_the_good_services_and_says_why_the_others_were_refused() -> None:
    data = datainclusion_rows(300)
    reading = datainclusion.read(
        [
            ("services.json", json.dumps(data.services).encode()),
            ("structures.json", json.dumps(data.structures).encode()),
        ],
        check_hours=_no_hours_words,
    )
    assert reading.rows == 600
    assert {r.source_id for r in reading.records} == data.kept
    refused = {(r.row, r.field) for r in reading.rejections if r.file == "services.json"}
    assert refused == data.refused
    assert all(r.reason for r in reading.rejections)
    first = next(r for r in reading.records if r.source_id == "test-producteur--1")
    # The service lacks a point and an address: its structure's are used.
    assert first.address == "1 boulevard de la Villette"
    assert first.postcode == "75002"
    assert first.categories == ("luggage",)
    assert first.audiences == ("unconditional",)
    assert first.free is True
    assert first.opening_hours == "Mo-Sa 08:30-12:30"
    second = next(r for r in reading.records if r.source_id == "test-producteur--2")
    assert second.opening_hours == "Mo-Fr 09:00-17:00; PH off"  # from its structure


def test_categories_come_from_themes_and_from_the_words_of_names() -> None:
    data = datainclusion_rows(12)
    reading = datainclusion.read([("s.json", json.dumps(data.services + data.structures).encode())])
    by_name = {r.name.split()[0]: r.categories for r in reading.records}
    assert by_name["Bains-douches"] == ("shower",)
    assert by_name["Bagagerie"] == ("luggage",)
    assert by_name["Laverie"] == ("laundry",)
    assert by_name["Restaurant"] == ("food",)
    assert by_name["Halte"] == ("shelter",)
    assert by_name["Centre"] == ("health",)


def test_a_file_with_both_kinds_mixed_is_refused_row_by_row_not_whole() -> None:
    data = datainclusion_rows(6)
    rows = [*data.services, {"source": "x"}]
    reading = datainclusion.read([("services.json", json.dumps(rows).encode())])
    assert {r.field for r in reading.rejections if r.row == 7} >= {"id", "nom", "date_maj"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe not utf-8 \xff", "UTF-8"),
        (b'{"unexpected": 1}', "JSON list"),
        (b"[1, 2", "not JSON"),
        (b"", "header"),
    ],
)
def test_a_file_that_is_not_data_inclusion_at_all_is_refused_whole(
    content: bytes, message: str
) -> None:
    with pytest.raises(DataFileError, match=message):
        datainclusion.read([("bad", content)])


def test_a_file_too_large_is_refused_before_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(datainclusion, "MAX_FILE_BYTES", 100)
    with pytest.raises(DataFileError, match="larger"):
        datainclusion.read([("big.json", b"[" + b" " * 200 + b"]")])


def test_csv_files_read_the_same_places_as_json() -> None:
    data = datainclusion_rows(60)
    as_json = datainclusion.read(
        [
            ("st.json", json.dumps(data.structures).encode()),
            ("se.json", json.dumps(data.services).encode()),
        ]
    )
    structures = datainclusion.to_csv("structure", data.structures)
    services = datainclusion.to_csv("service", [dict(s) for s in data.services])
    as_csv = datainclusion.read([("st.csv", structures), ("se.csv", services)])
    assert as_csv.records == as_json.records
    assert {(r.row, r.field) for r in as_csv.rejections} == {
        (r.row, r.field) for r in as_json.rejections
    }


def test_csv_cells_that_are_not_numbers_are_refused_with_their_field() -> None:
    text = (
        b"source,id,structure_id,nom,description,date_maj,latitude,longitude,thematiques\n"
        b"p,p--1,p--s1,Douches du centre,Des douches gratuites,2026-11-02,48.85,2.35,\n"
        b"p,p--2,p--s1,Douches du nord,Des douches gratuites,2026-11-02,quarante,2.35,\n"
    )
    reading = datainclusion.read([("services.csv", text)])
    assert [r.source_id for r in reading.records] == ["p--1"]
    assert [(r.row, r.field, r.reason) for r in reading.rejections] == [
        (2, "latitude", "not a number")
    ]


def _place(**overrides: object) -> PlaceRecord:
    fields: dict[str, object] = {
        "source": "entraide.example",
        "source_id": "entraide.example--1",
        "name": "Halte solidaire",
        "categories": ("food", "shower", "health"),
        "lat": 48.87,
        "lon": 2.35,
        "checked_on": date(2026, 11, 30),
        "address": "12 rue Oberkampf",
        "postcode": "75011",
        "town": "Paris",
        "opening_hours": "Mo-Fr 09:00-17:00; PH off",
        "audiences": ("women", "pets"),
        "email": "contact@halte.example",
        "website": "https://halte.example/",
        "free": True,
    }
    fields.update(overrides)
    return PlaceRecord(**fields)  # type: ignore[arg-type]


def test_export_rows_validate_against_the_published_schema() -> None:
    places = [_place(), _place(source_id="x--2", name="Ab", description="", email="", free=None)]
    for place in places:
        assert datainclusion.schema_errors("structure", datainclusion.structure_row(place)) == []
        assert datainclusion.schema_errors("service", datainclusion.service_row(place)) == []
    service = datainclusion.service_row(places[0])
    assert service["thematiques"] == [
        "equipement-et-alimentation--alimentation",
        "sante--acces-aux-soins",
    ]
    assert service["publics"] == ["femmes"]
    assert service["frais"] == "gratuit"


def test_the_schema_refuses_what_the_published_schema_refuses() -> None:
    row = datainclusion.structure_row(_place())
    row["code_postal"] = "7501"
    row["courriel"] = "nope"
    del row["nom"]
    assert {field for field, _ in datainclusion.schema_errors("structure", row)} == {
        "code_postal",
        "courriel",
        "nom",
    }


def _lieu(**overrides: object) -> dict[str, object]:
    lieu: dict[str, object] = {
        "lieu_id": 4242,
        "name": "Espace solidarité insertion Le Caire",
        "description": "Accueil de jour, douches et bagagerie.",
        "updatedAt": "2026-11-20T10:11:12.000Z",
        "position": {
            "adresse": "22 rue du Caire",
            "codePostal": "75002",
            "ville": "Paris",
            "location": {"type": "Point", "coordinates": [2.3505, 48.8682]},
        },
        "entity": {
            "mail": "esi@example.org",
            "website": "https://esi.example.org",
            "phones": [{"phoneNumber": "0140000000"}],
        },
        "newhours": {
            "closedHolidays": "CLOSED",
            "monday": {
                "open": True,
                "timeslot": [{"start": 900, "end": 1230}, {"start": 1400, "end": 1700}],
            },
            "tuesday": {
                "open": True,
                "timeslot": [{"start": 900, "end": 1230}, {"start": 1400, "end": 1700}],
            },
            "wednesday": {
                "open": True,
                "timeslot": [{"start": 900, "end": 1230}, {"start": 1400, "end": 1700}],
            },
            "thursday": {"open": False, "timeslot": []},
            "friday": {"open": True, "timeslot": [{"start": 1930, "end": 800}]},
            "saturday": {"open": True, "timeslot": [{"start": 1930, "end": 800}]},
            "sunday": {"open": False, "timeslot": []},
        },
        "publics": {"accueil": 0},
        "services_all": [
            {"category": "day_hosting"},
            {
                "category": "shower",
                "close": {
                    "actif": True,
                    "dateDebut": "2026-12-24T00:00:00.000Z",
                    "dateFin": "2026-12-26T00:00:00.000Z",
                },
            },
            {"category": "luggage_storage"},
            {"category": "something_else"},
        ],
    }
    lieu.update(overrides)
    return lieu


def test_soliguide_lieux_become_places_with_opening_hours_in_the_osm_syntax() -> None:
    document = {
        "places": [
            _lieu(),
            _lieu(lieu_id=7, name="X"),
            _lieu(lieu_id=8, services_all=[{"category": "wifi"}]),
        ]
    }
    reading = soliguide.read("soliguide.json", json.dumps(document).encode())
    [place] = reading.records
    assert place.source == "soliguide" and place.source_id == "4242"
    assert place.categories == ("day_centre", "shower", "luggage")
    assert (place.lat, place.lon) == (48.8682, 2.3505)
    assert place.opening_hours == "Mo-We 09:00-12:30,14:00-17:00; Fr,Sa 19:30-08:00; PH off"
    assert place.audiences == ("unconditional",)
    assert (place.closed_from, place.closed_to) == (date(2026, 12, 24), date(2026, 12, 26))
    assert place.phone == "0140000000"
    assert place.checked_on == date(2026, 11, 20)
    assert [(r.row, r.field) for r in reading.rejections] == [(2, "name"), (3, "services_all")]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"position": {"adresse": "x"}}, "position.location"),
        ({"position": {"location": {"coordinates": [500, 48]}}}, "position.location"),
        ({"lieu_id": None}, "lieu_id"),
        ({"updatedAt": "hier"}, "updatedAt"),
        (
            {"newhours": {"monday": {"open": True, "timeslot": [{"start": 2590, "end": 100}]}}},
            "newhours",
        ),
    ],
)
def test_soliguide_lieux_that_cannot_be_placed_are_refused(
    overrides: dict[str, object], field: str
) -> None:
    reading = soliguide.read("s.json", json.dumps([_lieu(**overrides)]).encode())
    assert reading.records == []
    assert [r.field for r in reading.rejections] == [field]


def test_a_soliguide_file_that_is_not_a_list_of_lieux_is_refused() -> None:
    with pytest.raises(DataFileError):
        soliguide.read("s.json", b'{"nope": []}')
