"""Log-in, tokens, the caller's profile (me), its export and the deletion of the account."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher

from node import clock
from node.http_state import EntraideApp
from node.models import (
    Action,
    ActionCategory,
    ActionKind,
    ApiToken,
    AssociationMembership,
    Member,
    Message,
    Participation,
)
from node.services.associations import add_member, create_association

Outbox = Callable[[], list[dict[str, Any]]]
PASSWORD = "correct horse"
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def make_user(app: EntraideApp, make_member: Any) -> Callable[..., Any]:
    """A member from ``make_member`` that also has a password (``PASSWORD``)."""

    async def make(**kwargs: Any) -> tuple[Member, dict[str, str]]:
        member, headers = await make_member(**kwargs)
        with app.node.db.activate():
            member.password_hash = FAST.hash(PASSWORD)
            await member.save(update_fields=["password_hash"])
        return member, headers

    return make


async def log_in(client: Any, phone: str, password: str = PASSWORD) -> Any:
    return await client.post("/api/v1/auth/token", json={"phone": phone, "password": password})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_log_in_with_any_phone_format(client: Any, make_user: Any) -> None:
    member, _ = await make_user()
    national = "0" + member.phone[3:]
    response = await log_in(client, national)
    body = await response.get_json()
    assert response.status_code == 200, body
    assert body["token_type"] == "bearer" and len(body["access_token"]) > 30
    response = await client.get("/api/v1/me", headers=bearer(body["access_token"]))
    assert response.status_code == 200


async def test_wrong_credentials_are_one_generic_401(client: Any, make_user: Any) -> None:
    member, _ = await make_user()
    wrong_password = await log_in(client, member.phone, "wrong password")
    unknown_phone = await log_in(client, "0698765432")
    for response in (wrong_password, unknown_phone):
        assert response.status_code == 401
    assert (await wrong_password.get_json()) == (await unknown_phone.get_json())


async def test_proxy_profiles_cannot_log_in(app: EntraideApp, client: Any) -> None:
    # A member without password (as a proxy profile, or a row made by make_member) never matches.
    with app.node.db.activate():
        await Member.create(phone="+33698765432", email=None, pseudonym="Jo")
    assert (await log_in(client, "0698765432")).status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"phone": "0612345678"},
        {"password": PASSWORD},
        {"phone": "0612345678", "password": ""},
        {"phone": "0612345678", "password": PASSWORD, "remember": True},
        {"phone": 612345678, "password": PASSWORD},
        {"phone": "123", "password": PASSWORD},
    ],
)
async def test_log_in_rejects_malformed_input(client: Any, body: dict[str, Any]) -> None:
    assert (await client.post("/api/v1/auth/token", json=body)).status_code == 422


async def test_log_in_malformed_json_is_400(client: Any) -> None:
    response = await client.post(
        "/api/v1/auth/token", data=b"{{", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


async def test_log_in_is_rate_limited_per_phone(node_factory: Any) -> None:
    limited = await node_factory("limited", rate_limit_per_minute=3)
    client = limited.test_client()
    statuses = []
    for n in range(4):
        response = await client.post(
            "/api/v1/auth/token",
            json={"phone": "0612345678", "password": f"guess-number-{n}"},
            scope_base={"client": (f"10.0.1.{n}", 40000)},
        )
        statuses.append(response.status_code)
    assert statuses == [401, 401, 401, 429]
    assert int(response.headers["Retry-After"]) >= 1


async def test_log_in_is_rate_limited_per_ip(node_factory: Any) -> None:
    limited = await node_factory("limited", rate_limit_per_minute=2)
    client = limited.test_client()
    statuses = [(await log_in(client, f"06987654{n:02d}")).status_code for n in range(3)]
    assert statuses == [401, 401, 429]
    limited.node.clock.advance(timedelta(minutes=1))
    assert (await log_in(client, "0698765400")).status_code == 401


# --- tokens ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization", [None, "Bearer", "Bearer nope", "Basic dXNlcjpwYXNz", "bearer  "]
)
async def test_me_needs_a_valid_token(client: Any, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = await client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


async def test_me_shows_own_data_tokens_and_memberships(
    app: EntraideApp, client: Any, make_user: Any
) -> None:
    member, headers = await make_user()
    with app.node.db.activate():
        association = await create_association(
            name="Emmaüs Test", description="", created_by=None, approved=True, node=app.node
        )
        await add_member(association, member, "coordinator")  # type: ignore[arg-type]
    second = await (await log_in(client, member.phone)).get_json()
    response = await client.get("/api/v1/me", headers=headers)
    me = await response.get_json()
    assert response.status_code == 200
    assert me["phone"] == member.phone and me["email"] == member.email
    assert [t["id"] for t in me["tokens"]] == [me["tokens"][0]["id"], second["token_id"]]
    assert [t["current"] for t in me["tokens"]] == [True, False]
    assert all("hash" not in key and "secret" not in key for t in me["tokens"] for key in t)
    assert second["access_token"] not in str(me)
    assert me["memberships"] == [
        {
            "association_id": str(association.id),
            "association_name": "Emmaüs Test",
            "association_slug": "emmaus-test",
            "association_status": "approved",
            "role": "coordinator",
        }
    ]


async def test_logout_revokes_the_current_token_only(client: Any, make_user: Any) -> None:
    member, headers = await make_user()
    other = (await (await log_in(client, member.phone)).get_json())["access_token"]
    response = await client.post("/api/v1/auth/logout", headers=bearer(other))
    assert response.status_code == 204
    assert (await client.get("/api/v1/me", headers=bearer(other))).status_code == 401
    assert (await client.post("/api/v1/auth/logout", headers=bearer(other))).status_code == 401
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200


async def test_logout_needs_a_token(client: Any) -> None:
    assert (await client.post("/api/v1/auth/logout")).status_code == 401


async def test_revoke_a_token_by_id(client: Any, make_user: Any, make_member: Any) -> None:
    member, headers = await make_user()
    body = await (await log_in(client, member.phone)).get_json()
    response = await client.delete(f"/api/v1/me/tokens/{body['token_id']}", headers=headers)
    assert response.status_code == 204
    assert (await client.get("/api/v1/me", headers=bearer(body["access_token"]))).status_code == 401
    me = await (await client.get("/api/v1/me", headers=headers)).get_json()
    assert body["token_id"] not in [t["id"] for t in me["tokens"]]
    # Already revoked, unknown, or someone else's: 404.
    _, stranger = await make_member()
    stranger_me = await (await client.get("/api/v1/me", headers=stranger)).get_json()
    for token_id in (body["token_id"], 999_999, stranger_me["tokens"][0]["id"]):
        response = await client.delete(f"/api/v1/me/tokens/{token_id}", headers=headers)
        assert response.status_code == 404
    assert (await client.delete("/api/v1/me/tokens/1")).status_code == 401


async def test_expired_token_is_401(app: EntraideApp, client: Any, make_user: Any) -> None:
    member, headers = await make_user()
    with app.node.db.activate():
        await ApiToken.filter(member_id=member.id).update(expires_at=clock.now())
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401


# --- PATCH /me ---------------------------------------------------------------------------------


async def test_change_pseudonym_and_clear_it(client: Any, make_user: Any) -> None:
    _, headers = await make_user()
    response = await client.patch("/api/v1/me", json={"pseudonym": " Zoé "}, headers=headers)
    assert response.status_code == 200
    assert (await response.get_json())["pseudonym"] == "Zoé"
    response = await client.patch("/api/v1/me", json={"pseudonym": None}, headers=headers)
    assert (await response.get_json())["pseudonym"] is None


async def test_change_email_needs_new_verification(
    client: Any, make_user: Any, mail_outbox: Outbox
) -> None:
    _, headers = await make_user()
    response = await client.patch("/api/v1/me", json={"email": "New@Example.org"}, headers=headers)
    body = await response.get_json()
    assert response.status_code == 200, body
    assert body["email"] == "new@example.org" and body["email_verified"] is False
    assert mail_outbox()[-1]["to"] == "new@example.org"
    link = next(w for w in mail_outbox()[-1]["body"].split() if "verify-email" in w)
    path = link.removeprefix("http://node.test")
    assert (await client.get(path)).status_code == 200
    assert (await (await client.get("/api/v1/me", headers=headers)).get_json())["email_verified"]


async def test_old_email_link_dies_when_the_address_changes(
    client: Any, make_user: Any, mail_outbox: Outbox
) -> None:
    _, headers = await make_user()
    await client.patch("/api/v1/me", json={"email": "first@example.org"}, headers=headers)
    first = next(w for w in mail_outbox()[-1]["body"].split() if "verify-email" in w)
    await client.patch("/api/v1/me", json={"email": "second@example.org"}, headers=headers)
    response = await client.get(first.removeprefix("http://node.test"))
    assert response.status_code == 400


async def test_change_email_to_a_taken_one_is_409(client: Any, make_user: Any) -> None:
    other, _ = await make_user()
    _, headers = await make_user()
    response = await client.patch("/api/v1/me", json={"email": other.email}, headers=headers)
    assert response.status_code == 409


async def test_change_password(client: Any, make_user: Any) -> None:
    member, headers = await make_user()
    other = (await (await log_in(client, member.phone)).get_json())["access_token"]
    response = await client.patch(
        "/api/v1/me",
        json={"password": "a new password", "current_password": PASSWORD},
        headers=headers,
    )
    assert response.status_code == 200
    assert (await log_in(client, member.phone)).status_code == 401
    assert (await log_in(client, member.phone, "a new password")).status_code == 200
    # Other sessions are closed, this one stays.
    assert (await client.get("/api/v1/me", headers=bearer(other))).status_code == 401
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"password": "a new password"}, 422),
        ({"password": "a new password", "current_password": "wrong one"}, 403),
        ({"password": "short", "current_password": PASSWORD}, 422),
        ({"email": "nope"}, 422),
        ({"pseudonym": "x" * 51}, 422),
        ({"phone": "0698765432"}, 422),
        ({"is_admin": True}, 422),
        ({"kind": "association"}, 422),
    ],
)
async def test_patch_me_rejections(
    client: Any, make_user: Any, body: dict[str, Any], status: int
) -> None:
    _, headers = await make_user()
    assert (await client.patch("/api/v1/me", json=body, headers=headers)).status_code == status


async def test_patch_me_needs_a_token_and_json(client: Any, make_user: Any) -> None:
    _, headers = await make_user()
    assert (await client.patch("/api/v1/me", json={"pseudonym": "x"})).status_code == 401
    response = await client.patch(
        "/api/v1/me", data=b"{", headers={**headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    response = await client.patch(
        "/api/v1/me",
        data=b'{"pseudonym": "' + b"x" * 1_100_000 + b'"}',
        headers={**headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 413


# --- export and deletion -----------------------------------------------------------------------


def _fill(model: Any, **given: Any) -> Any:
    """An instance with every required column filled (robust to columns added to the model)."""
    from enum import Enum

    from tortoise import fields

    values = dict(given)
    for name, field in model._meta.fields_map.items():
        if name in values or field.null or field.has_db_field is False or field.pk:
            continue
        if field.default is not None or getattr(field, "auto_now_add", False):
            continue
        if isinstance(field, fields.relational.RelationalField) or name.endswith("_id"):
            continue
        enum_type = getattr(field, "enum_type", None)
        if isinstance(enum_type, type) and issubclass(enum_type, Enum):
            values[name] = next(iter(enum_type))
        elif isinstance(field, fields.DatetimeField):
            values[name] = clock.now() + timedelta(days=30)
        elif isinstance(field, (fields.FloatField, fields.IntField, fields.DecimalField)):
            values[name] = 0
        elif isinstance(field, fields.BooleanField):
            values[name] = False
        else:
            values[name] = "x"
    return model(**values)


async def _content(app: EntraideApp, member: Member, other: Member) -> None:
    with app.node.db.activate():
        action = _fill(
            Action,
            kind=ActionKind.NEED,
            category=ActionCategory.CLOTHES,
            title="Chaussures 43",
            author=member,
        )
        await action.save()
        others = _fill(
            Action, kind=ActionKind.OFFER, category=ActionCategory.FOOD, title="Soupe", author=other
        )
        await others.save()
        await Participation.create(action=others, member=member, message="Je viens")
        await Message.create(action=others, author=member, body="Merci !")
        await Message.create(action=others, author=other, body="De rien")
        await create_association(
            name="Armée du Salut", description="", created_by=member, approved=True, node=app.node
        )


async def test_export_contains_everything_about_me(
    app: EntraideApp, client: Any, make_user: Any
) -> None:
    member, headers = await make_user()
    other, _ = await make_user()
    await _content(app, member, other)
    response = await client.get("/api/v1/me/export", headers=headers)
    body = await response.get_json()
    assert response.status_code == 200, body
    assert body["profile"]["phone"] == member.phone
    assert body["profile"]["email"] == member.email
    assert "password_hash" not in body["profile"]
    assert [a["title"] for a in body["actions"]] == ["Chaussures 43"]
    assert [p["message"] for p in body["participations"]] == ["Je viens"]
    assert [m["body"] for m in body["messages"]] == ["Merci !"]
    assert [(m["association_name"], m["role"]) for m in body["memberships"]] == [
        ("Armée du Salut", "admin")
    ]
    assert len(body["tokens"]) == 1 and "token_hash" not in body["tokens"][0]
    # Nothing about the other member.
    assert other.phone not in str(body) and other.email not in str(body)
    assert (await client.get("/api/v1/me/export")).status_code == 401


async def test_delete_account_cascades(app: EntraideApp, client: Any, make_user: Any) -> None:
    member, headers = await make_user()
    other, other_headers = await make_user()
    await _content(app, member, other)
    response = await client.delete("/api/v1/me", json={"password": PASSWORD}, headers=headers)
    assert response.status_code == 204
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401
    with app.node.db.activate():
        assert not await Member.filter(id=member.id).exists()
        assert not await ApiToken.filter(member_id=member.id).exists()
        assert not await Action.filter(author_id=member.id).exists()
        assert not await Participation.filter(member_id=member.id).exists()
        assert not await Message.filter(author_id=member.id).exists()
        assert not await AssociationMembership.filter(member_id=member.id).exists()
        assert await Message.filter(author_id=other.id).count() == 1
    assert (await client.get("/api/v1/me", headers=other_headers)).status_code == 200


@pytest.mark.parametrize(
    ("body", "status"),
    [({"password": "wrong password"}, 403), ({}, 422), ({"password": PASSWORD, "x": 1}, 422)],
)
async def test_delete_account_rejections(
    client: Any, make_user: Any, body: dict[str, Any], status: int
) -> None:
    _, headers = await make_user()
    response = await client.delete("/api/v1/me", json=body, headers=headers)
    assert response.status_code == status
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200


async def test_delete_account_needs_a_token(client: Any) -> None:
    response = await client.delete("/api/v1/me", json={"password": PASSWORD})
    assert response.status_code == 401


async def test_routes_are_documented(client: Any) -> None:
    spec = await (await client.get("/openapi.json")).get_json()
    for path in (
        "/api/v1/members",
        "/api/v1/members/verify",
        "/api/v1/members/verify/resend",
        "/api/v1/members/verify-email",
        "/api/v1/auth/token",
        "/api/v1/auth/logout",
        "/api/v1/me",
        "/api/v1/me/export",
    ):
        assert path in spec["paths"], path
    assert spec["paths"]["/api/v1/members"]["post"]["description"]


async def test_tokens_expire_and_can_be_refreshed(
    app: EntraideApp, client: Any, make_user: Any
) -> None:
    member, _ = await make_user()
    response = await log_in(client, member.phone)
    body = await response.get_json()
    token = body["access_token"]
    expires = datetime.fromisoformat(body["expires_at"])
    assert timedelta(days=29) < expires - clock.now() <= timedelta(days=30)

    refreshed = await client.post("/api/v1/auth/refresh", headers=bearer(token))
    assert refreshed.status_code == 200
    renewed = await refreshed.get_json()
    assert renewed["access_token"] != token
    # The old token stops at once; it cannot be refreshed twice either.
    assert (await client.get("/api/v1/me", headers=bearer(token))).status_code == 401
    again = await client.post("/api/v1/auth/refresh", headers=bearer(token))
    assert again.status_code == 401
    assert (
        await client.get("/api/v1/me", headers=bearer(renewed["access_token"]))
    ).status_code == 200

    app.node.clock.advance(timedelta(days=31))  # not refreshed in time: log in again
    late = renewed["access_token"]
    assert (await client.get("/api/v1/me", headers=bearer(late))).status_code == 401
    assert (await client.post("/api/v1/auth/refresh", headers=bearer(late))).status_code == 401


async def test_refresh_needs_a_token(client: Any) -> None:
    assert (await client.post("/api/v1/auth/refresh")).status_code == 401
    garbage = await client.post("/api/v1/auth/refresh", headers=bearer("not-a-token"))
    assert garbage.status_code == 401


async def test_token_lifetime_is_a_setting(node_factory: Any, make_member: Any) -> None:
    app = await node_factory("short", api_token_days=2)
    client = app.test_client()
    with app.node.db.activate():
        member, _ = await make_member(target=app)
        member.password_hash = FAST.hash(PASSWORD)
        await member.save(update_fields=["password_hash"])
    body = await (await log_in(client, member.phone)).get_json()
    expires = datetime.fromisoformat(body["expires_at"])
    assert timedelta(days=1) < expires - clock.now() <= timedelta(days=2)
