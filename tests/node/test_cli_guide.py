"""``entraide places check``: a producer or an operator reads open-data files and sees, before
anything is stored, the places they hold and each refused row with its reason."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from node.cli import main
from node.services.guide_data import datainclusion
from tests.factories import datainclusion_rows
from tests.migrated import seed_data_dir


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


async def test_import_then_export_from_the_command_line(
    tmp_path: Path, monkeypatch: Any, database_factory: Any
) -> None:
    # The test database (SQLite or PostgreSQL, migrated): a command opened on another dialect in
    # this process would leave that dialect on the models for the tests after it.
    monkeypatch.setenv("ENTRAIDE_DATABASE_URL", await database_factory.url("cli_guide", tmp_path))
    seed_data_dir(tmp_path / "data")
    monkeypatch.setenv("ENTRAIDE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ENTRAIDE_SECRET_KEY", "cli-test-secret-0123456789-0123456789")
    runner = CliRunner()

    def run(*args: str) -> Any:
        # In a thread: the command runs its own event loop.
        return asyncio.to_thread(runner.invoke, main, list(args))

    data = datainclusion_rows(20)
    services = tmp_path / "services.json"
    services.write_text(json.dumps(data.services + data.structures))
    first = await run("places", "import", str(services))
    assert first.exit_code == 1, first.output  # rows 10 and 20 are refused
    assert f"{len(data.kept)} places created, 0 updated, 0 unchanged, 2 problems." in first.output
    again = await run("places", "import", str(services))
    assert f"0 places created, 0 updated, {len(data.kept)} unchanged" in again.output
    out = tmp_path / "export"
    exported = await run("places", "export", str(out), "--format", "csv")
    assert exported.exit_code == 0, exported.output
    reread = datainclusion.read([(p.name, p.read_bytes()) for p in sorted(out.iterdir())])
    assert reread.rejections == [] and len(reread.records) == len(data.kept)
