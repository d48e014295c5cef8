"""Helpers shared by the action, feed, participation and chat tests (no tests here)."""

from __future__ import annotations

import math
import random
from datetime import timedelta
from typing import Any

from node import clock
from node.http_state import EntraideApp
from node.models import (
    Action,
    ActionCategory,
    ActionKind,
    Association,
    AssociationMembership,
    AssociationRole,
    AssociationStatus,
    Member,
    MemberKind,
)

PARIS = (48.8566, 2.3522)


def action_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "need",
        "category": "food",
        "title": "Un repas chaud",
        "description": "Ce soir si possible.",
        "lat": PARIS[0],
        "lon": PARIS[1],
    }
    body.update(overrides)
    return body


def outing_body(**overrides: Any) -> dict[str, Any]:
    start = clock.now() + timedelta(days=2)
    body = action_body(
        kind="outing",
        category="social",
        title="Café au parc",
        starts_at=start.isoformat(),
        ends_at=(start + timedelta(hours=2)).isoformat(),
        place_name="Parc des Buttes-Chaumont",
        capacity=2,
    )
    body.update(overrides)
    return body


async def post_action(client: Any, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/actions", json=action_body(**overrides), headers=headers)
    assert response.status_code == 201, await response.get_data(as_text=True)
    data: dict[str, Any] = await response.get_json()
    return data


async def make_association(
    app: EntraideApp,
    members: dict[Member, AssociationRole],
    *,
    name: str = "Les Amis",
    status: AssociationStatus = AssociationStatus.APPROVED,
) -> Association:
    with app.node.db.activate():
        association = await Association.create(
            name=name, slug=name.lower().replace(" ", "-"), status=status
        )
        for member, role in members.items():
            await AssociationMembership.create(association=association, member=member, role=role)
    return association


async def make_proxy(app: EntraideApp, association: Association) -> Member:
    with app.node.db.activate():
        return await Member.create(
            pseudonym="Jean",
            kind=MemberKind.PERSON_IN_NEED,
            managed_by=association,
        )


def assert_no_private_data(payload: Any, *members: Member) -> None:
    """No phone or email of ``members`` anywhere in a JSON payload."""
    text = repr(payload)
    for member in members:
        for secret in (member.phone, member.email):
            if secret:
                assert secret not in text
    assert "phone" not in text and "email" not in text


async def seed_actions(
    app: EntraideApp,
    author: Member,
    points: list[tuple[float, float]],
    **fields: Any,
) -> list[Action]:
    """Insert actions in bulk (one per point), one second apart, newest last."""
    from node.services import geo

    now = clock.now()
    rows = []
    for index, (lat, lon) in enumerate(points):
        public = geo.publish(lat, lon)
        created = now - timedelta(seconds=len(points) - index)
        values: dict[str, Any] = {
            "kind": ActionKind.NEED,
            "category": ActionCategory.FOOD,
            "title": f"Action {index}",
            "author": author,
            "lat": lat,
            "lon": lon,
            "public_lat": public.lat,
            "public_lon": public.lon,
            "h3_cell": public.h3_cell,
            "h3_r7": public.h3_r7,
            "h3_r5": public.h3_r5,
            "unit_x": public.unit_x,
            "unit_y": public.unit_y,
            "unit_z": public.unit_z,
            "expires_at": now + timedelta(days=30),
            "created_at": created,
            "updated_at": created,
        }
        values.update(fields)
        rows.append(Action(**values))
    with app.node.db.activate():
        await Action.bulk_create(rows, batch_size=500)
    return rows


def ring_points(
    centre: tuple[float, float], distances_km: list[float], seed: int = 1
) -> list[tuple[float, float]]:
    from node.services import geo

    rng = random.Random(seed)
    return [geo.destination(*centre, rng.uniform(0, 2 * math.pi), d) for d in distances_km]
