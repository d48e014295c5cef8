"""``entraide partnerships …`` and ``entraide associations …``: the same service functions as
the admin pages and the API, so the street committee's gates hold here too (a gated command
prints the proposal it opened and exits 0).

entraide partnerships list
entraide partnerships ask TARGET [--scope actions --scope chat] [--message …]
entraide partnerships accept ID / reject ID / end ID
entraide associations list [--status pending|approved|rejected]
entraide associations approve ID / reject ID
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

import click

from node.cli_federation import _with_node

if TYPE_CHECKING:
    from node.models import Association, Partnership
    from node.state import NodeState

T = TypeVar("T")


def _run(work: Callable[[NodeState], Awaitable[T]]) -> T:
    from node.errors import Problem

    try:
        return _with_node(work)
    except Problem as exc:
        raise click.ClickException(exc.detail) from None


def _partnership_line(p: Partnership) -> str:
    return (
        f"{p.id}  {p.remote_domain:<30} {p.direction.value:<8} {p.status.value:<9} "
        f"{', '.join(p.scope_list)}"
    )


@click.group()
def partnerships() -> None:
    """Partnerships with other nodes: ask, accept, refuse, end."""


@partnerships.command("list")
def list_partnerships() -> None:
    """Every partnership, asked or received, newest first."""
    from node.services import partnerships as service

    async def work(node: NodeState) -> list[Partnership]:
        return await service.list_partnerships()

    for p in _run(work):
        click.echo(_partnership_line(p))


@partnerships.command()
@click.argument("target")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    default=("actions",),
    show_default=True,
    help="What we would share (repeat): actions, chat, outreach.",
)
@click.option("--message", default="", help="A few words for the other node's admins.")
def ask(target: str, scopes: tuple[str, ...], message: str) -> None:
    """Ask another node (its domain, URL or instance actor) for a partnership."""
    from node.fed.remote import resolve
    from node.services import partnerships as service

    async def work(node: NodeState) -> Partnership:
        remote = await resolve(node, target)
        return await service.request_partnership(
            node, remote=remote, scopes=list(scopes), message=message
        )

    p = _run(work)
    click.echo(f"Asked {p.remote_domain}: partnership {p.id} is pending.")


def _decide(partnership_id: UUID, accept: bool) -> Partnership:
    from node.services import partnerships as service

    async def work(node: NodeState) -> Partnership:
        p = await service.get_partnership(partnership_id)
        return await service.decide_partnership(node, p, accept=accept, decided_by=None)

    return _run(work)


@partnerships.command()
@click.argument("partnership_id", type=click.UUID)
def accept(partnership_id: UUID) -> None:
    """Accept a request from another node (where the committee decides: a proposal)."""
    p = _decide(partnership_id, True)
    click.echo(f"Partnership with {p.remote_domain} accepted.")


@partnerships.command()
@click.argument("partnership_id", type=click.UUID)
def reject(partnership_id: UUID) -> None:
    """Refuse a request from another node."""
    p = _decide(partnership_id, False)
    click.echo(f"Partnership with {p.remote_domain} refused.")


@partnerships.command()
@click.argument("partnership_id", type=click.UUID)
def end(partnership_id: UUID) -> None:
    """End a partnership, or withdraw our pending request (where the committee decides on
    ending one: a proposal)."""
    from node.services import partnerships as service

    async def work(node: NodeState) -> Partnership:
        p = await service.get_partnership(partnership_id)
        return await service.end_partnership(node, p)

    p = _run(work)
    click.echo(f"Partnership with {p.remote_domain} is {p.status.value}.")


@click.group()
def associations() -> None:
    """Associations of this node: list the requests, approve or refuse them."""


@associations.command("list")
@click.option(
    "--status",
    type=click.Choice(["pending", "approved", "rejected"]),
    default="pending",
    show_default=True,
)
def list_associations(status: str) -> None:
    from node.models import AssociationStatus
    from node.services import associations as service

    async def work(node: NodeState) -> list[Association]:
        return await service.list_associations(AssociationStatus(status), limit=500)

    for a in _run(work):
        click.echo(f"{a.id}  {a.name}  ({a.status})")


def _decide_association(association_id: UUID, approve: bool) -> Association:
    from node.services import associations as service

    async def work(node: NodeState) -> Association:
        association = await service.get_association(association_id)
        return await service.decide(association, approve, node=node)

    return _run(work)


@associations.command()
@click.argument("association_id", type=click.UUID)
def approve(association_id: UUID) -> None:
    """Approve an association (where the committee decides: a proposal)."""
    a = _decide_association(association_id, True)
    click.echo(f"Association {a.name} approved.")


@associations.command("reject")
@click.argument("association_id", type=click.UUID)
def reject_association(association_id: UUID) -> None:
    """Refuse an association's request."""
    a = _decide_association(association_id, False)
    click.echo(f"Association {a.name} refused.")


def register(main: click.Group) -> None:
    main.add_command(partnerships)
    main.add_command(associations)


__all__ = ["register"]
