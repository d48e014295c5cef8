"""``entraide places check``: a producer or an operator reads open-data files and sees, before
anything is stored, the places they hold and each refused row with its reason."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from node.cli import main
from node.services.guide_data import datainclusion
from tests.factories import datainclusion_rows


def test_check_reports_places_and_refused_rows_of_json_and_csv_files(tmp_path: Path) -> None:
    data = datainclusion_rows(40)
    structures = tmp_path / "structures.csv"
    structures.write_bytes(datainclusion.to_csv("structure", data.structures))
    services = tmp_path / "services.json"
    services.write_text(json.dumps(data.services))
    result = CliRunner().invoke(main, ["places", "check", str(structures), str(services)])
    assert result.exit_code == 1
    assert f"80 rows read, {len(data.kept)} places, {len(data.refused)} problems." in result.output
    assert "services.json, row 10 nom:" in result.output


def test_check_of_a_clean_file_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "soliguide.json"
    path.write_text(json.dumps({"places": []}))
    result = CliRunner().invoke(main, ["places", "check", str(path)])
    assert result.exit_code == 0, result.output
    assert "0 rows read, 0 places, 0 problems." in result.output


def test_check_of_a_file_that_is_no_open_data_names_it(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0 not text")
    result = CliRunner().invoke(main, ["places", "check", str(path)])
    assert result.exit_code == 1
    assert "photo.jpg: not UTF-8 text" in result.output
