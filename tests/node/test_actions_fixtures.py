"""Helpers shared by the action, feed, participation and chat tests (no tests here)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from node import clock
from node.models import (
    Association,
    AssociationMembership,
    AssociationRole,
    AssociationStatus,
    Member,
    MemberKind,
)
from node.state import EntraideApp

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
