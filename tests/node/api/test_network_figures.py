"""Federation-wide figures: each node publishes its counts in NodeInfo, partners read them, and
anyone sees the network's totals with each node's share."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from node import clock
from node.models import MemberKind, PartnerFigures
from node.services.network import parse_figures
from node.worker.periodic import run_jobs_once
from tests.conftest import NodeFactory
from tests.factories import need_body
from tests.fedtools import federated_nodes, router_of, settle
from tests.node.fed_support import call, member, ok, partner


async def _members(app: Any, kind: MemberKind, n: int) -> None:
    from node.models import Member

    with app.node.db.activate():
        for i in range(n):
            await Member.create(
                phone=f"+3369{kind.value[:2].encode().hex()[:4]}{i:04d}",
                email=f"{kind.value}{i}@{app.node.settings.domain}",
                kind=kind,
                phone_verified_at=clock.now(),
            )


async def test_nodeinfo_publishes_counts_only(node_factory: NodeFactory) -> None:
    app = await node_factory("paris")
    await _members(app, MemberKind.RESIDENT, 3)
    _, lea = await member(app, "Léa")
    await ok(app, "POST", "/api/v1/actions", lea, json=need_body())
    response = await app.test_client().get("/nodeinfo/2.1")
    assert response.status_code == 200
    figures = json.loads(await response.get_data())["metadata"]["entraideFigures"]
    assert figures == {
        "members": {"resident": 4, "association": 0, "person_in_need": 0},
        "openActions": 1,
        "fulfilledActions": 0,
        "roundsThisMonth": 0,
    }


async def test_network_sums_partners_with_shares(node_factory: NodeFactory) -> None:
    paris, lyon, lille = await federated_nodes(node_factory, "paris", "lyon", "lille")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await member(lille, "Admin Lille", admin=True)
    await partner(paris, paris_admin, lyon, lyon_admin, paris, lyon)
    await _members(paris, MemberKind.RESIDENT, 7)  # 8 residents with the admin
    await _members(lyon, MemberKind.PERSON_IN_NEED, 1)
    await _members(lyon, MemberKind.ASSOCIATION, 1)  # 3 members with the admin resident
    await _members(lille, MemberKind.RESIDENT, 50)  # not a partner of Paris: not counted

    with paris.node.db.activate():
        assert (await run_jobs_once(paris.node))["refresh_network_figures"] == 1
    status, body = await call(paris, "GET", "/api/v1/network/stats")
    assert status == 200
    assert body["total"]["members"] == {"resident": 9, "association": 1, "person_in_need": 1}
    assert body["total"]["members_total"] == 11
    assert body["member_kinds_share"]["resident"] == pytest.approx(9 / 11)
    by_domain = {node["domain"]: node for node in body["nodes"]}
    assert set(by_domain) == {"paris.test", "lyon.test"}
    assert by_domain["paris.test"]["local"] is True
    assert by_domain["paris.test"]["share"] == pytest.approx(8 / 11)
    assert by_domain["lyon.test"]["name"] == "Entraide lyon"
    assert by_domain["lyon.test"]["updated_at"] is not None

    # Read again only after the refresh period; a partner that is down keeps its last figures.
    with paris.node.db.activate():
        assert (await run_jobs_once(paris.node))["refresh_network_figures"] == 0
    router_of(paris).down.add("lyon.test")
    paris.node.clock.advance(timedelta(minutes=16))
    with paris.node.db.activate():
        assert (await run_jobs_once(paris.node))["refresh_network_figures"] == 0
        row = await PartnerFigures.get(domain="lyon.test")
        assert row.error and "ConnectError" in row.error
    _, body = await call(paris, "GET", "/api/v1/network/stats")
    assert body["total"]["members_total"] == 11

    # Figures older than two days are no longer shown.
    paris.node.clock.advance(timedelta(days=3))
    _, body = await call(paris, "GET", "/api/v1/network/stats")
    assert [node["domain"] for node in body["nodes"]] == ["paris.test"]
    await settle(paris, lyon)


async def test_network_page_shows_the_figures(node_factory: NodeFactory) -> None:
    app = await node_factory("paris")
    await _members(app, MemberKind.RESIDENT, 2)
    client = app.test_client()
    response = await client.get("/network", headers={"Accept-Language": "fr"})
    assert response.status_code == 200
    page = (await response.get_data()).decode()
    assert "Le réseau en chiffres" in page
    assert "Riverains — 100 % (2)" in page
    english = await client.get("/network?lang=en")
    assert "Residents — 100 % (2)" in (await english.get_data()).decode()


@pytest.mark.parametrize(
    "metadata",
    [
        {},
        {"entraideFigures": "many"},
        {"entraideFigures": {"members": []}},
        {"entraideFigures": {"members": {"resident": -1}}},
        {"entraideFigures": {"members": {"resident": True}}},
        {"entraideFigures": {"members": {"resident": 10**12}}},
        {"entraideFigures": {"members": {}, "openActions": "12"}},
    ],
)
def test_hostile_figures_are_refused(metadata: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        parse_figures({"metadata": metadata})
