"""Changing what a partnership shares waits for the street committee, through the API and
through a partner's request to share more: the admin's change opens a proposal and changes
nothing; approved, the node makes exactly that change once; refused, nothing happens."""

from __future__ import annotations

from typing import Any

from node.http_state import EntraideApp
from node.models import OutboxActivity, ProposalOrigin, ProposalState
from tests.conftest import NodeFactory
from tests.fedtools import federated_nodes, settle
from tests.node.committee_support import decision_of, only_proposal, reach_deadline, seat, votes
from tests.node.fed_support import call, member, ok, partner

PATH = "/api/v1/admin/partnerships"


async def _partners(
    node_factory: NodeFactory,
) -> tuple[EntraideApp, dict[str, str], str, EntraideApp, dict[str, str], str]:
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    mine, theirs = await partner(
        paris, paris_admin, lyon, lyon_admin, paris, lyon, scopes=("guide", "public_needs")
    )
    return paris, paris_admin, mine["id"], lyon, lyon_admin, theirs["id"]


async def _row(app: EntraideApp, headers: dict[str, str], partnership_id: str) -> Any:
    rows = await ok(app, "GET", PATH, headers)
    return next(p for p in rows["items"] if p["id"] == partnership_id)


async def _sent(app: EntraideApp, kind: str) -> list[OutboxActivity]:
    with app.node.db.activate():
        return await OutboxActivity.filter(type=kind)


async def test_a_change_of_scopes_is_a_proposal_carried_out_once_approved(
    node_factory: NodeFactory,
) -> None:
    paris, paris_admin, mine, lyon, lyon_admin, theirs = await _partners(node_factory)
    people = await seat(lyon, 1, quorum=1)
    body = {"scopes": ["guide"], "message": "Nous gardons le guide seulement"}
    status, answer = await call(lyon, "PATCH", f"{PATH}/{theirs}", lyon_admin, json=body)
    assert status == 202 and "street committee" in answer["detail"]
    proposal = answer["proposal"]
    assert proposal["kind"] == "partnership.scopes"
    assert proposal["before"]["scopes"] == "guide, public_needs"
    assert proposal["after"]["scopes"] == "guide"
    # Nothing changed yet, nothing was sent.
    assert (await _row(lyon, lyon_admin, theirs))["scopes"] == ["guide", "public_needs"]
    assert await _sent(lyon, "Update") == []
    # One open proposal per partnership: a second change waits its turn.
    other = {"scopes": ["public_needs"]}
    assert (await call(lyon, "PATCH", f"{PATH}/{theirs}", lyon_admin, json=other))[0] == 409

    await votes(lyon, proposal["id"], people, "for")
    assert await reach_deadline(lyon, partners=(paris,)) == 1
    decision = await decision_of(lyon, proposal["id"])
    assert decision.outcome == ProposalState.APPROVED and decision.executed_at is not None
    await settle(paris, lyon)
    assert (await _row(lyon, lyon_admin, theirs))["scopes"] == ["guide"]
    assert (await _row(paris, paris_admin, mine))["scopes"] == ["guide"]
    # Carried out exactly once, even when the closing job runs again.
    assert await reach_deadline(lyon, partners=(paris,)) == 0
    assert len(await _sent(lyon, "Update")) == 1


async def test_a_refused_change_of_scopes_changes_nothing(node_factory: NodeFactory) -> None:
    paris, paris_admin, mine, lyon, lyon_admin, theirs = await _partners(node_factory)
    people = await seat(lyon, 1, quorum=1)
    body = {"scopes": ["calls", "guide", "public_needs"]}
    status, answer = await call(lyon, "PATCH", f"{PATH}/{theirs}", lyon_admin, json=body)
    assert status == 202
    await votes(lyon, answer["proposal"]["id"], people, "against")
    await reach_deadline(lyon, partners=(paris,))
    decision = await decision_of(lyon, answer["proposal"]["id"])
    assert decision.outcome == ProposalState.REFUSED
    await settle(paris, lyon)
    row = await _row(lyon, lyon_admin, theirs)
    assert row["scopes"] == ["guide", "public_needs"] and row["asked_to_share_more"] is None
    assert await _sent(lyon, "Offer") == []  # Paris asked for the partnership: none before
    assert (await _row(paris, paris_admin, mine))["asks_to_share_more"] is None


async def test_a_partners_request_to_share_more_opens_a_proposal(
    node_factory: NodeFactory,
) -> None:
    paris, paris_admin, mine, lyon, lyon_admin, theirs = await _partners(node_factory)
    people = await seat(lyon, 1, quorum=1)
    # Paris has no committee: its request to share more leaves at once.
    body = {"scopes": ["calls", "guide", "public_needs"], "message": "Et les appels ?"}
    await ok(paris, "PATCH", f"{PATH}/{mine}", paris_admin, json=body)
    await settle(paris, lyon)
    # The request opened a proposal by itself.
    proposal = await only_proposal(lyon)
    assert proposal.origin == ProposalOrigin.REMOTE
    assert proposal.kind == "partnership.scopes.accept"
    assert proposal.after["scopes"] == "calls, guide, public_needs"
    # The admin's accept is that same proposal: nothing is shared more, nothing is sent.
    status, answer = await call(lyon, "POST", f"{PATH}/{theirs}/scopes/accept", lyon_admin)
    assert status == 202 and answer["proposal"]["id"] == str(proposal.id)
    row = await _row(lyon, lyon_admin, theirs)
    assert row["scopes"] == ["guide", "public_needs"]
    assert row["asks_to_share_more"]["scopes"] == ["calls"]
    assert len(await _sent(lyon, "Accept")) == 1  # the partnership's own

    await votes(lyon, str(proposal.id), people, "for")
    assert await reach_deadline(lyon, partners=(paris,)) == 1
    await settle(paris, lyon)
    assert (await _row(lyon, lyon_admin, theirs))["scopes"] == ["calls", "guide", "public_needs"]
    row = await _row(paris, paris_admin, mine)
    assert row["scopes"] == ["calls", "guide", "public_needs"]
    assert row["asked_to_share_more"] is None
    # The Accept names the decision that made it.
    accepts = await _sent(lyon, "Accept")
    assert len(accepts) == 2
    decision = await decision_of(lyon, str(proposal.id))
    assert (
        accepts[-1].body["committeeDecision"] == f"http://lyon.test/api/v1/decisions/{decision.id}"
    )


async def test_refusing_a_partners_request_is_not_gated(node_factory: NodeFactory) -> None:
    paris, paris_admin, mine, lyon, lyon_admin, theirs = await _partners(node_factory)
    await seat(lyon, 1, quorum=1)
    body = {"scopes": ["calls", "guide", "public_needs"]}
    await ok(paris, "PATCH", f"{PATH}/{mine}", paris_admin, json=body)
    await settle(paris, lyon)
    refused = await ok(lyon, "POST", f"{PATH}/{theirs}/scopes/reject", lyon_admin)
    assert refused["scopes"] == ["guide", "public_needs"] and refused["asks_to_share_more"] is None
    await settle(paris, lyon)
    row = await _row(paris, paris_admin, mine)
    assert row["scopes"] == ["guide", "public_needs"] and row["asked_to_share_more"] is None
