"""``entraide worker`` and ``entraide federation …``: background workers and federation admin.

entraide worker [--concurrency 2] [--queues deliveries,notifications,inbox,periodic]
                                            # loops until SIGTERM; run several for big nodes
entraide federation deliveries [--status queued|failed|abandoned|delivered]
entraide federation retry ID
entraide federation block DOMAIN [--reason …] / unblock DOMAIN
entraide federation allowlist [--on|--off] [--add DOMAIN] [--remove DOMAIN]
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from node.cli_common import run_on_node, settings_or_exit
from node.wiring import build_node

if TYPE_CHECKING:
    from node.state import NodeState

T = TypeVar("T")


def _with_db(work: Callable[[], Awaitable[T]]) -> T:
    return run_on_node(settings_or_exit(), lambda node: work())


def _with_node(work: Callable[[NodeState], Awaitable[T]]) -> T:
    """Run ``work`` with the node (its database open); a change that waits for the street
    committee prints its proposal and exits with status 0 (nothing failed, nothing changed)."""
    from node.services.committee.gates import Proposed

    try:
        return run_on_node(settings_or_exit(), work)
    except Proposed as exc:
        click.echo(
            f"Waiting for the street committee: proposal {exc.proposal.number} "
            f"({exc.proposal.title}) is open until {exc.proposal.deadline:%Y-%m-%d %H:%M} UTC."
        )
        raise SystemExit(0) from None


def _queues(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    from node.worker.queues import UnknownQueue, parse_queues

    try:
        return parse_queues(value)
    except UnknownQueue as exc:
        raise click.BadParameter(str(exc)) from None


@click.command()
@click.option(
    "--concurrency",
    default=1,
    show_default=True,
    type=click.IntRange(1, 32),
    help="Federation loops in this process (each claims its own rows).",
)
@click.option(
    "--interval",
    type=float,
    default=None,
    help="Seconds between idle polls of the federation queues (default: worker_poll_seconds).",
)
@click.option(
    "--queues",
    default="all",
    show_default=True,
    callback=_queues,
    help="Comma-separated queues this process serves: deliveries, notifications, inbox, "
    "periodic (or all).",
)
def worker(concurrency: int, interval: float | None, queues: tuple[str, ...]) -> None:
    """Run the background workers (federation deliveries and inbox, notifications, periodic
    jobs) until SIGTERM. Several processes can run at once, each on some queues: rows are
    claimed, never shared, and each periodic job runs once per period across all of them."""
    settings = settings_or_exit()
    if "base_url" not in settings.model_fields_set:
        click.echo(
            f"entraide: ENTRAIDE_BASE_URL is not set; this worker signs and links as "
            f"{settings.base_url}. Give it the public URL of the node's `entraide serve`.",
            err=True,
        )
    from node.logs import configure_logging

    configure_logging(settings.log_level, settings.log_format)
    poll = settings.worker_poll_seconds if interval is None else interval

    async def main() -> None:
        from node.worker.federation import run_forever as run_federation
        from node.worker.notifications import run_forever as run_notifications
        from node.worker.periodic import run_forever as run_periodic

        node = build_node(settings)
        await node.db.open()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        federation_queues = [queue for queue in queues if queue in ("deliveries", "inbox")]
        with node.db.activate():
            tasks = []
            if federation_queues:
                tasks += [
                    asyncio.create_task(
                        run_federation(node, interval=poll, queues=federation_queues)
                    )
                    for _ in range(concurrency)
                ]
            if "notifications" in queues:
                tasks.append(asyncio.create_task(run_notifications(node)))
            if "periodic" in queues:
                tasks.append(asyncio.create_task(run_periodic(node)))
            click.echo(f"entraide worker: queues {', '.join(queues)} running")
            await stop.wait()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        await node.db.close()

    asyncio.run(main())


@click.group()
def federation() -> None:
    """Federation administration: deliveries, domain blocks, allowlist."""


@federation.command()
@click.option("--status", default=None, help="queued, sending, delivered, failed/abandoned")
@click.option("--limit", default=50, show_default=True)
def deliveries(status: str | None, limit: int) -> None:
    """List deliveries (newest first) and the count per status."""
    from node.services import deliveries as admin

    async def work() -> tuple[list[dict[str, Any]], dict[str, int]]:
        return await admin.list_deliveries(status, limit), await admin.delivery_counts()

    rows, counts = _with_db(work)
    click.echo("  ".join(f"{k}={v}" for k, v in counts.items()))
    for row in rows:
        click.echo(
            f"{row['id']:>6} {row['status']:<10} {row['attempts']:>2} {row['inbox_url']} "
            f"{row['activity_type']} {row['last_error'] or ''}".rstrip()
        )


@federation.command()
@click.argument("delivery_id", type=int)
def retry(delivery_id: int) -> None:
    """Queue a delivery again now."""
    from node.errors import Problem
    from node.services import deliveries as admin

    try:
        row = _with_db(lambda: admin.retry_delivery(delivery_id))
    except Problem as exc:
        raise click.ClickException(exc.detail) from None
    click.echo(f"Delivery {row['id']} to {row['inbox_url']} queued again.")


@federation.command()
@click.argument("domain")
@click.option("--reason", default="")
@click.option(
    "--emergency",
    is_flag=True,
    help="Abuse: block at once; the street committee confirms or lifts it later.",
)
def block(domain: str, reason: str, emergency: bool) -> None:
    """Block a domain and purge what the node stored from it (where the street committee
    decides on blocks, this opens a proposal unless --emergency)."""
    from node.errors import Problem
    from node.services import federation_policy as policy

    try:
        row = _with_node(
            lambda node: policy.block_domain(domain, reason, node=node, emergency=emergency)
        )
    except Problem as exc:
        raise click.ClickException(exc.detail) from None
    click.echo(f"Blocked {row.domain}.")


@federation.command()
@click.argument("domain")
def unblock(domain: str) -> None:
    from node.errors import Problem
    from node.services import federation_policy as policy

    try:
        _with_node(lambda node: policy.unblock_domain(domain, node=node))
    except Problem as exc:
        raise click.ClickException(exc.detail) from None
    click.echo(f"Unblocked {domain}.")


@federation.command()
@click.option("--on/--off", "mode", default=None, help="Switch allowlist mode.")
@click.option("--add", "add", multiple=True, help="Allow a domain.")
@click.option("--remove", "remove", multiple=True, help="Stop allowing a domain.")
def allowlist(mode: bool | None, add: tuple[str, ...], remove: tuple[str, ...]) -> None:
    """Show or change allowlist mode and the allowed domains (one change: where the street
    committee decides on it, one proposal)."""
    from node.errors import Problem
    from node.services import federation_policy as policy

    async def work(node: NodeState) -> tuple[bool, list[str]]:
        _, current = await policy.current_policy()
        dropped = {policy.normalize_domain(d) for d in remove}
        wanted = sorted((set(current) | {policy.normalize_domain(d) for d in add}) - dropped)
        return await policy.set_policy(
            allowlist_mode=mode,
            allowed_domains=wanted if add or remove else None,
            node=node,
        )

    try:
        enabled, domains = _with_node(work)
    except Problem as exc:
        raise click.ClickException(exc.detail) from None
    click.echo(f"allowlist mode: {'on' if enabled else 'off'}")
    for domain in domains:
        click.echo(f"  {domain}")


def register(main: click.Group) -> None:
    main.add_command(worker)
    main.add_command(federation)


__all__ = ["register"]
