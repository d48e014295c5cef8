"""Importing the guide's open data into the node's places and exporting them again: a
realistic data·inclusion pair of files with bad rows, the report, a re-import that changes
nothing, a changed row that updates its place, and an export the published schema accepts."""

from __future__ import annotations

import json
from typing import Any

from node.http_state import EntraideApp
from node.models import Place
from node.services import guide_places
from node.services.guide_data import datainclusion
from tests.factories import datainclusion_rows


def _files(data: Any) -> list[tuple[str, bytes]]:
    return [
        ("structures.json", json.dumps(data.structures).encode()),
        ("services.csv", datainclusion.to_csv("service", data.services)),
    ]


async def test_import_is_idempotent_and_reports_every_refused_row(app: EntraideApp) -> None:
    data = datainclusion_rows(300)
    with app.node.db.activate():
        report = await guide_places.import_files(app.node, _files(data))
        assert (report.rows, report.created, report.updated, report.unchanged) == (
            600,
            len(data.kept),
            0,
            0,
        )
        assert {
            (r.row, r.field) for r in report.rejections if r.file == "services.csv"
        } == data.refused
        assert any(r.field == "horaires_accueil" for r in report.rejections)
        assert await Place.filter(source="test-producteur").count() == len(data.kept)
        before = {p.source_id: p.updated_at for p in await Place.all()}

        again = await guide_places.import_files(app.node, _files(data))
        assert (again.created, again.updated, again.unchanged) == (0, 0, len(data.kept))
        assert {p.source_id: p.updated_at for p in await Place.all()} == before

        data.services[0]["nom"] = "Bagagerie solidaire du canal"
        changed = await guide_places.import_files(app.node, _files(data))
        assert (changed.created, changed.updated) == (0, 1)
        place = await Place.get(source="test-producteur", source_id="test-producteur--1")
        assert place.name == "Bagagerie solidaire du canal"


async def test_the_export_validates_against_the_published_schema_and_imports_back(
    app: EntraideApp,
) -> None:
    data = datainclusion_rows(60)
    with app.node.db.activate():
        await guide_places.import_files(app.node, _files(data))
        records = await guide_places.export_records(app.node)
    assert len(records) == len(data.kept)
    structures = [datainclusion.structure_row(r) for r in records]
    services = [datainclusion.service_row(r) for r in records]
    for row in structures:
        assert datainclusion.schema_errors("structure", row) == []
    for row in services:
        assert datainclusion.schema_errors("service", row) == []
    reread = datainclusion.read(
        [
            ("s.csv", datainclusion.to_csv("structure", structures)),
            ("v.json", datainclusion.to_json(services)),
        ]
    )
    assert reread.rejections == []
    assert {r.source_id for r in reread.records} == data.kept
