"""Associations: requests and approval, members and roles, proxy profiles, privacy."""

from __future__ import annotations

from typing import Any

import pytest

from node.http_state import EntraideApp
from node.models import AssociationMembership, Member, MemberKind

API = "/api/v1/associations"


async def create(client: Any, headers: dict[str, str], name: str = "Emmaüs Paris") -> Any:
    return await client.post(API, json={"name": name, "description": "Solidarité"}, headers=headers)


async def join(
    client: Any,
    association_id: str,
    admin: dict[str, str],
    member: tuple[Member, dict[str, str]],
    role: str = "volunteer",
) -> None:
    """The admin invites the member's number; the member accepts on their page."""
    response = await client.post(
        f"{API}/{association_id}/members",
        json={"phone": member[0].phone, "role": role},
        headers=admin,
    )
    assert response.status_code == 202, await response.get_json()
    mine = await (await client.get("/api/v1/me/invitations", headers=member[1])).get_json()
    (invitation,) = [i for i in mine["items"] if i["association_id"] == association_id]
    accepted = await client.post(
        f"/api/v1/me/invitations/{invitation['id']}/accept", headers=member[1]
    )
    assert accepted.status_code == 200, await accepted.get_json()


@pytest.fixture
async def setup(client: Any, make_member: Any) -> dict[str, Any]:
    """An approved association with an admin, a coordinator and a volunteer, plus a stranger."""
    node_admin, admin_headers = await make_member(admin=True)
    members = {}
    for name in ("admin", "coordinator", "volunteer", "stranger"):
        members[name] = await make_member(pseudonym=name.title())
    response = await create(client, members["admin"][1])
    association = await response.get_json()
    await client.post(f"{API}/{association['id']}/approve", headers=admin_headers)
    for role in ("coordinator", "volunteer"):
        await join(client, association["id"], members["admin"][1], members[role], role)
    return {
        "id": association["id"],
        "url": f"{API}/{association['id']}",
        "node_admin": (node_admin, admin_headers),
        **members,
    }


async def test_node_admin_creates_an_approved_association(client: Any, make_member: Any) -> None:
    _, headers = await make_member(admin=True)
    response = await create(client, headers, "Les Restos du Cœur")
    body = await response.get_json()
    assert response.status_code == 201, body
    assert body["status"] == "approved" and body["slug"] == "les-restos-du-coeur"
    assert body["decided_at"] is not None
    public = await (await client.get(API)).get_json()
    assert [a["name"] for a in public["items"]] == ["Les Restos du Cœur"]


async def test_member_request_is_pending_until_approved(
    app: EntraideApp, client: Any, make_member: Any
) -> None:
    member, headers = await make_member()
    _, admin = await make_member(admin=True)
    _, stranger = await make_member()
    body = await (await create(client, headers)).get_json()
    assert body["status"] == "pending"
    url = f"{API}/{body['id']}"
    with app.node.db.activate():
        row = await AssociationMembership.get(association_id=body["id"])
    assert row.member_id == member.id and row.role == "admin"  # type: ignore[attr-defined]
    assert (await (await client.get(API)).get_json())["items"] == []
    # Pending: seen by its members and node admins only.
    assert (await client.get(url)).status_code == 404
    assert (await client.get(url, headers=stranger)).status_code == 404
    assert (await client.get(url, headers=headers)).status_code == 200
    assert (await client.get(url, headers=admin)).status_code == 200
    pending = await (
        await client.get(API, query_string={"status": "pending"}, headers=admin)
    ).get_json()
    assert [a["id"] for a in pending["items"]] == [body["id"]]
    # Members cannot be added before approval.
    response = await client.post(f"{url}/members", json={"phone": "0698765432"}, headers=headers)
    assert response.status_code == 409

    response = await client.post(f"{url}/approve", headers=admin)
    assert response.status_code == 200
    assert (await response.get_json())["status"] == "approved"
    assert (await client.get(url)).status_code == 200
    assert (await client.post(f"{url}/approve", headers=admin)).status_code == 409
    assert (await client.post(f"{url}/reject", headers=admin)).status_code == 409


async def test_reject(client: Any, make_member: Any) -> None:
    _, headers = await make_member()
    _, admin = await make_member(admin=True)
    body = await (await create(client, headers)).get_json()
    response = await client.post(f"{API}/{body['id']}/reject", headers=admin)
    assert response.status_code == 200
    assert (await response.get_json())["status"] == "rejected"
    rejected = await (
        await client.get(API, query_string={"status": "rejected"}, headers=admin)
    ).get_json()
    assert len(rejected["items"]) == 1
    assert (await client.get(f"{API}/{body['id']}")).status_code == 404


async def test_approve_and_reject_are_for_node_admins(client: Any, make_member: Any) -> None:
    _, headers = await make_member()
    _, admin = await make_member(admin=True)
    body = await (await create(client, headers)).get_json()
    for action in ("approve", "reject"):
        url = f"{API}/{body['id']}/{action}"
        assert (await client.post(url)).status_code == 401
        assert (await client.post(url, headers=headers)).status_code == 403
    unknown = f"{API}/00000000-0000-0000-0000-000000000000/approve"
    assert (await client.post(unknown, headers=admin)).status_code == 404
    assert (await client.post(f"{API}/not-a-uuid/approve", headers=admin)).status_code == 404


async def test_listing_unapproved_is_for_node_admins(client: Any, make_member: Any) -> None:
    _, headers = await make_member()
    assert (await client.get(API, query_string={"status": "pending"})).status_code == 403
    response = await client.get(API, query_string={"status": "pending"}, headers=headers)
    assert response.status_code == 403
    assert (await client.get(API, query_string={"status": "bogus"})).status_code == 422
    assert (await client.get(API, query_string={"limit": "1000"})).status_code == 422
    assert (await client.get(API, headers={"Authorization": "Bearer x"})).status_code == 200


async def test_create_needs_a_verified_member(client: Any, make_member: Any) -> None:
    _, unverified = await make_member(verified=False)
    assert (await create(client, {})).status_code == 401
    assert (await create(client, {"Authorization": "Bearer nope"})).status_code == 401
    assert (await create(client, unverified)).status_code == 403


async def test_duplicate_names_and_slugs(client: Any, make_member: Any) -> None:
    _, admin = await make_member(admin=True)
    assert (await create(client, admin, "Emmaüs")).status_code == 201
    response = await create(client, admin, "  EMMAÜS ")
    assert response.status_code == 409
    assert (await response.get_json())["errors"][0]["field"] == "name"
    response = await create(client, admin, "Emmaus")
    assert response.status_code == 201
    assert (await response.get_json())["slug"] == "emmaus-2"


@pytest.mark.parametrize(
    "body",
    [
        {"name": "A"},
        {"name": "x" * 121},
        {"name": "Bon nom", "description": "x" * 5001},
        {"name": "Bon nom", "status": "approved"},
        {"name": 12},
        {},
    ],
)
async def test_create_rejects_invalid_input(
    client: Any, make_member: Any, body: dict[str, Any]
) -> None:
    _, admin = await make_member(admin=True)
    assert (await client.post(API, json=body, headers=admin)).status_code == 422


async def test_create_malformed_and_oversized(client: Any, make_member: Any) -> None:
    _, admin = await make_member(admin=True)
    headers = {**admin, "Content-Type": "application/json"}
    assert (await client.post(API, data=b"{", headers=headers)).status_code == 400
    big = b'{"name": "' + b"x" * 1_100_000 + b'"}'
    assert (await client.post(API, data=big, headers=headers)).status_code == 413


async def test_get_unknown_association_is_404(client: Any) -> None:
    response = await client.get(f"{API}/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404


# --- members and roles -------------------------------------------------------------------------


async def test_members_list_shows_pseudonyms_and_roles_only(
    client: Any, setup: dict[str, Any]
) -> None:
    response = await client.get(f"{setup['url']}/members", headers=setup["volunteer"][1])
    body = await response.get_json()
    assert response.status_code == 200
    assert {(m["pseudonym"], m["role"]) for m in body["items"]} == {
        ("Admin", "admin"),
        ("Coordinator", "coordinator"),
        ("Volunteer", "volunteer"),
    }
    text = str(body)
    for name in ("admin", "coordinator", "volunteer"):
        member = setup[name][0]
        assert member.phone not in text and member.email not in text
    assert "phone" not in text and "email" not in text


async def test_association_outputs_never_show_contact_details(
    client: Any, setup: dict[str, Any]
) -> None:
    headers = setup["volunteer"][1]
    outputs = [
        await (await client.get(API)).get_data(as_text=True),
        await (await client.get(setup["url"], headers=headers)).get_data(as_text=True),
        await (await client.get(f"{setup['url']}/members", headers=headers)).get_data(as_text=True),
        await (await client.get(f"{setup['url']}/proxies", headers=headers)).get_data(as_text=True),
    ]
    for name in ("admin", "coordinator", "volunteer", "stranger"):
        member = setup[name][0]
        for output in outputs:
            assert member.phone not in output and member.email not in output


async def test_members_list_is_for_members(client: Any, setup: dict[str, Any]) -> None:
    url = f"{setup['url']}/members"
    assert (await client.get(url)).status_code == 401
    assert (await client.get(url, headers=setup["stranger"][1])).status_code == 403
    assert (await client.get(url, headers=setup["node_admin"][1])).status_code == 200


async def test_invite_member_rules(client: Any, setup: dict[str, Any], make_member: Any) -> None:
    url = f"{setup['url']}/members"
    admin = setup["admin"][1]
    stranger = setup["stranger"][0]
    # Only association admins (or node admins) invite.
    for who in ("coordinator", "volunteer", "stranger"):
        response = await client.post(url, json={"phone": stranger.phone}, headers=setup[who][1])
        assert response.status_code == 403
    assert (await client.post(url, json={"phone": stranger.phone})).status_code == 401
    response = await client.post(url, json={"phone": "12"}, headers=admin)
    assert response.status_code == 422
    response = await client.post(url, json={"phone": stranger.phone, "role": "boss"}, headers=admin)
    assert response.status_code == 422
    response = await client.post(url, json={"phone": stranger.phone, "x": 1}, headers=admin)
    assert response.status_code == 422
    # Phone in national format; default role volunteer; nobody joins before accepting.
    national = "0" + stranger.phone[3:]
    response = await client.post(url, json={"phone": national}, headers=admin)
    body = await response.get_json()
    assert response.status_code == 202, body
    assert set(body) == {"status", "expires_at"}
    listed = await (await client.get(url, headers=admin)).get_json()
    assert "Stranger" not in {m["pseudonym"] for m in listed["items"]}
    await join(client, setup["id"], admin, setup["stranger"])
    listed = await (await client.get(url, headers=admin)).get_json()
    assert {"pseudonym": "Stranger", "role": "volunteer"}.items() <= next(
        m for m in listed["items"] if m["pseudonym"] == "Stranger"
    ).items()
    # Inviting someone already inside answers the same.
    again = await client.post(url, json={"phone": stranger.phone}, headers=admin)
    assert again.status_code == 202
    # Node admins may manage any association.
    other = await make_member()
    await join(client, setup["id"], setup["node_admin"][1], other)


async def test_change_roles(client: Any, setup: dict[str, Any]) -> None:
    volunteer = setup["volunteer"][0]
    url = f"{setup['url']}/members/{volunteer.id}"
    response = await client.patch(url, json={"role": "admin"}, headers=setup["admin"][1])
    assert response.status_code == 200
    assert (await response.get_json())["role"] == "admin"
    # The new admin can demote the first one; demoting the last admin is refused.
    first = f"{setup['url']}/members/{setup['admin'][0].id}"
    response = await client.patch(
        first, json={"role": "coordinator"}, headers=setup["volunteer"][1]
    )
    assert response.status_code == 200
    response = await client.patch(url, json={"role": "volunteer"}, headers=setup["volunteer"][1])
    assert response.status_code == 409


async def test_change_role_rejections(client: Any, setup: dict[str, Any]) -> None:
    admin = setup["admin"][1]
    url = f"{setup['url']}/members/{setup['volunteer'][0].id}"
    assert (await client.patch(url, json={"role": "admin"})).status_code == 401
    response = await client.patch(url, json={"role": "admin"}, headers=setup["coordinator"][1])
    assert response.status_code == 403
    assert (await client.patch(url, json={"role": "chief"}, headers=admin)).status_code == 422
    assert (await client.patch(url, json={}, headers=admin)).status_code == 422
    stranger = f"{setup['url']}/members/{setup['stranger'][0].id}"
    assert (await client.patch(stranger, json={"role": "admin"}, headers=admin)).status_code == 404
    response = await client.patch(
        url, data=b"{", headers={**admin, "Content-Type": "application/json"}
    )
    assert response.status_code == 400


async def test_remove_members_and_leave(client: Any, setup: dict[str, Any]) -> None:
    base = f"{setup['url']}/members"
    volunteer, coordinator, admin = (setup[n][0] for n in ("volunteer", "coordinator", "admin"))
    # A volunteer cannot remove someone else, but can leave.
    response = await client.delete(f"{base}/{coordinator.id}", headers=setup["volunteer"][1])
    assert response.status_code == 403
    response = await client.delete(f"{base}/{volunteer.id}", headers=setup["volunteer"][1])
    assert response.status_code == 204
    # The admin removes the coordinator; removing them again is 404.
    assert (
        await client.delete(f"{base}/{coordinator.id}", headers=setup["admin"][1])
    ).status_code == 204
    assert (
        await client.delete(f"{base}/{coordinator.id}", headers=setup["admin"][1])
    ).status_code == 404
    # The last admin cannot leave.
    assert (await client.delete(f"{base}/{admin.id}", headers=setup["admin"][1])).status_code == 409
    assert (await client.delete(f"{base}/{admin.id}")).status_code == 401
    items = (await (await client.get(base, headers=setup["admin"][1])).get_json())["items"]
    assert [m["pseudonym"] for m in items] == ["Admin"]


# --- proxy profiles ----------------------------------------------------------------------------


PROXY = {
    "pseudonym": "Jo du square",
    "consent": True,
    "consent_statement": "Accord oral devant deux bénévoles, le 3 mars",
}


async def test_coordinator_creates_a_proxy_profile(
    app: EntraideApp, client: Any, setup: dict[str, Any]
) -> None:
    url = f"{setup['url']}/proxies"
    response = await client.post(url, json=PROXY, headers=setup["coordinator"][1])
    body = await response.get_json()
    assert response.status_code == 201, body
    assert body["pseudonym"] == "Jo du square" and body["kind"] == "person_in_need"
    assert body["consent_recorded_by"] == "Coordinator"
    assert body["consent_statement"] == PROXY["consent_statement"]
    with app.node.db.activate():
        proxy = await Member.get(id=body["id"])
    assert proxy.phone is None and proxy.email is None and proxy.password_hash is None
    assert proxy.kind == MemberKind.PERSON_IN_NEED
    assert str(proxy.managed_by_id) == setup["id"]  # type: ignore[attr-defined]
    assert proxy.consent_recorded_at is not None
    assert proxy.consent_recorded_by_id == setup["coordinator"][0].id  # type: ignore[attr-defined]
    # Listed for the association's members, nobody else.
    listing = await client.get(url, headers=setup["volunteer"][1])
    assert [p["id"] for p in (await listing.get_json())["items"]] == [body["id"]]
    assert (await client.get(url, headers=setup["stranger"][1])).status_code == 403
    assert (await client.get(url)).status_code == 401


@pytest.mark.parametrize(
    "change",
    [
        {"consent": False},
        {"consent": None},
        {"consent_statement": None},
        {"consent_statement": "ok"},
        {"consent_statement": "x" * 501},
        {"pseudonym": None},
        {"pseudonym": "x" * 51},
        {"phone": "0698765432"},
        {"email": "jo@example.org"},
        {"birthdate": "1970-01-01"},
    ],
)
async def test_proxy_profile_needs_consent_and_no_personal_data(
    client: Any, setup: dict[str, Any], change: dict[str, Any]
) -> None:
    body = {**PROXY, **change}
    body = {k: v for k, v in body.items() if v is not None}
    response = await client.post(f"{setup['url']}/proxies", json=body, headers=setup["admin"][1])
    assert response.status_code == 422


async def test_proxy_profiles_are_made_by_admins_and_coordinators(
    client: Any, setup: dict[str, Any]
) -> None:
    url = f"{setup['url']}/proxies"
    assert (await client.post(url, json=PROXY)).status_code == 401
    for who in ("volunteer", "stranger"):
        assert (await client.post(url, json=PROXY, headers=setup[who][1])).status_code == 403
    assert (await client.post(url, json=PROXY, headers=setup["admin"][1])).status_code == 201
    unknown = f"{API}/00000000-0000-0000-0000-000000000000/proxies"
    assert (await client.post(unknown, json=PROXY, headers=setup["admin"][1])).status_code == 404
    response = await client.post(
        url, data=b"[", headers={**setup["admin"][1], "Content-Type": "application/json"}
    )
    assert response.status_code == 400


async def test_routes_are_documented(client: Any) -> None:
    spec = await (await client.get("/openapi.json")).get_json()
    for path in (
        "/api/v1/associations",
        "/api/v1/associations/{association_id}",
        "/api/v1/associations/{association_id}/approve",
        "/api/v1/associations/{association_id}/members",
        "/api/v1/associations/{association_id}/members/{member_id}",
        "/api/v1/associations/{association_id}/proxies",
        "/api/v1/associations/{association_id}/proxies/{proxy_id}",
        "/api/v1/me/invitations",
        "/api/v1/me/invitations/accept",
        "/api/v1/me/invitations/{invitation_id}/accept",
        "/api/v1/me/invitations/{invitation_id}/decline",
    ):
        assert path in spec["paths"], (path, list(spec["paths"]))
