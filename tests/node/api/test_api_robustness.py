"""Bad input gets a clear 4xx problem, never a 500, and nothing is half-written (issue 2).

Each test stands for a class of bug found by fuzzing the API (schemathesis and by hand), on
SQLite and on PostgreSQL (which refuses NUL in text): run it with ``ENTRAIDE_TEST_DATABASE_URL``.
"""

from __future__ import annotations

from typing import Any

import pytest

from node.errors import PROBLEM_JSON
from node.http_state import EntraideApp
from node.models import Action, Association, AssociationRole, Call, DomainBlock, Member
from tests.conftest import MemberFactory
from tests.factories import action_body, call_body, make_association, outing_body

JSON = {"Content-Type": "application/json"}


async def problem(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    """The response is an RFC 9457 problem with ``status`` (and an error about ``field``)."""
    body = await response.get_data(as_text=True)
    assert response.status_code == status, body
    assert response.content_type == PROBLEM_JSON
    data: dict[str, Any] = await response.get_json()
    assert data["status"] == status and data["detail"]
    if field is not None:
        assert field in {e["field"] for e in data.get("errors", [])}, data
    return data


async def count(app: EntraideApp, model: Any, **filters: Any) -> int:
    with app.node.db.activate():
        return int(await model.filter(**filters).count())


# --- bodies that are not JSON objects ------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"\xff\xfe{",  # not UTF-8
        '{"phone": "1"}'.encode("utf-16"),  # UTF-16: JSON must be UTF-8
        b"[" * 100_000 + b"]" * 100_000,  # nested too deeply for the parser
        b'{"phone":',  # truncated
    ],
    ids=["latin", "utf16", "deep", "truncated"],
)
async def test_undecodable_json_is_a_400(client: Any, raw: bytes) -> None:
    response = await client.post("/api/v1/auth/token", data=raw, headers=JSON)
    data = await problem(response, 400)
    assert data["detail"] == "The body is not valid JSON."


async def test_undecodable_json_posts_nothing(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    _, headers = await make_member()
    response = await client.post(
        "/api/v1/actions", data=b'{"title": "\xe9t\xe9"}', headers={**headers, **JSON}
    )
    await problem(response, 400)
    assert await count(app, Action) == 0
    ok = await client.post("/api/v1/actions", json=action_body(title="Été"), headers=headers)
    assert ok.status_code == 201


# --- text: control characters ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Un re\x00pas"),
        ("title", "Un repas\x07 chaud"),
        ("title", "Un\nrepas"),  # one-line fields: no line break either
        ("description", "Ce soir\x00"),
        ("description", "\x1b[31mrouge"),
        ("place_name", "Parc\x00"),
    ],
)
async def test_control_characters_are_a_422(
    app: EntraideApp, client: Any, make_member: MemberFactory, field: str, value: str
) -> None:
    _, headers = await make_member()
    body = outing_body(**{field: value}) if field == "place_name" else action_body(**{field: value})
    response = await client.post("/api/v1/actions", json=body, headers=headers)
    await problem(response, 422, field)
    assert await count(app, Action) == 0


async def test_line_breaks_and_unicode_are_kept_in_free_text(
    client: Any, make_member: MemberFactory
) -> None:
    _, headers = await make_member()
    body = action_body(title="Pâtes 🍝 ×2", description="Ligne 1\nLigne 2\r\n\tfin")
    response = await client.post("/api/v1/actions", json=body, headers=headers)
    assert response.status_code == 201, await response.get_data(as_text=True)
    data = await response.get_json()
    assert data["title"] == "Pâtes 🍝 ×2"
    assert data["description"] == "Ligne 1\nLigne 2\r\n\tfin"


async def test_nul_in_profile_association_and_chat_fields_is_a_422(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    member, headers = await make_member(admin=True, pseudonym="Avant")
    signup = {"phone": "+33611112222", "email": "nul@example.org", "password": "x" * 12}
    for body, field in [
        ({**signup, "pseudonym": "a\x00b"}, "pseudonym"),
        ({**signup, "email": "n\x00l@example.org"}, "email"),
    ]:
        await problem(await client.post("/api/v1/members", json=body), 422, field)
    assert await count(app, Member, phone="+33611112222") == 0
    await problem(
        await client.patch("/api/v1/me", json={"pseudonym": "Apr\x00s"}, headers=headers),
        422,
        "pseudonym",
    )
    with app.node.db.activate():
        await member.refresh_from_db()
    assert member.pseudonym == "Avant"
    for body, field in [
        ({"name": "Les\x00Amis"}, "name"),
        ({"name": "Les Amis", "description": "\x00"}, "description"),
    ]:
        await problem(
            await client.post("/api/v1/associations", json=body, headers=headers), 422, field
        )
    assert await count(app, Association) == 0
    login = {"phone": member.phone, "password": "whatever", "name": "mon\x00tel"}
    await problem(await client.post("/api/v1/auth/token", json=login), 422, "name")
    await problem(await client.get("/api/v1/members/verify-email?token=a%00b"), 422, "token")
    # …and the same fields take ordinary text.
    response = await client.post(
        "/api/v1/associations",
        json={"name": "Les Amis", "description": "Deux\nlignes"},
        headers=headers,
    )
    assert response.status_code == 201


async def test_nul_in_a_chat_message_is_a_422(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    _, headers = await make_member()
    action = await (
        await client.post("/api/v1/actions", json=action_body(), headers=headers)
    ).get_json()
    url = f"/api/v1/actions/{action['id']}/messages"
    await problem(
        await client.post(url, json={"body": "Bon\x00jour"}, headers=headers), 422, "body"
    )
    ok = await client.post(url, json={"body": "Bonjour\nà ce soir"}, headers=headers)
    assert ok.status_code == 201


# --- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [b"NaN", b"Infinity", b"-Infinity", b"1e400", b"true", b'"48.85"', b"91", b"null"],
)
async def test_a_latitude_must_be_a_finite_number_in_range(
    app: EntraideApp, client: Any, make_member: MemberFactory, raw: bytes
) -> None:
    _, headers = await make_member()
    body = b'{"kind": "need", "category": "food", "title": "Un repas", "lon": 2.35, "lat": '
    response = await client.post(
        "/api/v1/actions", data=body + raw + b"}", headers={**headers, **JSON}
    )
    await problem(response, 422, "lat")
    assert await count(app, Action) == 0


@pytest.mark.parametrize(
    "query",
    ["lat=nan&lon=2", "lat=inf&lon=2", "lat=1e400&lon=2", "radius_km=nan", "radius_km=-inf"],
)
async def test_non_finite_numbers_in_a_query_string_are_a_422(client: Any, query: str) -> None:
    await problem(await client.get(f"/api/v1/actions?{query}"), 422)


async def test_integers_beyond_the_database_are_a_4xx(
    client: Any, make_member: MemberFactory
) -> None:
    _, headers = await make_member(admin=True)
    for big in (2**31, 2**63, 10**30):
        for method, url in [
            ("DELETE", f"/api/v1/me/tokens/{big}"),
            ("POST", f"/api/v1/admin/federation/deliveries/{big}/retry"),
        ]:
            response = await client.open(url, method=method, headers=headers)
            await problem(response, 404)
        await problem(await client.get(f"/api/v1/associations?offset={big}"), 422, "offset")
    assert (await client.get(f"/api/v1/associations?offset={2**31 - 1}")).status_code == 200
    action = await (
        await client.post("/api/v1/actions", json=action_body(), headers=headers)
    ).get_json()
    url = f"/api/v1/actions/{action['id']}/messages?before={2**63}"
    await problem(await client.get(url, headers=headers), 422, "before")
    ok = await client.get(
        f"/api/v1/actions/{action['id']}/messages?before={2**63 - 1}", headers=headers
    )
    assert ok.status_code == 200


async def test_the_openapi_document_bounds_path_ids_and_documents_problems(client: Any) -> None:
    spec = await (await client.get("/openapi.json")).get_json()
    delete_token = spec["paths"]["/api/v1/me/tokens/{token_id}"]["delete"]
    assert delete_token["parameters"][0]["schema"] == {
        "type": "integer",
        "minimum": 0,
        "maximum": 2**31 - 1,
    }
    get_action = spec["paths"]["/api/v1/actions/{action_id}"]["get"]
    assert get_action["parameters"][0]["schema"] == {"type": "string", "format": "uuid"}
    assert "application/problem+json" in get_action["responses"]["4XX"]["content"]
    assert "Problem" in spec["components"]["schemas"]
    title = spec["paths"]["/api/v1/actions"]["post"]["requestBody"]["content"]["application/json"]
    assert title  # the body schema is still documented


# --- times --------------------------------------------------------------------------------------


async def test_times_out_of_range_are_a_422(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    _, headers = await make_member()
    far = outing_body(starts_at="9999-12-31T23:00:00Z", ends_at="9999-12-31T23:59:59-23:59")
    await problem(await client.post("/api/v1/actions", json=far, headers=headers), 422, "starts_at")
    assert await count(app, Action) == 0
    for until in ("0001-01-01T00:00:00%2B00:00", "9999-12-31T23:59:59%2B00:00"):
        url = f"/api/v1/visits?lat=48.85&lon=2.35&until={until}"
        await problem(await client.get(url, headers=headers), 422, "until")


# --- federation admin: domains ------------------------------------------------------------------


@pytest.mark.parametrize(
    "domain", ["http://[::1", "a\x00b.example", "a" * 300, "lyon example", "  "]
)
async def test_invalid_domains_are_a_422(
    app: EntraideApp, client: Any, make_member: MemberFactory, domain: str
) -> None:
    _, headers = await make_member(admin=True)
    url = "/api/v1/admin/federation"
    response = await client.post(f"{url}/blocks", json={"domain": domain}, headers=headers)
    await problem(response, 422)
    response = await client.put(
        f"{url}/policy", json={"allowlist_mode": True, "allowed_domains": [domain]}, headers=headers
    )
    await problem(response, 422)
    policy = await (await client.get(f"{url}/policy", headers=headers)).get_json()
    assert policy == {"allowlist_mode": False, "allowed_domains": []}  # nothing half-written
    assert await count(app, DomainBlock) == 0


async def test_unblocking_an_impossible_domain_is_a_4xx(
    client: Any, make_member: MemberFactory
) -> None:
    _, headers = await make_member(admin=True)
    url = "/api/v1/admin/federation/blocks"
    await problem(await client.delete(f"{url}/{'a' * 5000}", headers=headers), 422)
    await problem(await client.delete(f"{url}/a%00b", headers=headers), 422)
    await problem(await client.delete(f"{url}/lyon.example", headers=headers), 404)
    ok = await client.post(url, json={"domain": "https://Lyon.example/"}, headers=headers)
    assert (await ok.get_json())["domain"] == "lyon.example"
    assert (await client.delete(f"{url}/lyon.example", headers=headers)).status_code == 204


@pytest.mark.parametrize("target", ["¢", "ð>đg", "http://[::1"])
async def test_an_impossible_partner_is_a_4xx_or_502_never_a_500(
    client: Any, make_member: MemberFactory, target: str
) -> None:
    _, headers = await make_member(admin=True)
    body = {"target": target, "scopes": ["calls"]}
    response = await client.post("/api/v1/admin/partnerships", json=body, headers=headers)
    assert response.status_code in (422, 502), await response.get_data(as_text=True)
    assert response.content_type == PROBLEM_JSON
    listed = await client.get("/api/v1/admin/partnerships", headers=headers)
    assert (await listed.get_json())["items"] == []


# --- sizes --------------------------------------------------------------------------------------


async def test_a_body_too_large_is_a_413_on_every_route_and_a_small_bad_one_a_422(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    member, headers = await make_member(admin=True)
    association = await make_association(app, {member: AssociationRole.COORDINATOR})
    # 10,000 map cells are about 190 KB, well under the byte limit, but more items than a JSON
    # array may have: the client is told the body is too large, not that its JSON is broken.
    cells = [f"881fb4{n:05x}fffff"[:15] for n in range(10_000)]
    many_cells = call_body(association=association, area={"cells": cells})
    many_values = {"phone": "+33611112222", "password": [[0] * 1500 for _ in range(40)]}
    too_long = action_body(description="x" * (app.node.settings.max_body_bytes + 1))
    for method, url, body, detail in [
        ("POST", "/api/v1/calls", many_cells, "more than 2000 members"),
        ("POST", "/api/v1/auth/token", many_values, "more than 50000 values"),
        ("PATCH", "/api/v1/me", {"pseudonym": ["x"] * 2001}, "more than 2000 members"),
        ("POST", "/api/v1/actions", too_long, "larger than 1048576 bytes"),
    ]:
        response = await client.open(url, method=method, json=body, headers=headers)
        data = await problem(response, 413)
        assert detail in data["detail"], data
    assert await count(app, Call) == 0 and await count(app, Action) == 0
    # Just under the bounds, the same bodies are read and refused for what they say.
    small = call_body(association=association, area={"cells": cells[:2000]})
    await problem(
        await client.post("/api/v1/calls", json=small, headers=headers), 422, "area.cells"
    )
    await problem(await client.patch("/api/v1/me", json={"pseudonym": ["x"]}, headers=headers), 422)
