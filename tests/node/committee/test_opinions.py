"""Across nodes: Paris's committee asks Lyon's for its opinion (an AS2 Question, FEP-9967
shape); Lyon's committee votes on it like on its own proposals and answers with a Note naming
the option; the answer shows on Paris's proposal and decides nothing."""

from __future__ import annotations

from datetime import timedelta

from node import clock
from node.http_state import EntraideApp
from node.models import CommitteeProposal, OutboxActivity, ProposalOrigin, ProposalState
from tests.conftest import NodeFactory
from tests.fedtools import advance, federated_nodes, settle
from tests.node.committee_support import decision_of, seat, votes
from tests.node.fed_support import call, member, ok, partner

BLOCKS = "/api/v1/admin/federation/blocks"


async def _open_proposal(app: EntraideApp, admin: dict[str, str]) -> str:
    status, body = await call(app, "POST", BLOCKS, admin, json={"domain": "spam.example"})
    assert status == 202, body
    return str(body["proposal"]["id"])


async def test_a_partner_committee_gives_its_opinion(node_factory: NodeFactory) -> None:
    paris, lyon, nantes = await federated_nodes(node_factory, "paris", "lyon", "nantes")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await partner(paris, paris_admin, lyon, lyon_admin, paris, lyon, nantes)
    paris_people = await seat(paris, 1, quorum=1)
    lyon_people = await seat(lyon, 2, quorum=2)
    proposal_id = await _open_proposal(paris, paris_admin)
    path = f"/api/v1/committee/proposals/{proposal_id}"
    # Only the facilitator (or an admin) asks; partners only (Nantes is not one).
    assert (await call(paris, "POST", f"{path}/opinions", paris_people[0][1]))[0] == 200
    assert (await ok(paris, "POST", f"{path}/opinions", paris_admin, json=None))["asked"] == 0
    with paris.node.db.activate():
        [create] = [
            a
            for a in await OutboxActivity.filter(type="Create")
            if a.body["object"]["type"] == "Question"
        ]
    question = create.body["object"]
    assert question["name"] == "Bloquer spam.example"
    assert [o["name"] for o in question["oneOf"]] == ["for", "against", "abstain"]
    assert question["to"] == ["http://lyon.test/actor"] and question["endTime"].endswith("Z")
    await settle(paris, lyon, nantes)

    # Lyon's committee votes on the question like on its own proposals.
    with lyon.node.db.activate():
        [asked] = await CommitteeProposal.all()
    assert asked.kind == "opinion.give" and asked.origin == ProposalOrigin.REMOTE
    assert asked.title == "Avis demandé par paris.test : Bloquer spam.example"
    assert asked.deadline < clock.now() + timedelta(days=7)  # answers before Paris closes
    await votes(lyon, str(asked.id), lyon_people, "against", "against")
    advance(timedelta(days=7) - timedelta(minutes=30), paris, lyon, nantes)
    with lyon.node.db.activate():
        from node.services.committee.closing import close_due_proposals

        assert await close_due_proposals(lyon.node) == 1
    await settle(paris, lyon, nantes)
    with lyon.node.db.activate():
        [answer] = [
            a
            for a in await OutboxActivity.filter(type="Create")
            if a.body["object"]["type"] == "Note"
        ]
    assert answer.body["object"]["name"] == "against"
    assert answer.body["object"]["inReplyTo"] == question["id"]
    decision = await decision_of(lyon, str(asked.id))
    assert answer.body["object"]["committeeDecision"].endswith(f"/api/v1/decisions/{decision.id}")
    seen = await ok(paris, "GET", path, paris_admin)
    assert [(o["domain"], o["answer"]) for o in seen["opinions"]] == [("lyon.test", "against")]
    # Not binding: Paris's own committee decides.
    await votes(paris, proposal_id, paris_people, "for")
    advance(timedelta(hours=1), paris, lyon, nantes)
    with paris.node.db.activate():
        assert await close_due_proposals(paris.node) == 1
    assert (await decision_of(paris, proposal_id)).outcome == ProposalState.APPROVED


async def test_a_question_from_a_node_that_is_no_longer_a_partner_is_ignored(
    node_factory: NodeFactory,
) -> None:
    from node.models import InboxItem, InboxStatus, PartnerOpinion

    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    mine, theirs = await partner(paris, paris_admin, lyon, lyon_admin, paris, lyon)
    await seat(paris, 1, quorum=1)
    proposal_id = await _open_proposal(paris, paris_admin)
    path = f"/api/v1/committee/proposals/{proposal_id}/opinions"
    _, resident = await member(paris, "Résident")
    assert (await call(paris, "POST", path, resident))[0] == 403
    assert (await ok(paris, "POST", path, paris_admin, json=None))["asked"] == 1
    # Lyon ends the partnership (no committee there yet) before the question arrives.
    await ok(lyon, "DELETE", f"/api/v1/admin/partnerships/{theirs['id']}", lyon_admin)
    await seat(lyon, 1, quorum=1)
    await settle(paris, lyon)
    with lyon.node.db.activate():
        assert not await CommitteeProposal.all().exists()
        ignored = await InboxItem.filter(status=InboxStatus.IGNORED).values_list(
            "last_error", flat=True
        )
        assert any("not a partner" in str(reason) for reason in ignored), ignored
    with paris.node.db.activate():
        [opinion] = await PartnerOpinion.all()
        assert opinion.answer is None and mine["remote_domain"] == "lyon.test"
