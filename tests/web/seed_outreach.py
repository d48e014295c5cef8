"""Seed a browser-test node for outreach (run as ``python -m tests.web.seed_outreach`` with the
node's ``ENTRAIDE_*`` environment, while it serves): two approved associations, a volunteer of
the first with a planned round, and a started round of the second with an encounter of a
sleeping person at ``POINT`` — so that the volunteer's encounter there gets the warning."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

from node import clock
from node.app import create_app
from node.models import (
    AssociationMembership,
    AssociationRole,
    Member,
    OutreachItem,
    RoundKind,
    RoundMode,
)
from node.services import encounters, rounds
from node.settings import Settings
from tests.factories import new_association, new_member

POINT = (48.86321, 2.36024)
PASSWORD = "un mot de passe solide"
# A partner's name is text wherever it shows, never markup (server pages and map tooltips).
HOSTILE_NAME = 'Samu <a href="https://evil.example/" id="injected">social</a>'


async def _member(phone: str, pseudonym: str) -> Member:
    member, _ = await new_member(
        phone=phone,
        email=f"{pseudonym.lower()}@example.org",
        pseudonym=pseudonym,
        password=PASSWORD,
    )
    return member


async def seed(volunteer_phone: str) -> None:
    app = create_app(Settings())
    await app.node.db.open()
    try:
        with app.node.db.activate():
            ours = await new_association("Les Maraudeurs du Marais", slug="marais")
            theirs = await new_association(HOSTILE_NAME, slug="samu")
            volunteer = await _member(volunteer_phone, "Camille")
            coordinator = await _member("+33699000002", "Nadia")
            other = await _member("+33699000003", "Yanis")
            for association, member, role in (
                (ours, volunteer, AssociationRole.VOLUNTEER),
                (ours, coordinator, AssociationRole.COORDINATOR),
                (theirs, other, AssociationRole.COORDINATOR),
            ):
                await AssociationMembership.create(
                    association=association, member=member, role=role
                )
            soon = clock.now() + timedelta(minutes=30)
            await rounds.plan_round(
                coordinator,
                association_id=ours.id,
                area="République et canal Saint-Martin",
                team_name="Équipe du soir",
                kind=RoundKind.FOOD,
                mode=RoundMode.FOOT,
                planned_at=soon,
                team=[volunteer.id, coordinator.id],
            )
            theirs_round = await rounds.plan_round(
                other,
                association_id=theirs.id,
                area="Marais",
                team_name="Équipe 2",
                kind=RoundKind.SOCIAL,
                mode=RoundMode.VEHICLE,
                planned_at=clock.now(),
                team=[other.id],
            )
            access = await rounds.round_access(other, theirs_round.id)
            await rounds.start_round(access, auto_close_hours=4, retention_hours=48)
            access = await rounds.round_access(other, theirs_round.id)
            await encounters.record_encounter(
                access,
                other,
                secret=app.node.secret,
                window_hours=12,
                lat=POINT[0],
                lon=POINT[1],
                items=[OutreachItem.MEAL, OutreachItem.BLANKET],
                asleep=True,
                needs_follow_up=False,
                occurred_at=None,
                note="Sous le porche",
                pseudonym=None,
                consent=False,
                node=app.node,
            )
    finally:
        await app.node.db.close()


if __name__ == "__main__":
    asyncio.run(seed(sys.argv[1]))
