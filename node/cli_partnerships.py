"""``entraide partnerships …`` and ``entraide associations …``: the same service functions as
the admin pages and the API, so the street committee's gates hold here too (a gated command
prints the proposal it opened and exits 0).

entraide partnerships list
entraide partnerships ask TARGET [--scope actions --scope chat] [--message …]
entraide partnerships accept ID / reject ID / end ID
entraide partnerships scopes set ID --scope guide --scope calls [--message …]
entraide partnerships scopes accept ID / reject ID / withdraw ID
entraide associations list [--status pending|approved|rejected]
entraide associations approve ID / reject ID
entraide charter show / publish --fr FILE --en FILE
entraide blocklist export / import FILE [--only DOMAIN …]
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

import click

from node.cli_federation import _with_node

if TYPE_CHECKING:
    from node.models import Association, Partnership, PartnershipScopeOffer
    from node.state import NodeState

T = TypeVar("T")


def _run(work: Callable[[NodeState], Awaitable[T]]) -> T:
    from node.errors import Problem

    try:
        return _with_node(work)
    except Problem as exc:
        raise click.ClickException(exc.detail) from None


def _partnership_line(p: Partnership, offers: Sequence[PartnershipScopeOffer] = ()) -> str:
    line = (
        f"{p.id}  {p.remote_domain:<30} {p.direction.value:<8} {p.status.value:<9} "
        f"{', '.join(p.scope_list)}"
    )
    for offer in offers:
        who = "we ask" if offer.direction.value == "outgoing" else "they ask"
        line += f"  ({who} to share also: {', '.join(offer.scope_list)})"
    return line


@click.group()
def partnerships() -> None:
    """Partnerships with other nodes: ask, accept, refuse, end."""


@partnerships.command("list")
def list_partnerships() -> None:
    """Every partnership, asked or received, newest first."""
    from node.services import partnership_scopes
    from node.services import partnerships as service

    async def work(
        node: NodeState,
    ) -> tuple[list[Partnership], dict[UUID, list[PartnershipScopeOffer]]]:
        return await service.list_partnerships(), await partnership_scopes.pending_offers()

    rows, offers = _run(work)
    for p in rows:
        click.echo(_partnership_line(p, offers.get(p.id, [])))


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


@partnerships.group()
def scopes() -> None:
    """What an accepted partnership shares: change it, answer the partner's request to share
    more, withdraw ours."""


@scopes.command("set")
@click.argument("partnership_id", type=click.UUID)
@click.option(
    "--scope",
    "wanted",
    multiple=True,
    required=True,
    help="Everything to share from now on (repeat): public_needs, outreach, calls, guide.",
)
@click.option("--message", default="", help="A few words for the partner's admins.")
def set_scopes(partnership_id: UUID, wanted: tuple[str, ...], message: str) -> None:
    """Share exactly these: what goes stops at once, what comes is asked of the partner (where
    the committee decides: a proposal)."""
    from node.services import partnership_scopes
    from node.services import partnerships as service

    async def work(node: NodeState) -> partnership_scopes.ScopesChanged:
        p = await service.get_partnership(partnership_id)
        return await partnership_scopes.change_scopes(node, p, list(wanted), message=message)

    done = _run(work)
    p = done.partnership
    click.echo(f"Partnership with {p.remote_domain} shares: {', '.join(p.scope_list)}.")
    if done.offer is not None:
        asked = ", ".join(done.offer.scope_list)
        click.echo(f"Asked {p.remote_domain} to share also: {asked} (waiting for its answer).")


def _answer_request(partnership_id: UUID, accept: bool) -> Partnership:
    from node.services import partnership_scopes
    from node.services import partnerships as service

    async def work(node: NodeState) -> Partnership:
        p = await service.get_partnership(partnership_id)
        offer = await partnership_scopes.incoming_request(p)
        await partnership_scopes.decide_widening(node, offer, accept=accept, decided_by=None)
        return await service.get_partnership(partnership_id)

    return _run(work)


@scopes.command("accept")
@click.argument("partnership_id", type=click.UUID)
def accept_scopes(partnership_id: UUID) -> None:
    """Accept the partner's request to share more (where the committee decides: a proposal)."""
    p = _answer_request(partnership_id, True)
    click.echo(f"Partnership with {p.remote_domain} shares: {', '.join(p.scope_list)}.")


@scopes.command("reject")
@click.argument("partnership_id", type=click.UUID)
def reject_scopes(partnership_id: UUID) -> None:
    """Refuse the partner's request to share more: nothing changes."""
    p = _answer_request(partnership_id, False)
    click.echo(f"Request of {p.remote_domain} to share more refused.")


@scopes.command("withdraw")
@click.argument("partnership_id", type=click.UUID)
def withdraw_scopes(partnership_id: UUID) -> None:
    """Withdraw our request to share more before the partner answers."""
    from node.services import partnership_scopes
    from node.services import partnerships as service

    async def work(node: NodeState) -> Partnership:
        p = await service.get_partnership(partnership_id)
        await partnership_scopes.withdraw_request(node, p)
        return p

    click.echo(f"Our request to {_run(work).remote_domain} to share more is withdrawn.")


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


@click.group()
def charter() -> None:
    """The node's ethics charter: show it, publish a new version (a committee decision)."""


@charter.command("show")
def show_charter() -> None:
    from node.services.charter_text import Charter, charter_in_force

    async def work(node: NodeState) -> Charter:
        return await charter_in_force()

    current = _run(work)
    click.echo(f"version {current.version}\n\n{current.text_fr}\n{current.text_en}")


@charter.command("publish")
@click.option("--fr", "fr_file", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--en", "en_file", required=True, type=click.Path(exists=True, dir_okay=False))
def publish_charter(fr_file: str, en_file: str) -> None:
    """A new version from two text files; members accept it again on their next visit."""
    from pathlib import Path

    from node.services import charter as service
    from node.services.charter_text import Charter

    text_fr = Path(fr_file).read_text(encoding="utf-8")
    text_en = Path(en_file).read_text(encoding="utf-8")

    async def work(node: NodeState) -> Charter:
        return await service.publish(node, text_fr, text_en)

    click.echo(f"Charter version {_run(work).version} is in force.")


@click.group()
def blocklist() -> None:
    """Shared blocklists in Mastodon's CSV format."""


@blocklist.command("export")
def export_blocklist() -> None:
    """Print the node's blocks as Mastodon's domain-blocks CSV."""
    from node.services import blocklists

    async def work(node: NodeState) -> str:
        return await blocklists.published_csv()

    click.echo(_run(work), nl=False)


@blocklist.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--only", multiple=True, help="Apply only this domain of the file (repeat).")
def import_blocklist(path: str, only: tuple[str, ...]) -> None:
    """Apply a Mastodon domain-blocks CSV (a partner's published list): its suspend rows
    become blocks, each one a proposal where the street committee decides."""
    from pathlib import Path

    from node.services import blocklists
    from node.services import federation_policy as policy

    with Path(path).open("rb") as handle:
        data = handle.read(blocklists.MAX_BYTES + 1)

    async def work(node: NodeState) -> blocklists.Applied:
        entries = blocklists.parse_csv(data)
        chosen = {policy.normalize_domain(d) for d in only} if only else None
        return await blocklists.apply(node, entries, by=None, only=chosen)

    result = _run(work)
    for domain in result.blocked:
        click.echo(f"blocked   {domain}")
    for domain, number in result.proposed:
        click.echo(f"proposed  {domain} (waiting for the street committee: proposal {number})")
    for domain, why in result.skipped:
        click.echo(f"skipped   {domain} ({why})")


def register(main: click.Group) -> None:
    main.add_command(partnerships)
    main.add_command(associations)
    main.add_command(charter)
    main.add_command(blocklist)


__all__ = ["register"]
