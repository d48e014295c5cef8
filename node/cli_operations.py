"""``entraide backup`` and ``entraide restore`` (see :mod:`node.backup`)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from node.settings import Settings, SettingsError, load_settings


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        click.echo(f"entraide: {exc}", err=True)
        sys.exit(2)


@click.command("backup")
@click.argument("destination", type=click.Path(path_type=Path), default=Path("."))
def backup_command(destination: Path) -> None:
    """Write the database, the secret key and the instance key to one archive.

    DESTINATION is a file name or a directory (default: here). Safe while the node runs. The
    archive holds members' phone numbers and emails and the node's keys: keep it encrypted."""
    from node.backup import BackupError, backup

    try:
        path = backup(_settings(), destination)
    except BackupError as exc:
        click.echo(f"entraide: {exc}", err=True)
        sys.exit(1)
    click.echo(f"Backup written to {path} (mode 0600).")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(archive: Path) -> None:
    """Restore an archive of `entraide backup` onto this empty node."""
    from node.backup import BackupError, restore

    settings = _settings()
    try:
        restored = asyncio.run(restore(settings, archive))
    except BackupError as exc:
        click.echo(f"entraide: {exc}", err=True)
        sys.exit(1)
    click.echo(
        f"Restored the {restored.database} backup of {restored.base_url} "
        f"made {restored.created_at}."
    )
    if restored.base_url and restored.base_url != settings.base_url:
        click.echo(
            f"Warning: this node's base_url is {settings.base_url}, the backup's is "
            f"{restored.base_url}. Partners know the node by the backup's: set "
            f"ENTRAIDE_BASE_URL={restored.base_url}.",
            err=True,
        )
    click.echo("Next: entraide migrate (or entraide serve, which migrates).")
