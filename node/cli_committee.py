"""``entraide committee …``: the street committee from the command line.

entraide committee show                         # rules, members, open votes
entraide committee add PHONE [--facilitator]     # seat a member (or propose it, once seated)

``entraide init --committee PHONE …`` names the first members the same way.
"""

from __future__ import annotations

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
