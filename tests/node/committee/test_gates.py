"""Every default gate through the API and through an incoming partnership request: the admin's
action opens a proposal (202) and changes nothing; once approved the node carries out exactly
that change; emergencies take effect at once and are reviewed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from node.http_state import EntraideApp
from node.models import (
    Association,
    AssociationStatus,
    CommitteeMember,
    DomainBlock,
    OutboxActivity,
    Partnership,
    PartnershipStatus,
    ProposalOrigin,
    ProposalState,
)
from tests.conftest import NodeFactory
from tests.fedtools import federated_nodes, settle
from tests.node.committee_support import decision_of, only_proposal, reach_deadline, seat, votes
from tests.node.fed_support import call, member, ok

PARTNERSHIPS = "/api/v1/admin/partnerships"
FEDERATION = "/api/v1/admin/federation"


async def _gated(app: EntraideApp, method: str, path: str, headers: Any, **kw: Any) -> Any:
    status, body = await call(app, method, path, headers, **kw)
    assert status == 202, (status, body)
    assert "street committee" in body["detail"]
    return body["proposal"]


async def _approve(
    app: EntraideApp, proposal: dict[str, Any], people: list[Any], *partners: EntraideApp
) -> None:
    await votes(app, proposal["id"], people, *["for"] * len(people))
    assert await reach_deadline(app, partners=partners) == 1
    decision = await decision_of(app, proposal["id"])
    assert decision.outcome == ProposalState.APPROVED and decision.executed_at is not None


async def test_incoming_partnership_opens_a_proposal_and_the_accept_waits(
    node_factory: NodeFactory,
) -> None:
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    people = await seat(lyon, 2, quorum=2)
    await ok(
        paris, "POST", PARTNERSHIPS, paris_admin, json={"target": "lyon.test", "scopes": ["calls"]}
    )
    await settle(paris, lyon)
    # The partner's request opened a proposal by itself.
    proposal = await only_proposal(lyon)
    assert proposal.origin == ProposalOrigin.REMOTE and proposal.kind == "partnership.accept"
    assert proposal.after["partnership"] == "accepted" and proposal.after["scopes"] == "calls"
    incoming = (await ok(lyon, "GET", PARTNERSHIPS, lyon_admin))["items"][0]
    # The admin's accept is the same proposal: nothing is accepted, nothing is sent.
    again = await _gated(lyon, "POST", f"{PARTNERSHIPS}/{incoming['id']}/accept", lyon_admin)
    assert again["id"] == str(proposal.id)
    with lyon.node.db.activate():
        assert (await Partnership.get(id=incoming["id"])).status == PartnershipStatus.PENDING
        assert not await OutboxActivity.filter(type="Accept").exists()
    await _approve(lyon, again, people, paris)
    await settle(paris, lyon)
    assert (await ok(lyon, "GET", PARTNERSHIPS, lyon_admin))["items"][0]["status"] == "accepted"
    mine = (await ok(paris, "GET", PARTNERSHIPS, paris_admin))["items"][0]
    assert mine["status"] == "accepted"
    with lyon.node.db.activate():
        [accept] = await OutboxActivity.filter(type="Accept")
        decision = await decision_of(lyon, again["id"])
    # The Accept links the decision that made it; Paris keeps the link; anyone can read it.
    link = f"http://lyon.test/api/v1/decisions/{decision.id}"
    assert accept.body["committeeDecision"] == link
    assert mine["remote_committee_decision"] == link
    record = await ok(lyon, "GET", link.removeprefix("http://lyon.test"), {})
    assert record["outcome"] == "approved" and record["kind"] == "partnership.accept"

    # Ending the partnership is gated too; approved, the Undo goes out once.
    ending = await _gated(lyon, "DELETE", f"{PARTNERSHIPS}/{incoming['id']}", lyon_admin)
    assert ending["kind"] == "partnership.end"
    assert (await ok(lyon, "GET", PARTNERSHIPS, lyon_admin))["items"][0]["status"] == "accepted"
    await _approve(lyon, ending, people, paris)
    await settle(paris, lyon)
    assert (await ok(paris, "GET", PARTNERSHIPS, paris_admin))["items"][0]["status"] == "ended"


async def test_a_refused_partnership_stays_pending_and_the_admin_may_refuse_it(
    node_factory: NodeFactory,
) -> None:
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    people = await seat(lyon, 1, quorum=1)
    await ok(
        paris, "POST", PARTNERSHIPS, paris_admin, json={"target": "lyon.test", "scopes": ["calls"]}
    )
    await settle(paris, lyon)
    proposal = await only_proposal(lyon)
    await votes(lyon, str(proposal.id), people, "against")
    await reach_deadline(lyon, partners=(paris,))
    incoming = (await ok(lyon, "GET", PARTNERSHIPS, lyon_admin))["items"][0]
    assert incoming["status"] == "pending"  # refused: nothing happened
    # Refusing shares nothing: not gated.
    refused = await ok(lyon, "POST", f"{PARTNERSHIPS}/{incoming['id']}/reject", lyon_admin)
    assert refused["status"] == "rejected"
    # The Reject links the committee's refusal; Paris shows it.
    await settle(paris, lyon)
    decision = await decision_of(lyon, str(proposal.id))
    link = f"http://lyon.test/api/v1/decisions/{decision.id}"
    with lyon.node.db.activate():
        [reject] = await OutboxActivity.filter(type="Reject")
    assert reject.body["committeeDecision"] == link
    mine = (await ok(paris, "GET", PARTNERSHIPS, paris_admin))["items"][0]
    assert mine["status"] == "rejected" and mine["remote_committee_decision"] == link


async def test_blocks_and_allowlist_wait_for_the_committee(app: EntraideApp) -> None:
    people = await seat(app, 1, quorum=1)
    _, admin = await member(app, "Admin", admin=True)
    block = await _gated(
        app, "POST", f"{FEDERATION}/blocks", admin, json={"domain": "Spam.Example"}
    )
    assert block["change"]["domain"] == "spam.example"
    policy = await _gated(
        app,
        "PUT",
        f"{FEDERATION}/policy",
        admin,
        json={"allowlist_mode": True, "allowed_domains": ["lyon.test"]},
    )
    assert policy["before"] == {"allowlist_mode": "no", "allowed_domains": "—"}
    assert policy["after"] == {"allowlist_mode": "yes", "allowed_domains": "lyon.test"}
    assert await ok(app, "GET", f"{FEDERATION}/policy", admin) == {
        "allowlist_mode": False,
        "allowed_domains": [],
    }
    assert (await ok(app, "GET", f"{FEDERATION}/blocks", admin))["items"] == []
    # A policy that changes nothing opens nothing.
    status, _ = await call(
        app, "PUT", f"{FEDERATION}/policy", admin, json={"allowlist_mode": False}
    )
    assert status == 200
    for proposal in (block, policy):
        await votes(app, proposal["id"], people, "for")
    assert await reach_deadline(app) == 2
    assert await ok(app, "GET", f"{FEDERATION}/policy", admin) == {
        "allowlist_mode": True,
        "allowed_domains": ["lyon.test"],
    }
    assert [
        b["domain"] for b in (await ok(app, "GET", f"{FEDERATION}/blocks", admin))["items"]
    ] == ["spam.example"]
    # Lifting the block is a proposal as well.
    lifting = await _gated(app, "DELETE", f"{FEDERATION}/blocks/spam.example", admin)
    assert lifting["kind"] == "federation.unblock"
    assert (await call(app, "DELETE", f"{FEDERATION}/blocks/other.example", admin))[0] == 404


async def test_emergency_block_takes_effect_and_is_reviewed(app: EntraideApp) -> None:
    people = await seat(app, 1, quorum=1)
    _, admin = await member(app, "Admin", admin=True)
    path = f"{FEDERATION}/blocks"
    status, body = await call(
        app, "POST", path, admin, json={"domain": "abuse.example", "emergency": True}
    )
    assert status == 422 and body["errors"][0]["field"] == "reason"
    status, body = await call(
        app,
        "POST",
        path,
        admin,
        json={"domain": "abuse.example", "reason": "Messages haineux en masse", "emergency": True},
    )
    assert status == 201 and body["domain"] == "abuse.example"
    proposal = await only_proposal(app)
    assert proposal.origin == ProposalOrigin.EMERGENCY and proposal.state == ProposalState.OPEN
    # Reviewed within the committee's voting period (7 days by default), like any proposal.
    assert proposal.deadline - proposal.created_at == timedelta(days=7)
    public = await ok(app, "GET", "/api/v1/decisions", {})
    assert public["items"] == []  # not decided yet; shown as waiting on the decisions page
    page = await (await app.test_client().get("/decisions")).get_data(as_text=True)
    assert "Bloquer abuse.example" in page
    # The committee refuses it: the block is lifted.
    await votes(app, str(proposal.id), people, "against")
    await reach_deadline(app)
    decision = await decision_of(app, str(proposal.id))
    assert decision.outcome == ProposalState.REFUSED and decision.executed_at is not None
    with app.node.db.activate():
        assert not await DomainBlock.filter(domain="abuse.example").exists()


async def test_confirmed_or_unreviewed_emergency_block_stays(app: EntraideApp) -> None:
    people = await seat(app, 1, quorum=1)
    _, admin = await member(app, "Admin", admin=True)
    for domain in ("a.example", "b.example"):
        body = {"domain": domain, "reason": "Spam", "emergency": True}
        assert (await call(app, "POST", f"{FEDERATION}/blocks", admin, json=body))[0] == 201
    with app.node.db.activate():
        from node.models import CommitteeProposal

        confirmed = await CommitteeProposal.get(subject="block:a.example")
    await votes(app, str(confirmed.id), people, "for")
    await reach_deadline(app)  # b.example: nobody voted (no quorum)
    with app.node.db.activate():
        assert await DomainBlock.filter(domain__in=["a.example", "b.example"]).count() == 2


async def test_association_approval_and_an_admins_creation_wait(app: EntraideApp) -> None:
    people = await seat(app, 1, quorum=1)
    _, admin = await member(app, "Admin", admin=True)
    _, asker = await member(app, "Sophie")
    asked = await ok(app, "POST", "/api/v1/associations", asker, json={"name": "La Cloche"})
    assert asked["status"] == "pending"
    proposal = await _gated(app, "POST", f"/api/v1/associations/{asked['id']}/approve", admin)
    assert proposal["kind"] == "association.approve"
    # Created by an admin: pending as well, with its proposal.
    created = await ok(app, "POST", "/api/v1/associations", admin, json={"name": "Emmaüs Connect"})
    assert created["status"] == "pending"
    with app.node.db.activate():
        assert (await Association.get(id=asked["id"])).status == AssociationStatus.PENDING
    await votes(app, proposal["id"], people, "for")
    await reach_deadline(app)
    with app.node.db.activate():
        assert (await Association.get(id=asked["id"])).status == AssociationStatus.APPROVED
        # Nobody voted on the second one: without quorum it stays pending.
        assert (await Association.get(id=created["id"])).status == AssociationStatus.PENDING
    # Rejecting is not gated.
    _, other = await member(app, "Marc")
    third = await ok(app, "POST", "/api/v1/associations", other, json={"name": "Troisième"})
    rejected = await ok(app, "POST", f"/api/v1/associations/{third['id']}/reject", admin)
    assert rejected["status"] == "rejected"


async def test_an_approved_change_that_no_longer_applies_is_recorded_not_done(
    app: EntraideApp,
) -> None:
    people = await seat(app, 1, quorum=1)
    _, admin = await member(app, "Admin", admin=True)
    _, asker = await member(app, "Sophie")
    asked = await ok(app, "POST", "/api/v1/associations", asker, json={"name": "La Cloche"})
    proposal = await _gated(app, "POST", f"/api/v1/associations/{asked['id']}/approve", admin)
    await ok(app, "POST", f"/api/v1/associations/{asked['id']}/reject", admin)  # meanwhile
    await votes(app, proposal["id"], people, "for")
    await reach_deadline(app)
    decision = await decision_of(app, proposal["id"])
    assert decision.outcome == ProposalState.APPROVED
    assert decision.executed_at is None and "already rejected" in (decision.execution_error or "")
    with app.node.db.activate():
        assert (await Association.get(id=asked["id"])).status == AssociationStatus.REJECTED


async def test_refused_proposals_of_every_kind_leave_everything_unchanged(
    app: EntraideApp,
) -> None:
    people = await seat(app, 1, quorum=1)
    [(sitting, _)] = people
    _, admin = await member(app, "Admin", admin=True)
    _, asker = await member(app, "Sophie")
    newcomer, _ = await member(app, "Bruno")
    asked = await ok(app, "POST", "/api/v1/associations", asker, json={"name": "La Cloche"})
    committee_before = await ok(app, "GET", "/api/v1/committee", admin)
    policy_before = await ok(app, "GET", f"{FEDERATION}/policy", admin)
    opened = [
        await _gated(app, "POST", f"/api/v1/associations/{asked['id']}/approve", admin),
        await _gated(
            app, "POST", "/api/v1/committee/members", admin, json={"member_id": str(newcomer.id)}
        ),
        await _gated(app, "DELETE", f"/api/v1/committee/members/{sitting.id}", admin),
        await _gated(
            app, "PUT", "/api/v1/committee/rules", admin, json={"quorum": 3, "voting_days": 2}
        ),
        await _gated(app, "PUT", "/api/v1/committee/gates", admin, json={"gates": []}),
        await _gated(
            app,
            "PUT",
            f"{FEDERATION}/policy",
            admin,
            json={"allowlist_mode": True, "allowed_domains": ["lyon.test"]},
        ),
    ]
    for proposal in opened:
        await votes(app, proposal["id"], people, "against")
    assert await reach_deadline(app) == len(opened)
    for proposal in opened:
        decision = await decision_of(app, proposal["id"])
        assert decision.outcome == ProposalState.REFUSED and decision.executed_at is None
    assert await ok(app, "GET", "/api/v1/committee", admin) == committee_before
    assert await ok(app, "GET", f"{FEDERATION}/policy", admin) == policy_before
    with app.node.db.activate():
        assert (await Association.get(id=asked["id"])).status == AssociationStatus.PENDING
        seated = await CommitteeMember.filter(active_member_id__not_isnull=True).values_list(
            "member_id", flat=True
        )
        assert list(seated) == [sitting.id]
