"""``entraide committee …``: the street committee from the command line.

entraide committee show                         # rules, members, open votes
entraide committee add PHONE [--facilitator]     # seat a member (or propose it, once seated)
entraide committee remove PHONE                  # a member leaves (a proposal, once seated)
entraide committee rules [--quorum N] [--days N] # change the rules (a proposal, once seated)
entraide committee gates GATE… | --none          # the gated areas (a proposal, once seated)

``entraide init --committee PHONE …`` names the first members the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from node.models import Member
    from node.state import NodeState


async def _member(phone: str) -> Member:
    from node.errors import NotFound
    from node.models import Member
    from node.services.phone import normalise_phone

    member = await Member.get_or_none(phone=normalise_phone(phone))
    if member is None:
        raise NotFound(f"No member has the phone number {phone}; they sign up first.")
    return member


async def name_first_members(node: NodeState, phones: tuple[str, ...]) -> list[str]:
    """Seat the first members at once (the committee must be empty); the first facilitates."""
    from node.models import CommitteeRole
    from node.services.committee import seats

    people = [await _member(phone) for phone in phones]
    roles = [CommitteeRole.FACILITATOR] + [CommitteeRole.MEMBER] * (len(people) - 1)
    await seats.name_first_members(
        node, [(m, role, None) for m, role in zip(people, roles, strict=True)]
    )
    return [m.display_name for m in people]


async def seat_by_phone(node: NodeState, phone: str, *, facilitator: bool = False) -> str:
    """Seat the member with ``phone`` (a proposal once the committee has members)."""
    from node.models import CommitteeRole
    from node.services.committee import seats

    member = await _member(phone)
    role = CommitteeRole.FACILITATOR if facilitator else CommitteeRole.MEMBER
    await seats.add_seat(node, await seats.seat_change(member, role=role), by=None)
    return member.display_name


@click.group()
def committee() -> None:
    """The street committee: its members, rules and open votes."""


@committee.command()
@click.argument("phone")
@click.option("--facilitator", is_flag=True, help="The member records meetings.")
def add(phone: str, facilitator: bool) -> None:
    """Seat a member by phone number. While the committee is empty this names its first
    members; afterwards it opens a proposal that the committee votes on."""
    from node.cli_federation import _with_node
    from node.errors import Problem

    try:
        name = _with_node(lambda node: seat_by_phone(node, phone, facilitator=facilitator))
    except Problem as exc:
        raise click.ClickException(exc.detail) from None
    click.echo(f"{name} sits on the street committee.")


def _run(work: Callable[[NodeState], Awaitable[str]]) -> None:
    """Run a committee change and print what happened; a gated change prints its proposal
    (``_with_node``) and a refused one its reason, with status 1."""
    from node.cli_federation import _with_node
    from node.errors import Problem

    try:
        click.echo(_with_node(work))
    except Problem as exc:
        raise click.ClickException(exc.detail) from None


@committee.command()
@click.argument("phone")
def remove(phone: str) -> None:
    """A member leaves the committee. Once the committee has members this opens a proposal
    that the committee votes on."""

    async def work(node: NodeState) -> str:
        from node.services.committee import seats
        from node.services.committee.changes import RemoveSeat

        member = await _member(phone)
        change = RemoveSeat(member_id=member.id, name=member.display_name)
        await seats.remove_seat(node, change, by=None)
        return f"{member.display_name} no longer sits on the street committee."

    _run(work)


@committee.command()
@click.option("--quorum", type=click.IntRange(1, 100), help="Voters needed for a vote to count.")
@click.option("--days", "voting_days", type=click.IntRange(1, 60), help="Days to vote.")
def rules(quorum: int | None, voting_days: int | None) -> None:
    """Change the quorum or the voting period (a committee decision once it has members)."""
    if quorum is None and voting_days is None:
        raise click.UsageError("Give --quorum, --days or both.")

    async def work(node: NodeState) -> str:
        from node.services.committee import seats
        from node.services.committee.changes import ChangeRules
        from node.services.committee.rules import get_committee

        current = await get_committee()
        change = ChangeRules(
            quorum=current.quorum if quorum is None else quorum,
            voting_days=current.voting_days if voting_days is None else voting_days,
        )
        if (change.quorum, change.voting_days) == (current.quorum, current.voting_days):
            return "The rules are already these; nothing to change."
        await seats.change_rules(node, change, by=None)
        return f"Rules saved: quorum {change.quorum}, {change.voting_days} days to vote."

    _run(work)


def _gate_names(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> list[str]:
    from node.services.committee.rules import Gate

    known = [g.value for g in Gate]
    unknown = [v for v in value if v not in known]
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)}: the gates are {', '.join(known)}.")
    return sorted(set(value))


@committee.command()
@click.argument("names", nargs=-1, callback=_gate_names, metavar="GATE…")
@click.option("--none", "no_gate", is_flag=True, help="Gate nothing: the admins decide alone.")
def gates(names: list[str], no_gate: bool) -> None:
    """Set the list of areas that wait for the committee (a committee decision once it has
    members): partnerships, federation_policy, associations, committee, charter."""
    if bool(names) == no_gate:
        raise click.UsageError("Name the gates, or give --none (not both).")

    async def work(node: NodeState) -> str:
        from node.services.committee import seats
        from node.services.committee.changes import ChangeGates
        from node.services.committee.rules import Gate, get_committee

        current = await get_committee()
        if sorted(current.gate_list) == names:
            return "The gates are already these; nothing to change."
        await seats.change_gates(node, ChangeGates(gates=[Gate(n) for n in names]), by=None)
        return f"Gates saved: {', '.join(names) or '-'}."

    _run(work)


@committee.command()
def show() -> None:
    """The rules, the members and the open votes."""
    from node.cli_federation import _with_node

    async def work(node: NodeState) -> list[str]:
        from node.models import ProposalState
        from node.services.committee import proposals, seats
        from node.services.committee.rules import get_committee

        c = await get_committee()
        lines = [
            f"quorum: {c.quorum}  majority: simple  voting days: {c.voting_days}",
            f"gates: {', '.join(c.gate_list) or '-'}",
            "members:",
        ]
        lines += [f"  {s.member.display_name} ({s.role.value})" for s in await seats.list_seats()]
        lines.append("open votes:")
        lines += [
            f"  {p.number}. {p.title} (until {p.deadline:%Y-%m-%d %H:%M} UTC)"
            for p in await proposals.list_proposals(ProposalState.OPEN, limit=100)
        ]
        return lines

    for line in _with_node(work):
        click.echo(line)


def register(main: click.Group) -> None:
    main.add_command(committee)
