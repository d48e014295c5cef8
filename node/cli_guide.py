"""``entraide places …``: the solidarity guide's open data from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from node.cli_common import run_on_node, settings_or_exit
from node.services import guide_places
from node.services.guide_data import datainclusion
from node.services.guide_data.datainclusion import DataFileError
from node.services.guide_data.reading import read_files
from node.services.guide_data.records import PlaceRecord, Reading
from node.state import NodeState


def _read(paths: tuple[Path, ...]) -> Reading:
    try:
        return read_files([(path.name, path.read_bytes()) for path in paths])
    except DataFileError as error:
        click.echo(f"entraide: {error}", err=True)
        sys.exit(1)


def _report(reading: Reading) -> None:
    for rejection in reading.rejections:
        field = f" {rejection.field}" if rejection.field else ""
        click.echo(f"{rejection.file}, row {rejection.row}{field}: {rejection.reason}")
    click.echo(
        f"{reading.rows} rows read, {len(reading.records)} places, "
        f"{len(reading.rejections)} problems."
    )


@click.group("places")
def places_group() -> None:
    """The solidarity guide's places: data·inclusion and Soliguide files."""


@places_group.command("check")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def check_command(files: tuple[Path, ...]) -> None:
    """Read data·inclusion files (structures and services, JSON or CSV) or Soliguide JSON
    exports and print, without storing anything, the places they hold and each refused row
    with its reason. Exit status 1 when a row was refused."""
    reading = _read(files)
    _report(reading)
    sys.exit(1 if reading.rejections else 0)


@places_group.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def import_command(files: tuple[Path, ...]) -> None:
    """Import data·inclusion files (structures and services, JSON or CSV, in one call) and
    Soliguide JSON exports; print each refused row with its reason. Importing the same files
    again changes nothing. Exit status 1 when a row was refused."""
    contents = [(path.name, path.read_bytes()) for path in files]

    async def work(node: NodeState) -> guide_places.ImportReport:
        return await guide_places.import_files(node, contents)

    try:
        report = run_on_node(settings_or_exit(), work)
    except DataFileError as error:
        click.echo(f"entraide: {error}", err=True)
        sys.exit(1)
    for rejection in report.rejections:
        field = f" {rejection.field}" if rejection.field else ""
        click.echo(f"{rejection.file}, row {rejection.row}{field}: {rejection.reason}")
    click.echo(
        f"{report.rows} rows read: {report.created} places created, {report.updated} updated, "
        f"{report.unchanged} unchanged, {len(report.rejections)} problems."
    )
    sys.exit(1 if report.rejections else 0)


@places_group.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True
)
def export_command(directory: Path, fmt: str) -> None:
    """Write the node's places as data·inclusion structures and services files in DIRECTORY."""

    async def work(node: NodeState) -> list[PlaceRecord]:
        return await guide_places.export_records(node)

    records = run_on_node(settings_or_exit(), work, federate=False)
    directory.mkdir(parents=True, exist_ok=True)
    for kind, writer in (
        ("structure", datainclusion.structure_row),
        ("service", datainclusion.service_row),
    ):
        rows = [writer(record) for record in records]
        body = datainclusion.to_json(rows) if fmt == "json" else datainclusion.to_csv(kind, rows)
        path = directory / f"{kind}s.{fmt}"
        path.write_bytes(body)
        click.echo(f"{path}: {len(rows)} {kind}s")


def register(main: click.Group) -> None:
    main.add_command(places_group)
