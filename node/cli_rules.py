"""``entraide rules …``: the node's house rules from the command line.

entraide rules list                                  # the rules in force, numbered
entraide rules add --fr TEXT --en TEXT [--position N]
entraide rules edit N --fr TEXT --en TEXT
entraide rules remove N
entraide rules move N TO

While the street committee decides on the gate ``moderation``, every change opens a proposal
(``Waiting for the street committee: proposal …``, exit status 0) and changes nothing yet.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from node.services.house_rules import Rule
    from node.state import NodeState


def _lines(rules: list[Rule]) -> str:
    return "\n".join(f"{r.number}. {r.text_fr}\n   {r.text_en}" for r in rules)


def _run(work: Callable[[NodeState], Awaitable[list[Rule]]], done: str) -> None:
    """Carry out a change and print the new list; a refused one prints its reason (status 1)."""
    from node.cli_federation import _with_node
    from node.errors import Problem

    try:
        rules = _with_node(work)
    except Problem as exc:
        raise click.ClickException(exc.detail) from None
    click.echo(done)
    click.echo(_lines(rules))


@click.group("rules")
def rules_group() -> None:
    """The house rules (« Règles de vie ») the moderators apply."""


@rules_group.command("list")
def list_command() -> None:
    """Print the rules in force, numbered, in French and in English."""

    async def work(node: NodeState) -> list[Rule]:
        from node.services import house_rules

        return await house_rules.rules_in_force()

    from node.cli_federation import _with_node

    click.echo(_lines(_with_node(work)))


@rules_group.command("add")
@click.option("--fr", "text_fr", required=True, help="The rule in French.")
@click.option("--en", "text_en", required=True, help="The rule in English.")
@click.option("--position", type=click.IntRange(1, 1000), help="Its number (default: last).")
def add_command(text_fr: str, text_en: str, position: int | None) -> None:
    """Add a rule."""

    async def work(node: NodeState) -> list[Rule]:
        from node.services import house_rules

        return await house_rules.add(node, text_fr, text_en, position=position)

    _run(work, "Rule added.")


@rules_group.command("edit")
@click.argument("number", type=int)
@click.option("--fr", "text_fr", required=True, help="The rule in French.")
@click.option("--en", "text_en", required=True, help="The rule in English.")
def edit_command(number: int, text_fr: str, text_en: str) -> None:
    """Give rule NUMBER new words."""

    async def work(node: NodeState) -> list[Rule]:
        from node.services import house_rules

        return await house_rules.edit(node, number, text_fr, text_en)

    _run(work, f"Rule {number} changed.")


@rules_group.command("remove")
@click.argument("number", type=int)
def remove_command(number: int) -> None:
    """Remove rule NUMBER (reports that cited it keep its words)."""

    async def work(node: NodeState) -> list[Rule]:
        from node.services import house_rules

        return await house_rules.remove(node, number)

    _run(work, f"Rule {number} removed.")


@rules_group.command("move")
@click.argument("number", type=int)
@click.argument("to", type=int)
def move_command(number: int, to: int) -> None:
    """Move rule NUMBER to place TO."""

    async def work(node: NodeState) -> list[Rule]:
        from node.services import house_rules

        return await house_rules.move(node, number, to)

    _run(work, f"Rule {number} moved to place {to}.")


def register(main: click.Group) -> None:
    main.add_command(rules_group)
