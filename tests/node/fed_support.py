"""Helpers for the multi-node federation tests: members, admins, API calls, handshakes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from node.http_state import EntraideApp
from node.models import Association, Member
from tests.factories import PARIS, make_association, make_member, need_body
from tests.fedtools import federated_nodes, settle

need = need_body  # the need most federation tests post (tests.factories.need_body)


async def member(
    app: EntraideApp, pseudonym: str, *, admin: bool = False
) -> tuple[Member, dict[str, str]]:
    return await make_member(app, pseudonym=pseudonym, admin=admin)


async def call(
    app: EntraideApp, method: str, path: str, headers: dict[str, str] | None = None, **kw: Any
) -> tuple[int, Any]:
    client = app.test_client()
    response = await client.open(path, method=method, headers=headers or {}, **kw)
    body = await response.get_json() if response.content_type.endswith("json") else None
    return response.status_code, body


async def ok(app: EntraideApp, method: str, path: str, headers: dict[str, str], **kw: Any) -> Any:
    status, body = await call(app, method, path, headers, **kw)
    assert status in (200, 201, 204), (status, body)
    return body


async def feed(app: EntraideApp, headers: dict[str, str] | None = None) -> list[dict[str, Any]]:
    path = f"/api/v1/actions?lat={PARIS[0]}&lon={PARIS[1]}&radius_km=20"
    status, body = await call(app, "GET", path, headers)
    assert status == 200, body
    return list(body["items"])


async def partner(
    asker: EntraideApp,
    asker_admin: dict[str, str],
    asked: EntraideApp,
    asked_admin: dict[str, str],
    *apps: EntraideApp,
    scopes: tuple[str, ...] = ("public_needs",),
    accept: bool = True,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run a partnership handshake; returns (asker's row, asked side's row) after settling."""
    domain = asked.node.settings.domain
    body = {"target": domain, "scopes": list(scopes), "message": "Travaillons ensemble"}
    mine = await ok(asker, "POST", "/api/v1/admin/partnerships", asker_admin, json=body)
    await settle(*apps)
    theirs = await ok(asked, "GET", "/api/v1/admin/partnerships", asked_admin)
    incoming = next(p for p in theirs["items"] if p["id"] and p["status"] == "pending")
    verb = "accept" if accept else "reject"
    await ok(asked, "POST", f"/api/v1/admin/partnerships/{incoming['id']}/{verb}", asked_admin)
    await settle(*apps)
    rows = await ok(asker, "GET", "/api/v1/admin/partnerships", asker_admin)
    mine = next(p for p in rows["items"] if p["id"] == mine["id"])
    return mine, incoming


async def partners_with_blocks(
    node_factory: Callable[..., Awaitable[EntraideApp]],
) -> tuple[EntraideApp, dict[str, str], EntraideApp]:
    """Paris and Lyon partners; Lyon blocks spam.example and hate.example, Paris hate.example.
    Returns (paris, paris admin's headers, lyon)."""
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await partner(paris, paris_admin, lyon, lyon_admin, paris, lyon)
    for domain, reason in (("spam.example", "Spam, beaucoup"), ("hate.example", "Haine")):
        status, body = await call(
            lyon,
            "POST",
            "/api/v1/admin/federation/blocks",
            lyon_admin,
            json={"domain": domain, "reason": reason},
        )
        assert status in (200, 201), body
    status, body = await call(
        paris,
        "POST",
        "/api/v1/admin/federation/blocks",
        paris_admin,
        json={"domain": "hate.example"},
    )
    assert status in (200, 201), body
    return paris, paris_admin, lyon


@dataclass(frozen=True)
class CallsPartners:
    """Paris and Lyon in a partnership sharing ``calls``, and a Paris association whose
    coordinator posts calls."""

    paris: EntraideApp
    lyon: EntraideApp
    coordinator: Member
    coord_h: dict[str, str]
    association: Association

    @property
    def apps(self) -> tuple[EntraideApp, EntraideApp]:
        return self.paris, self.lyon


async def calls_partners(node_factory: Callable[..., Awaitable[EntraideApp]]) -> CallsPartners:
    paris, lyon = apps = await federated_nodes(node_factory, "paris", "lyon")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await partner(paris, paris_admin, lyon, lyon_admin, *apps, scopes=("calls",))
    coordinator, coord_h = await member(paris, "Coord")
    association = await make_association(paris, {coordinator: "coordinator"}, name="Chaleur")
    return CallsPartners(paris, lyon, coordinator, coord_h, association)
