"""``entraide places …``: the solidarity guide's open data from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from node.services.guide_data.datainclusion import DataFileError
from node.services.guide_data.reading import read_files
from node.services.guide_data.records import Reading


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


def register(main: click.Group) -> None:
    main.add_command(places_group)
