"""A partner's published blocklist, read over HTTP from the other node: reviewed beside our own
blocks (new / already blocked / not a block here), the chosen entries applied as manual blocks
(a proposal where the street committee decides), only from accepted partners, and whatever a
hostile partner serves refused without a 5xx."""

from __future__ import annotations

import uuid

import httpx

from node import clock
from node.models import CommitteeProposal, DomainBlock, Partnership
from node.models.partnership import PartnershipDirection, PartnershipStatus
from tests.conftest import NodeFactory
from tests.fedtools import federated_nodes, router_of
from tests.node.committee_support import seat
from tests.node.fed_support import call, member, partners_with_blocks


def _list(domain: str) -> str:
    return f"/api/v1/admin/federation/partners/{domain}/blocklist"


async def test_review_then_apply_a_partners_list(node_factory: NodeFactory) -> None:
    paris, admin, _ = await partners_with_blocks(node_factory)
    status, body = await call(paris, "GET", _list("lyon.test"), admin)
    assert status == 200, body
    assert body["partner"] == "lyon.test"
    assert [(i["domain"], i["status"]) for i in body["items"]] == [
        ("spam.example", "new"),
        ("hate.example", "already_blocked"),
    ]
    assert body["items"][0]["comment"] == "Spam, beaucoup"
    chosen = {"domains": ["spam.example", "hate.example", "absent.example"]}
    status, body = await call(paris, "POST", _list("lyon.test") + "/apply", admin, json=chosen)
    assert status == 200, body
    assert body["blocked"] == ["spam.example"] and body["proposed"] == []
    assert {(s["domain"], s["why"]) for s in body["skipped"]} == {
        ("hate.example", "already blocked"),
        ("absent.example", "not on the partner's list"),
    }
    with paris.node.db.activate():
        block = await DomainBlock.get(domain="spam.example")
    assert block.reason == "Spam, beaucoup"
    status, body = await call(paris, "GET", _list("lyon.test"), admin)
    assert {i["status"] for i in body["items"]} == {"already_blocked"}


async def test_with_the_committee_applying_opens_a_proposal(node_factory: NodeFactory) -> None:
    paris, admin, _ = await partners_with_blocks(node_factory)
    await seat(paris, 2)
    body = {"domains": ["spam.example"]}
    status, answer = await call(paris, "POST", _list("lyon.test") + "/apply", admin, json=body)
    assert status == 200, answer
    assert answer["blocked"] == [] and [p["domain"] for p in answer["proposed"]] == ["spam.example"]
    with paris.node.db.activate():
        assert not await DomainBlock.exists(domain="spam.example")
        proposal = await CommitteeProposal.get(number=answer["proposed"][0]["proposal_number"])
    assert proposal.kind == "federation.block" and proposal.change["domain"] == "spam.example"


async def test_only_accepted_partners_and_admins(node_factory: NodeFactory) -> None:
    paris, admin, _ = await partners_with_blocks(node_factory)
    _, resident = await member(paris, "Léa")
    assert (await call(paris, "GET", _list("lyon.test"), resident))[0] == 403
    assert (await call(paris, "GET", _list("lyon.test"), {}))[0] == 401
    apply = {"domains": ["spam.example"]}
    assert (await call(paris, "POST", _list("lyon.test") + "/apply", resident, json=apply))[
        0
    ] == 403
    # A node that is no partner, and a typed address, are never fetched.
    asked: list[str] = []
    router_of(paris).extra["stranger.test"] = httpx.MockTransport(
        lambda request: asked.append(str(request.url)) or httpx.Response(200, text="#domain\n")
    )
    for domain in ("stranger.test", "127.0.0.1"):
        assert (await call(paris, "GET", _list(domain), admin))[0] == 404
    assert (await call(paris, "GET", _list("pas un domaine"), admin))[0] == 422
    assert asked == []
    for bad in ({}, {"domains": []}, {"domains": ["pas un domaine"]}):
        assert (await call(paris, "POST", _list("lyon.test") + "/apply", admin, json=bad))[0] in (
            400,
            422,
        )


async def test_a_hostile_partner_list_is_refused(node_factory: NodeFactory) -> None:
    (paris,) = await federated_nodes(node_factory, "paris")
    _, admin = await member(paris, "Admin Paris", admin=True)
    with paris.node.db.activate():
        await Partnership.create(
            remote_domain="hostile.test",
            active_domain="hostile.test",
            remote_actor_iri="http://hostile.test/actor",
            direction=PartnershipDirection.OUTGOING,
            scopes="public_needs",
            status=PartnershipStatus.ACCEPTED,
            offer_activity_id=f"http://paris.test/offer/{uuid.uuid4()}",
            object_iri="http://paris.test/partnership/1",
            created_at=clock.now(),
        )
    answers = [
        httpx.Response(200, content=b"#domain\n" + b"a.example\n" * 40_000),  # past 256 KiB
        httpx.Response(200, headers={"Content-Length": "999999999"}, content=b"#domain\n"),
        httpx.Response(200, content=b"\xff\xfe not utf-8"),
        httpx.Response(200, content=b"<html>not a list</html>"),
        httpx.Response(200, content=b"#domain,#severity\nspam.example,explode\n"),
        httpx.Response(200, content=b"#domain\n../../etc/passwd\n"),
        httpx.Response(500, content=b"oops"),
        httpx.Response(302, headers={"Location": "http://127.0.0.1/"}),
    ]
    served = iter(answers)
    router_of(paris).extra["hostile.test"] = httpx.MockTransport(lambda request: next(served))
    for _ in answers:
        status, body = await call(paris, "GET", _list("hostile.test"), admin)
        assert status == 422, body
        assert body["errors"][0]["field"] == "list"
    with paris.node.db.activate():
        assert await DomainBlock.all().count() == 0
