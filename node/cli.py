"""The ``entraide`` command: init, serve, migrate, create-admin, demo.

Every command reads the same settings as the server (``ENTRAIDE_*`` and the TOML file); a bad
setting stops it with one line naming the setting.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from node import __version__
from node.cli_committee import register as _register_committee
from node.cli_common import run_on_node, settings_or_exit
from node.cli_federation import register as register_federation
from node.cli_guide import register as register_guide
from node.cli_operations import backup_command, restore_command
from node.cli_partnerships import register as register_partnerships
from node.cli_rules import register as register_rules
from node.settings import DEFAULT_CONFIG_FILE, ENV_PREFIX, Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from node.state import NodeState

T = TypeVar("T")


def _migrate(settings: Settings) -> None:
    from node.db import migrate

    asyncio.run(migrate(settings.database_url))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="entraide")
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"TOML settings file (default: ./{DEFAULT_CONFIG_FILE} when it exists).",
)
def main(config: Path | None) -> None:
    """Entraide: a federated server for local solidarity networks."""
    if config is not None:
        # Through the environment, so that server worker processes read the same file.
        os.environ[f"{ENV_PREFIX}CONFIG"] = str(config)


@main.command()
def migrate() -> None:
    """Apply database migrations (safe to run again)."""
    settings = settings_or_exit()
    _migrate(settings)
    click.echo(f"Database is up to date ({_describe_db(settings)}).")


def _describe_db(settings: Settings) -> str:
    if settings.is_sqlite:
        return settings.database_url
    return settings.database_url.split("@")[-1]  # never print the password


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--server",
    type=click.Choice(["granian", "uvicorn", "hypercorn"]),
    default=None,
    help="ASGI server (default: uvicorn with 1 worker, a single process; granian with more; "
    "see docs/performance.md).",
)
@click.option("--no-migrate", is_flag=True, help="Do not apply migrations at start-up.")
def serve(host: str, port: int, workers: int, server: str | None, no_migrate: bool) -> None:
    """Serve the node (web pages, API and federation endpoints)."""
    from node.public_url import public_url
    from node.servers import ClientLimits, default_server, run_server

    settings = settings_or_exit()
    configured = settings.base_url if "base_url" in settings.model_fields_set else None
    identity = public_url(configured, host, port)
    if identity.derived:
        # Through the environment, so that server worker processes name the same node.
        os.environ[f"{ENV_PREFIX}BASE_URL"] = identity.base_url
        settings = settings_or_exit()
    settings.secret()  # create the secret once, before worker processes race for it
    if not no_migrate:
        _migrate(settings)
    click.echo(f"Entraide {__version__} — {settings.node_name} on {identity.listening}/")
    click.echo(identity.banner())
    from node.logs import configure_logging

    configure_logging(settings.log_level, settings.log_format)
    chosen = server or default_server(workers)
    if workers > 1:
        _share_metrics_between_processes(settings)
    limits = ClientLimits(
        header_timeout=settings.http_header_timeout, max_connections=settings.http_max_connections
    )
    run_server(chosen, host, port, workers, settings.log_level, limits)  # type: ignore[arg-type]


def _share_metrics_between_processes(settings: Settings) -> None:
    """Several server processes write their request metrics to files that ``/metrics`` sums
    (prometheus-client's multi-process mode); stale files of an earlier run are removed."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    directory = settings.data_dir / "metrics"
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)


@main.command("create-admin")
@click.option("--phone", required=True, help="Phone number (French numbers may omit +33).")
@click.option("--email", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--pseudonym", default=None)
def create_admin(phone: str, email: str, password: str, pseudonym: str | None) -> None:
    """Create a node administrator (phone already verified)."""
    settings = settings_or_exit()
    _migrate(settings)
    member = run_on_node(
        settings, lambda node: _create_admin(node, phone, email, password, pseudonym)
    )
    click.echo(f"Administrator {member} created.")


async def _create_admin(
    node: NodeState, phone: str, email: str, password: str, pseudonym: str | None
) -> str:
    from node.errors import Problem
    from node.models import MemberKind
    from node.services.members import create_member

    try:
        member = await create_member(
            node,
            phone=phone,
            email=email,
            password=password,
            pseudonym=pseudonym,
            kind=MemberKind.RESIDENT,
            is_admin=True,
            verified=True,
        )
    except Problem as exc:
        click.echo(f"entraide: {exc.detail}", err=True)
        for error in exc.errors:
            click.echo(f"  {error['field']}: {error['message']}", err=True)
        sys.exit(1)
    return member.phone or str(member.id)


@main.command("moderator")
@click.argument("change", type=click.Choice(["grant", "revoke"]))
@click.option("--phone", required=True, help="The member's phone number.")
def moderator(change: str, phone: str) -> None:
    """Make a member a moderator of the report queue, or take the role back."""
    settings = settings_or_exit()
    done = run_on_node(settings, lambda node: _set_moderator(phone, change == "grant"))
    if not done:
        click.echo("entraide: no member has this phone number.", err=True)
        sys.exit(1)
    click.echo(f"Moderator role {'granted' if change == 'grant' else 'taken back'}.")


async def _set_moderator(phone: str, on: bool) -> bool:
    from node.errors import Problem
    from node.services import moderation
    from node.services.members import member_by_phone

    try:
        member = await member_by_phone(phone)
    except Problem:  # not a phone number
        return False
    if member is None:
        return False
    await moderation.operator_set_moderator(member, on)
    return True


@main.command()
@click.option("--if-empty", is_flag=True, help="Only seed when the node has no member yet.")
@click.option(
    "--nodes",
    type=click.Choice(["1", "3"]),
    default="1",
    help="3: run Paris, Lyon and Petits frères des pauvres as three federated nodes.",
)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(1, 65533),
    help="With --nodes 3: the first node's port (the others take the next two).",
)
@click.option(
    "--data",
    "data_root",
    default=Path("data/demo-network"),
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="With --nodes 3: where the nodes live.",
)
@click.option(
    "--without-committee",
    is_flag=True,
    help="Seed no street committee (nothing is then gated: admins decide alone).",
)
def demo(if_empty: bool, nodes: str, port: int, data_root: Path, without_committee: bool) -> None:
    """Seed a realistic French demo: associations, residents, needs and offers.

    With --nodes 3, start three federated demo nodes instead and wait for Ctrl-C."""
    if nodes == "3":
        from node.demo_network import DemoError, run_network

        try:
            run_network(data_root.resolve(), port, click.echo)
        except DemoError as exc:
            click.echo(f"entraide: {exc}", err=True)
            sys.exit(1)
        return
    from node.demo import seed_demo

    settings = settings_or_exit()
    _migrate(settings)
    summary = run_on_node(
        settings,
        lambda node: seed_demo(node, only_if_empty=if_empty, committee=not without_committee),
        federate=False,
    )
    click.echo(summary)


@main.command()
@click.option("--base-url", default=None, help="Public URL, e.g. https://entraide.example.org")
@click.option("--node-name", default=None)
@click.option("--node-kind", type=click.Choice(["city", "association"]), default=None)
@click.option(
    "--sms-backend", default=None, help="SMS gateway URL (asked for when base-url is https)."
)
@click.option(
    "--mail-backend", default=None, help="smtp(s):// URL (asked for when base-url is https)."
)
@click.option("--admin-phone", default=None, help="Also create the first administrator.")
@click.option("--admin-email", default=None)
@click.option("--admin-password", default=None)
@click.option(
    "--committee",
    "committee_phones",
    multiple=True,
    metavar="PHONE",
    help="Name a first member of the street committee (a member's phone; repeat it).",
)
def init(
    base_url: str | None,
    node_name: str | None,
    node_kind: str | None,
    sms_backend: str | None,
    mail_backend: str | None,
    admin_phone: str | None,
    admin_email: str | None,
    admin_password: str | None,
    committee_phones: tuple[str, ...],
) -> None:
    """Write a settings file, create the data directory, keys and database, an admin and the
    first members of the street committee."""
    path = Path(os.environ.get(f"{ENV_PREFIX}CONFIG", DEFAULT_CONFIG_FILE))
    if base_url and base_url.startswith("https://") and not path.exists():
        # A public node sends real codes and links: no console backend (settings refuse it).
        sms_backend = (
            _real_backend(sms_backend)
            if sms_backend
            else click.prompt(
                "SMS gateway URL (the node POSTs {to, body} as JSON)", value_proc=_real_backend
            )
        )
        mail_backend = (
            _real_backend(mail_backend)
            if mail_backend
            else click.prompt(
                "Mail server (smtp://user:password@host:587?starttls=1)", value_proc=_real_backend
            )
        )
    values: dict[str, Any] = {
        "base_url": base_url,
        "node_name": node_name,
        "node_kind": node_kind,
        "sms_backend": sms_backend,
        "mail_backend": mail_backend,
    }
    if path.exists():
        click.echo(f"{path} exists; keeping it.")
    else:
        try:  # refuse bad values before anything is written
            load_settings(**{key: value for key, value in values.items() if value})
        except SettingsError as exc:
            click.echo(f"entraide: {exc}", err=True)
            sys.exit(2)
        lines = [f"# Entraide settings; every key can be overridden by {ENV_PREFIX}<KEY>."]
        lines += [f'{key} = "{value}"' for key, value in values.items() if value]
        lines.append(f'secret_key = "{secrets.token_urlsafe(48)}"')
        path.write_text("\n".join(lines) + "\n")
        path.chmod(0o600)
        os.environ[f"{ENV_PREFIX}CONFIG"] = str(path)
        click.echo(f"Wrote {path}.")
    settings = settings_or_exit()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    from node.keys import ensure_instance_key, ensure_vapid_key

    key_path = ensure_instance_key(settings)
    click.echo(f"Instance key: {key_path}")
    click.echo(f"Web Push key: {ensure_vapid_key(settings)}")
    _migrate(settings)
    click.echo(f"Database ready ({_describe_db(settings)}).")
    if admin_phone and admin_email:
        password = admin_password or click.prompt(
            "Admin password", hide_input=True, confirmation_prompt=True
        )
        who = run_on_node(
            settings, lambda node: _create_admin(node, admin_phone, admin_email, password, None)
        )
        click.echo(f"Administrator {who} created.")
    if committee_phones:
        _name_committee(committee_phones)
    click.echo("Next: entraide serve")


def _real_backend(value: str) -> str:
    value = value.strip()
    if not value or value == "console":
        raise click.BadParameter("an https node needs a real backend, not console")
    if '"' in value or "\n" in value:
        raise click.BadParameter("no quotes or line breaks")
    return value


def _name_committee(phones: tuple[str, ...]) -> None:
    """Seat the first members of the street committee (the first one facilitates)."""
    from node.cli_committee import name_first_members
    from node.cli_federation import _with_node
    from node.errors import Problem

    try:
        names = _with_node(lambda node: name_first_members(node, phones))
    except Problem as exc:
        click.echo(f"entraide: {exc.detail}", err=True)
        sys.exit(1)
    for name in names:
        click.echo(f"{name} sits on the street committee.")


register_federation(main)
register_partnerships(main)
register_guide(main)
register_rules(main)
_register_committee(main)
main.add_command(backup_command)
main.add_command(restore_command)

if __name__ == "__main__":  # pragma: no cover
    main()
