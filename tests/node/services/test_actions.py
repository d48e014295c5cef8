"""Actions: posting, reading, editing, deleting; privacy of the exact point; expiry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from node.http_state import EntraideApp
from node.models import Action, ActionStatus, AssociationRole, AssociationStatus
from node.services import geo
from node.services.actions import expire_due_actions
from node.services.tokens import issue_token
from tests.conftest import MemberFactory, assert_no_private_data
from tests.factories import (
    PARIS,
    action_body,
    make_association,
    make_proxy,
    outing_body,
    post_action,
)

JITTER_KM = geo.JITTER_RADIUS_M / 1000 + 1e-6


async def test_post_a_need(client: Any, make_member: MemberFactory) -> None:
    member, headers = await make_member()
    data = await post_action(client, headers, title="  Un repas chaud  ")
    assert data["title"] == "Un repas chaud"
    assert data["status"] == "open" and data["visibility"] == "public" and data["is_mine"]
    assert (data["exact_lat"], data["exact_lon"]) == PARIS
    assert geo.haversine_km(*PARIS, data["lat"], data["lon"]) <= JITTER_KM
    assert (data["lat"], data["lon"]) != PARIS
    assert data["author"] == {"id": str(member.id), "pseudonym": member.pseudonym}
    assert data["h3_cell"] and len(data["h3_cell"]) == 15
    assert_no_private_data(data, member)


async def test_post_an_outing(client: Any, make_member: MemberFactory) -> None:
    _, headers = await make_member()
    response = await client.post("/api/v1/actions", json=outing_body(), headers=headers)
    assert response.status_code == 201
    data = await response.get_json()
    assert data["kind"] == "outing" and data["capacity"] == 2
    assert data["place_name"] == "Parc des Buttes-Chaumont"


async def test_posting_needs_authentication(client: Any, make_member: MemberFactory) -> None:
    response = await client.post("/api/v1/actions", json=action_body())
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    bad = {"Authorization": "Bearer nope"}
    assert (
        await client.post("/api/v1/actions", json=action_body(), headers=bad)
    ).status_code == 401


async def test_unverified_members_cannot_post(client: Any, make_member: MemberFactory) -> None:
    _, headers = await make_member(verified=False)
    response = await client.post("/api/v1/actions", json=action_body(), headers=headers)
    assert response.status_code == 403
    assert response.headers["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "overrides",
    [
        {"lat": "north"},
        {"kind": "gift"},
        {"category": "weapons"},
        {"visibility": "world"},
        {"title": "ab"},
        {"title": "   ab   "},
        {"title": "x" * 121},
        {"description": "x" * 4001},
        {"lat": 90.5},
        {"lon": -180.01},
        {"surprise": 1},
        {"address": "12 rue de la Paix"},
        {"capacity": 3},
        {"place_name": "Parc"},
        {"starts_at": "2030-01-01T10:00:00+00:00"},
        {"visibility": "association"},
        {"association_id": "not-a-uuid"},
    ],
)
async def test_invalid_actions_are_422(
    client: Any, make_member: MemberFactory, overrides: dict[str, Any]
) -> None:
    _, headers = await make_member()
    response = await client.post("/api/v1/actions", json=action_body(**overrides), headers=headers)
    assert response.status_code == 422, await response.get_json()
    assert (await response.get_json())["status"] == 422


@pytest.mark.parametrize(
    "change",
    [
        {"capacity": None},
        {"place_name": None},
        {"starts_at": None},
        {"capacity": 0},
        {"capacity": 1001},
        {"starts_at": "2001-01-01T10:00:00+00:00"},
        {"starts_at": "2030-01-01T10:00:00"},
        {"ends_at": "2000-01-01T10:00:00+00:00"},
    ],
)
async def test_invalid_outings_are_422(
    client: Any, make_member: MemberFactory, change: dict[str, Any]
) -> None:
    _, headers = await make_member()
    body = {k: v for k, v in outing_body(**change).items() if v is not None}
    response = await client.post("/api/v1/actions", json=body, headers=headers)
    assert response.status_code == 422, await response.get_json()


async def test_malformed_json_is_400(client: Any, make_member: MemberFactory) -> None:
    _, headers = await make_member()
    response = await client.post(
        "/api/v1/actions",
        data=b'{"kind": "need",',
        headers={**headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400


async def test_oversized_body_is_413(client: Any, make_member: MemberFactory) -> None:
    _, headers = await make_member()
    body = action_body(description="x" * 1_100_000)
    response = await client.post("/api/v1/actions", json=body, headers=headers)
    assert response.status_code == 413


async def test_others_never_see_the_exact_point(client: Any, make_member: MemberFactory) -> None:
    author, headers = await make_member()
    other, other_headers = await make_member()
    lat, lon = 48.8412345, 2.3198765
    created = await post_action(client, headers, lat=lat, lon=lon)
    for who in (other_headers, {}):
        response = await client.get(f"/api/v1/actions/{created['id']}", headers=who)
        assert response.status_code == 200
        data = await response.get_json()
        assert data["exact_lat"] is None and data["exact_lon"] is None and not data["is_mine"]
        text = await response.get_data(as_text=True)
        assert str(lat) not in text and str(lon) not in text
        assert geo.haversine_km(lat, lon, data["lat"], data["lon"]) <= JITTER_KM
        assert_no_private_data(data, author, other)


async def test_unknown_action_is_404(client: Any) -> None:
    assert (
        await client.get(f"/api/v1/actions/{'0' * 8}-0000-4000-8000-{'0' * 12}")
    ).status_code == 404
    assert (await client.get("/api/v1/actions/not-a-uuid")).status_code == 404


async def test_node_visibility(client: Any, make_member: MemberFactory) -> None:
    _, headers = await make_member()
    _, other = await make_member(verified=False)
    created = await post_action(client, headers, visibility="node")
    url = f"/api/v1/actions/{created['id']}"
    assert (await client.get(url)).status_code == 404
    assert (await client.get(url, headers=other)).status_code == 200


async def test_association_visibility(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    author, headers = await make_member()
    volunteer, volunteer_headers = await make_member()
    _, outsider = await make_member()
    association = await make_association(
        app, {author: AssociationRole.VOLUNTEER, volunteer: AssociationRole.VOLUNTEER}
    )
    created = await post_action(
        client, headers, visibility="association", association_id=str(association.id)
    )
    assert created["association"] == {"id": str(association.id), "name": "Les Amis"}
    url = f"/api/v1/actions/{created['id']}"
    assert (await client.get(url, headers=volunteer_headers)).status_code == 200
    assert (await client.get(url, headers=outsider)).status_code == 404
    assert (await client.get(url)).status_code == 404
    # Not an outsider's association to post for, and a pending one cannot post.
    body = action_body(association_id=str(association.id))
    assert (await client.post("/api/v1/actions", json=body, headers=outsider)).status_code == 403
    pending = await make_association(
        app, {author: AssociationRole.ADMIN}, name="Pas encore", status=AssociationStatus.PENDING
    )
    body = action_body(association_id=str(pending.id))
    assert (await client.post("/api/v1/actions", json=body, headers=headers)).status_code == 422


async def test_posting_for_a_proxy_profile_records_consent(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    coordinator, headers = await make_member()
    volunteer, volunteer_headers = await make_member()
    resident, _ = await make_member()
    association = await make_association(
        app, {coordinator: AssociationRole.COORDINATOR, volunteer: AssociationRole.VOLUNTEER}
    )
    proxy = await make_proxy(app, association)
    body = action_body(on_behalf_of=str(proxy.id))
    missing = await client.post("/api/v1/actions", json=body, headers=headers)
    assert missing.status_code == 422
    assert (await missing.get_json())["errors"][0]["field"] == "consent"
    body["consent"] = True
    as_volunteer = await client.post("/api/v1/actions", json=body, headers=volunteer_headers)
    assert as_volunteer.status_code == 403
    not_proxy = {**body, "on_behalf_of": str(resident.id)}
    assert (
        await client.post("/api/v1/actions", json=not_proxy, headers=headers)
    ).status_code == 422
    response = await client.post("/api/v1/actions", json=body, headers=headers)
    assert response.status_code == 201
    data = await response.get_json()
    assert data["on_behalf_of"] == {"id": str(proxy.id), "pseudonym": "Jean"}
    assert data["association"]["id"] == str(association.id)
    with app.node.db.activate():
        row = await Action.get(id=data["id"])
    assert row.consent_recorded_at is not None
    # The association's coordinators manage what they posted for the person.
    patched = await client.patch(
        f"/api/v1/actions/{data['id']}", json={"title": "Des chaussures"}, headers=headers
    )
    assert patched.status_code == 200


async def test_author_edits_and_relocation_rejitters(
    client: Any, make_member: MemberFactory
) -> None:
    _, headers = await make_member()
    created = await post_action(client, headers)
    url = f"/api/v1/actions/{created['id']}"
    new = (45.764, 4.8357)
    response = await client.patch(
        url,
        json={"title": "Un café", "category": "social", "lat": new[0], "lon": new[1]},
        headers=headers,
    )
    assert response.status_code == 200
    data = await response.get_json()
    assert data["title"] == "Un café" and data["category"] == "social"
    assert (data["exact_lat"], data["exact_lon"]) == new
    assert geo.haversine_km(*new, data["lat"], data["lon"]) <= JITTER_KM
    assert (await client.patch(url, json={"lat": 1.0}, headers=headers)).status_code == 422
    assert (await client.patch(url, json={"title": None}, headers=headers)).status_code == 422
    assert (await client.patch(url, json={"status": "open"}, headers=headers)).status_code == 422
    assert (await client.patch(url, json={"kind": "offer"}, headers=headers)).status_code == 422
    done = await client.patch(url, json={"status": "fulfilled"}, headers=headers)
    assert (await done.get_json())["status"] == "fulfilled"
    again = await client.patch(url, json={"status": "closed"}, headers=headers)
    assert again.status_code == 409


async def test_only_managers_edit_and_delete(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    _, headers = await make_member()
    _, other = await make_member()
    _, admin = await make_member(admin=True)
    created = await post_action(client, headers)
    url = f"/api/v1/actions/{created['id']}"
    assert (await client.patch(url, json={"title": "Mine now"})).status_code == 401
    assert (await client.patch(url, json={"title": "Mine now"}, headers=other)).status_code == 403
    assert (await client.delete(url, headers=other)).status_code == 403
    assert (await client.delete(url)).status_code == 401
    assert (await client.patch(url, json={"title": "Modéré"}, headers=admin)).status_code == 200
    hidden = await post_action(client, headers, visibility="node")
    hidden_url = f"/api/v1/actions/{hidden['id']}"
    _, unverified = await make_member(verified=False)
    # Visible to any member of the node, so a 403, but unknown ids are 404.
    assert (await client.delete(hidden_url, headers=unverified)).status_code == 403
    missing = f"/api/v1/actions/{'0' * 8}-0000-4000-8000-{'0' * 12}"
    assert (await client.delete(missing, headers=headers)).status_code == 404
    assert (await client.delete(url, headers=headers)).status_code == 204
    assert (await client.get(url)).status_code == 404


async def test_association_coordinators_manage_association_actions(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    author, headers = await make_member()
    coordinator, coordinator_headers = await make_member()
    volunteer, volunteer_headers = await make_member()
    association = await make_association(
        app,
        {
            author: AssociationRole.VOLUNTEER,
            coordinator: AssociationRole.COORDINATOR,
            volunteer: AssociationRole.VOLUNTEER,
        },
    )
    created = await post_action(client, headers, association_id=str(association.id))
    url = f"/api/v1/actions/{created['id']}"
    response = await client.patch(url, json={"title": "Relu"}, headers=volunteer_headers)
    assert response.status_code == 403
    response = await client.patch(url, json={"status": "closed"}, headers=coordinator_headers)
    assert response.status_code == 200
    data = await response.get_json()
    assert data["status"] == "closed"
    assert data["exact_lat"] is None  # a coordinator is not the author


async def test_open_actions_expire(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    author, headers = await make_member()
    created = await post_action(client, headers)
    url = f"/api/v1/actions/{created['id']}"
    app.node.clock.advance(timedelta(days=app.node.settings.action_ttl_days, seconds=1))
    with app.node.db.activate():  # a month later the author's app holds a renewed token
        _, secret = await issue_token(author)
    headers = {"Authorization": f"Bearer {secret}"}
    # Expired for readers before the job has run...
    assert (await (await client.get(url)).get_json())["status"] == "expired"
    assert (await client.patch(url, json={"status": "closed"}, headers=headers)).status_code == 409
    with app.node.db.activate():
        assert await expire_due_actions() == 1
        assert await expire_due_actions() == 0
        row = await Action.get(id=created["id"])
    assert row.status == ActionStatus.EXPIRED
    assert (await (await client.get(url)).get_json())["status"] == "expired"


async def test_openapi_documents_the_action_routes(client: Any) -> None:
    spec = await (await client.get("/openapi.json")).get_json()
    paths = spec["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/actions"])
    assert {"get", "patch", "delete"} <= set(paths["/api/v1/actions/{action_id}"])
    assert "/api/v1/actions/{action_id}/messages" in paths
