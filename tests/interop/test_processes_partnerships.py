"""Three ``entraide serve`` processes on 127.0.0.1 (Paris, Lyon, Petits frères des pauvres):
partnership handshake (accept, refuse, end), a need created/updated/closed/deleted on Paris seen
on Lyon and PFP, a member of Lyon answering it — everything through the HTTP API, delivered by
each node's own in-process worker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.factories import new_member
from tests.fedprocs import NodeProcess, eventually

pytestmark = pytest.mark.slow
PATH = "/api/v1/admin/partnerships"


async def _member(node: NodeProcess, pseudonym: str, admin: bool = False) -> dict[str, str]:
    async with node.state():
        _, headers = await new_member(pseudonym=pseudonym, admin=admin)
    return headers


class Api:
    def __init__(self, client: httpx.AsyncClient, node: NodeProcess) -> None:
        self.client, self.node = client, node

    async def __call__(self, method: str, path: str, headers: dict[str, str], **kw: Any) -> Any:
        response = await self.client.request(
            method, self.node.base_url + path, headers=headers, **kw
        )
        assert response.status_code < 300, (response.status_code, response.text)
        return response.json() if response.content else None

    async def feed(self, headers: dict[str, str]) -> list[dict[str, Any]]:
        page = await self("GET", "/api/v1/actions?lat=48.8566&lon=2.3522&radius_km=20", headers)
        return [a for a in page["items"] if a["origin"]]


async def _handshake(
    asker: Api,
    asker_admin: dict[str, str],
    asked: Api,
    asked_admin: dict[str, str],
    *,
    accept: bool,
) -> str:
    body = {"target": asked.node.domain, "scopes": ["public_needs"], "message": "Bonjour"}
    mine = await asker("POST", PATH, asker_admin, json=body)

    async def received() -> dict[str, Any] | None:
        rows = (await asked("GET", PATH, asked_admin))["items"]
        return next((p for p in rows if p["status"] == "pending"), None)

    incoming = await eventually(received)
    assert incoming["remote_domain"] == asker.node.domain and incoming["message"] == "Bonjour"
    verb = "accept" if accept else "reject"
    await asked("POST", f"{PATH}/{incoming['id']}/{verb}", asked_admin)
    wanted = "accepted" if accept else "rejected"

    async def decided() -> bool:
        rows = (await asker("GET", PATH, asker_admin))["items"]
        return any(p["id"] == mine["id"] and p["status"] == wanted for p in rows)

    await eventually(decided)
    return str(incoming["id"])


async def test_three_processes(tmp_path: Path) -> None:
    with (
        NodeProcess.start(tmp_path, "paris") as paris,
        NodeProcess.start(tmp_path, "lyon") as lyon,
        NodeProcess.start(tmp_path, "pfp") as pfp,
    ):
        p_admin, l_admin, f_admin = (
            await _member(paris, "Admin Paris", True),
            await _member(lyon, "Admin Lyon", True),
            await _member(pfp, "Admin PFP", True),
        )
        author, helper, f_reader = (
            await _member(paris, "Léa"),
            await _member(lyon, "Nadia"),
            await _member(pfp, "Jo"),
        )
        async with httpx.AsyncClient(timeout=30) as client:
            P, L, F = Api(client, paris), Api(client, lyon), Api(client, pfp)
            lyon_side = await _handshake(P, p_admin, L, l_admin, accept=True)
            await _handshake(L, l_admin, F, f_admin, accept=False)  # refused
            await _handshake(F, f_admin, P, p_admin, accept=True)

            posted = await P(
                "POST",
                "/api/v1/actions",
                author,
                json={
                    "kind": "need",
                    "category": "clothes",
                    "title": "Un manteau chaud",
                    "description": "Taille L",
                    "lat": 48.8566,
                    "lon": 2.3522,
                },
            )
            iri = f"{paris.base_url}/actions/{posted['id']}"

            async def seen_on(api: Api, headers: dict[str, str], title: str) -> Any:
                return next((a for a in await api.feed(headers) if a["title"] == title), None)

            on_lyon = await eventually(lambda: seen_on(L, helper, "Un manteau chaud"))
            on_pfp = await eventually(lambda: seen_on(F, f_reader, "Un manteau chaud"))
            for remote in (on_lyon, on_pfp):
                assert remote["origin"] == {"domain": paris.domain, "url": iri}

            path = f"/api/v1/actions/{posted['id']}"
            await P("PATCH", path, author, json={"title": "Un manteau, taille L"})
            await eventually(lambda: seen_on(L, helper, "Un manteau, taille L"))
            await eventually(lambda: seen_on(F, f_reader, "Un manteau, taille L"))

            # A member of Lyon answers; the author on Paris accepts.
            parts = f"/api/v1/actions/{on_lyon['id']}/participations"
            await L("POST", parts, helper, json={"message": "J'en ai un"})

            async def asked() -> Any:
                rows = (await P("GET", f"{path}/participations", author))["items"]
                return rows[0] if rows else None

            row = await eventually(asked)
            assert row["member"] == {"id": None, "pseudonym": "Nadia"}
            await P(
                "PATCH", f"{path}/participations/{row['id']}", author, json={"status": "accepted"}
            )

            async def accepted() -> bool:
                rows = (await L("GET", parts, helper))["items"]
                return bool(rows) and rows[0]["status"] == "accepted"

            await eventually(accepted)

            # Closed, then deleted, on Paris.
            await P("PATCH", path, author, json={"status": "closed"})

            async def closed() -> bool:
                one = await L("GET", f"/api/v1/actions/{on_lyon['id']}", helper)
                return bool(one["status"] == "closed")

            await eventually(closed)
            await P("DELETE", path, author)

            async def gone(api: Api, headers: dict[str, str], remote_id: str) -> bool:
                response = await client.get(
                    f"{api.node.base_url}/api/v1/actions/{remote_id}", headers=headers
                )
                return response.status_code == 404

            await eventually(lambda: gone(L, helper, on_lyon["id"]))
            await eventually(lambda: gone(F, f_reader, on_pfp["id"]))

            # Lyon ends the partnership: Paris is told.
            await L("DELETE", f"{PATH}/{lyon_side}", l_admin)

            async def ended() -> bool:
                rows = (await P("GET", PATH, p_admin))["items"]
                return any(
                    p["remote_domain"] == lyon.domain and p["status"] == "ended" for p in rows
                )

            await eventually(ended)
