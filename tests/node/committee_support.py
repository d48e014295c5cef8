"""Helpers for the street committee's tests: seat members, vote, reach the deadline."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from node.db import Database
from node.http_state import EntraideApp
from node.models import CommitteeProposal, CommitteeRole, Decision, Member
from node.services.committee import seats
from node.services.committee.closing import close_due_proposals
from node.settings import load_settings
from tests.node.fed_support import call, member

T = TypeVar("T")


async def seat(
    app: EntraideApp, count: int, *, quorum: int | None = None, facilitator: bool = True
) -> list[tuple[Member, dict[str, str]]]:
    """Seat ``count`` new members (the first one facilitator) and set the quorum."""
    people = [await member(app, f"Comité {i}") for i in range(count)]
    with app.node.db.activate():
        await seats.name_first_members(
            app.node,
            [
                (
                    m,
                    CommitteeRole.FACILITATOR if i == 0 and facilitator else CommitteeRole.MEMBER,
                    None,
                )
                for i, (m, _) in enumerate(people)
            ],
        )
        if quorum is not None:
            from node.services.committee.rules import get_committee

            committee = await get_committee()
            committee.quorum = quorum
            await committee.save()
    return people


async def vote(app: EntraideApp, proposal_id: str, headers: dict[str, str], choice: str) -> Any:
    status, body = await call(
        app,
        "PUT",
        f"/api/v1/committee/proposals/{proposal_id}/vote",
        headers,
        json={"choice": choice},
    )
    assert status == 200, body
    return body


async def votes(
    app: EntraideApp, proposal_id: str, people: list[tuple[Member, dict[str, str]]], *choices: str
) -> None:
    for (_, headers), choice in zip(people, choices, strict=False):
        await vote(app, proposal_id, headers, choice)


async def reach_deadline(
    app: EntraideApp, days: int = 8, *, partners: tuple[EntraideApp, ...] = ()
) -> int:
    """Move the node's clock past the voting period and run the closing job once; the clocks of
    ``partners`` move as well (what the node then sends them must be dated within their window)."""
    for node in (app, *partners):
        node.node.clock.advance(timedelta(days=days))
    with app.node.db.activate():
        return await close_due_proposals(app.node)


async def decision_of(app: EntraideApp, proposal_id: str) -> Decision:
    with app.node.db.activate():
        return await Decision.get(proposal_id=proposal_id)


async def only_proposal(app: EntraideApp) -> CommitteeProposal:
    with app.node.db.activate():
        rows = await CommitteeProposal.all()
    assert len(rows) == 1, rows
    return rows[0]


def in_cli_db(env: dict[str, str], monkeypatch: Any, work: Callable[[], Awaitable[T]]) -> T:
    """Run ``work`` on the database of the node that the command line's ``env`` describes."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = load_settings()

    async def run() -> T:
        db = Database(settings)
        await db.open()
        try:
            with db.activate():
                return await work()
        finally:
            await db.close()

    return asyncio.run(run())
