"""Helpers shared by the outreach tests: associations with members in every role, rounds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from node.http_state import EntraideApp
from node.models import (
    Association,
    AssociationMembership,
    AssociationRole,
    AssociationStatus,
    Member,
)

Headers = dict[str, str]


@dataclass
class Cast:
    """Everyone the outreach tests need, each as (member, auth headers)."""

    app: EntraideApp
    assoc: Association
    other: Association
    pending: Association
    people: dict[str, tuple[Member, Headers]] = field(default_factory=dict)

    def h(self, who: str) -> Headers:
        return self.people[who][1]

    def id(self, who: str) -> str:
        return str(self.people[who][0].id)


async def make_association(
    app: EntraideApp, name: str, status: AssociationStatus = AssociationStatus.APPROVED
) -> Association:
    with app.node.db.activate():
        return await Association.create(
            name=name, slug=name.lower().replace(" ", "-"), status=status
        )


async def join(app: EntraideApp, member: Member, association: Association, role: str) -> None:
    with app.node.db.activate():
        await AssociationMembership.create(
            association=association, member=member, role=AssociationRole(role)
        )


async def make_cast(app: EntraideApp, make_member: Any) -> Cast:
    """Association "Maraude Nord" (admin, coordinator, volunteer on the team, volunteer off
    it, an unverified volunteer), "Samu Social" (its coordinator), a pending association's
    coordinator, a resident and a node admin who belongs to no association."""
    cast = Cast(
        app=app,
        assoc=await make_association(app, "Maraude Nord"),
        other=await make_association(app, "Samu Social"),
        pending=await make_association(app, "En Attente", AssociationStatus.PENDING),
    )
    plan = [
        ("admin", cast.assoc, "admin", True),
        ("coord", cast.assoc, "coordinator", True),
        ("vol", cast.assoc, "volunteer", True),
        ("vol2", cast.assoc, "volunteer", True),
        ("unverified", cast.assoc, "volunteer", False),
        ("other_coord", cast.other, "coordinator", True),
        ("pending_coord", cast.pending, "coordinator", True),
    ]
    for who, association, role, verified in plan:
        member, headers = await make_member(verified=verified, kind="association")
        await join(app, member, association, role)
        cast.people[who] = (member, headers)
    cast.people["resident"] = await make_member()
    cast.people["node_admin"] = await make_member(admin=True)
    return cast


def round_body(cast: Cast, **overrides: Any) -> dict[str, Any]:
    from node import clock

    body: dict[str, Any] = {
        "association_id": str(cast.assoc.id),
        "area": "Gare du Nord — canal Saint-Martin",
        "team_name": "Équipe du mardi",
        "kind": "food",
        "mode": "foot",
        "planned_at": clock.now().isoformat(),
        "team": [cast.id("vol")],
    }
    body.update(overrides)
    return body


async def planned_round(
    client: Any, cast: Cast, by: str = "coord", **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/rounds", json=round_body(cast, **overrides), headers=cast.h(by)
    )
    assert response.status_code == 201, await response.get_data(as_text=True)
    return await response.get_json()  # type: ignore[no-any-return]


async def started_round(
    client: Any, cast: Cast, by: str = "coord", starter: str = "vol", **overrides: Any
) -> dict[str, Any]:
    round_ = await planned_round(client, cast, by, **overrides)
    response = await client.post(f"/api/v1/rounds/{round_['id']}/start", headers=cast.h(starter))
    assert response.status_code == 200, await response.get_data(as_text=True)
    return await response.get_json()  # type: ignore[no-any-return]


NORTH = (48.8809, 2.3553)  # Gare du Nord


async def record(client: Any, cast: Cast, round_id: str, who: str = "vol", **overrides: Any) -> Any:
    body: dict[str, Any] = {
        "lat": NORTH[0],
        "lon": NORTH[1],
        "items": ["meal", "hot_drink"],
        "asleep": False,
    }
    body.update(overrides)
    return await client.post(
        f"/api/v1/rounds/{round_id}/encounters", json=body, headers=cast.h(who)
    )
