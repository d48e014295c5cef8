"""The street committee: quorum and majority, ties, vote changes, expiry, execution exactly
once, a refused proposal changes nothing; rules, seats and the API's rejection paths."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from node.http_state import EntraideApp
from node.models import Committee, CommitteeMember, DomainBlock, ProposalState
from node.services.committee import closing
from node.services.committee.rules import Tally, outcome
from tests.factories import make_association, make_proxy
from tests.node.committee_support import (
    decision_of,
    only_proposal,
    reach_deadline,
    seat,
    vote,
    votes,
)
from tests.node.fed_support import call, member, ok

BLOCKS = "/api/v1/admin/federation/blocks"


def test_quorum_and_simple_majority_of_votes_cast() -> None:
    assert outcome(Tally(3, 1, 1), quorum=5) == ProposalState.APPROVED
    assert outcome(Tally(3, 1, 0), quorum=5) == ProposalState.EXPIRED  # 4 voters < 5
    # Abstentions count for the quorum, not for the majority.
    assert outcome(Tally(1, 0, 4), quorum=5) == ProposalState.APPROVED
    assert outcome(Tally(0, 0, 5), quorum=5) == ProposalState.REFUSED
    assert outcome(Tally(2, 2, 1), quorum=5) == ProposalState.REFUSED  # a tie is a no
    assert outcome(Tally(2, 3, 0), quorum=5) == ProposalState.REFUSED
    assert outcome(Tally(1, 0, 0), quorum=1) == ProposalState.APPROVED


async def _propose_block(app: EntraideApp, domain: str = "spam.example") -> dict[str, object]:
    _, admin = await member(app, "Admin", admin=True)
    status, body = await call(app, "POST", BLOCKS, admin, json={"domain": domain})
    assert status == 202, body
    return dict(body["proposal"])


async def test_defaults_and_an_empty_committee_gates_nothing(app: EntraideApp) -> None:
    _, admin = await member(app, "Admin", admin=True)
    rules = await ok(app, "GET", "/api/v1/committee", admin)
    assert rules == {
        "quorum": 5,
        "majority": "simple",
        "voting_days": 7,
        "gates": [
            "partnerships",
            "federation_policy",
            "associations",
            "committee",
            "charter",
            "moderation",
        ],
        "members_count": 0,
    }
    # No member yet: the admin decides alone.
    status, _ = await call(app, "POST", BLOCKS, admin, json={"domain": "spam.example"})
    assert status == 201


async def test_approved_block_is_executed_once(app: EntraideApp) -> None:
    people = await seat(app, 5)
    proposal = await _propose_block(app)
    assert proposal["state"] == "open" and proposal["number"] == 1
    assert proposal["before"] == {"domain": "spam.example", "blocked": "no"}
    assert proposal["after"] == {"domain": "spam.example", "blocked": "yes"}
    assert proposal["change"] == {
        "kind": "federation.block",
        "domain": "spam.example",
        "reason": "",
    }
    with app.node.db.activate():
        assert not await DomainBlock.filter(domain="spam.example").exists()
    await votes(app, str(proposal["id"]), people, "for", "for", "against", "abstain", "for")
    assert await reach_deadline(app) == 1
    decision = await decision_of(app, str(proposal["id"]))
    assert decision.outcome == ProposalState.APPROVED
    assert (decision.votes_for, decision.votes_against, decision.votes_abstain) == (3, 1, 1)
    assert decision.executed_at is not None and decision.execution_error is None
    with app.node.db.activate():
        assert await DomainBlock.filter(domain="spam.example").count() == 1
        # A second worker that saw the same approval claims nothing.
        assert not await closing.execute_decision(app.node, decision)
    assert await reach_deadline(app) == 0  # closed once


async def test_two_workers_execute_an_approval_once(app: EntraideApp) -> None:
    people = await seat(app, 1, quorum=1)
    proposal = await _propose_block(app)
    await vote(app, str(proposal["id"]), people[0][1], "for")
    app.node.clock.advance(timedelta(days=8))
    with app.node.db.activate():
        row = await only_proposal(app)
        first, second = await asyncio.gather(
            closing.close_proposal(app.node, row), closing.close_proposal(app.node, row)
        )
        assert [d is not None for d in (first, second)].count(True) == 1
        decision = first or second
        assert decision is not None
        again = await asyncio.gather(
            closing.execute_decision(app.node, decision),
            closing.execute_decision(app.node, decision),
        )
        assert again == [False, False]  # already done by the closing
        assert await DomainBlock.filter(domain="spam.example").count() == 1


async def test_refused_tie_and_expired_change_nothing(app: EntraideApp) -> None:
    people = await seat(app, 4, quorum=4)
    refused = await _propose_block(app, "a.example")
    await votes(app, str(refused["id"]), people, "for", "for", "against", "against")
    assert await reach_deadline(app) == 1
    assert (await decision_of(app, str(refused["id"]))).outcome == ProposalState.REFUSED
    expired = await _propose_block(app, "b.example")
    await votes(app, str(expired["id"]), people, "for", "for", "for")  # 3 < quorum 4
    assert await reach_deadline(app) == 1
    decision = await decision_of(app, str(expired["id"]))
    assert decision.outcome == ProposalState.EXPIRED and decision.executed_at is None
    with app.node.db.activate():
        assert not await DomainBlock.all().exists()


async def test_votes_change_until_the_deadline_and_only_seats_vote(app: EntraideApp) -> None:
    people = await seat(app, 1, quorum=1)
    proposal = await _propose_block(app)
    path = f"/api/v1/committee/proposals/{proposal['id']}"
    first = await vote(app, str(proposal["id"]), people[0][1], "against")
    changed = await vote(app, str(proposal["id"]), people[0][1], "for")
    assert first["id"] == changed["id"] and changed["choice"] == "for"
    mine = await ok(app, "GET", path, people[0][1])
    assert mine["my_vote"] == "for" and mine["votes_cast"] == 1
    _, outsider = await member(app, "Pas au comité")
    status, body = await call(app, "PUT", f"{path}/vote", outsider, json={"choice": "for"})
    assert status == 403 and "committee" in body["detail"]
    assert (await call(app, "PUT", f"{path}/vote", people[0][1], json={"choice": "maybe"}))[
        0
    ] == 422
    assert (await call(app, "PUT", f"{path}/vote", None, json={"choice": "for"}))[0] == 401
    missing = "/api/v1/committee/proposals/00000000-0000-0000-0000-000000000000/vote"
    assert (await call(app, "PUT", missing, people[0][1], json={"choice": "for"}))[0] == 404
    app.node.clock.advance(timedelta(days=7, seconds=1))  # the deadline passed, not closed yet
    status, body = await call(app, "PUT", f"{path}/vote", people[0][1], json={"choice": "against"})
    assert status == 409
    assert await reach_deadline(app, days=0) == 1
    assert (await decision_of(app, str(proposal["id"]))).outcome == ProposalState.APPROVED


async def test_same_change_twice_is_one_proposal_and_another_is_409(app: EntraideApp) -> None:
    await seat(app, 2)
    first = await _propose_block(app)
    second = await _propose_block(app)
    assert first["id"] == second["id"]
    _, admin = await member(app, "Admin 2", admin=True)
    body = {"domain": "spam.example", "reason": "autre raison"}
    status, problem = await call(app, "POST", BLOCKS, admin, json=body)
    assert status == 409 and "Proposal 1" in problem["detail"]


async def test_seats_rules_and_gates_become_decisions(app: EntraideApp) -> None:
    _, admin = await member(app, "Admin", admin=True)
    first, _ = await member(app, "Awa")
    # The committee is empty: the admin names the first member at once.
    seated = await ok(
        app,
        "POST",
        "/api/v1/committee/members",
        admin,
        json={"member_id": str(first.id), "role": "facilitator"},
    )
    assert seated["role"] == "facilitator" and seated["pseudonym"] == "Awa"
    # Afterwards every change is a proposal.
    second, _ = await member(app, "Bruno")
    status, body = await call(
        app, "POST", "/api/v1/committee/members", admin, json={"member_id": str(second.id)}
    )
    assert status == 202 and body["proposal"]["kind"] == "committee.seat_add"
    status, body = await call(
        app, "PUT", "/api/v1/committee/rules", admin, json={"quorum": 1, "voting_days": 3}
    )
    assert status == 202 and body["proposal"]["after"] == {"quorum": "1", "voting_days": "3"}
    status, body = await call(
        app, "PUT", "/api/v1/committee/gates", admin, json={"gates": ["partnerships"]}
    )
    assert status == 202
    status, body = await call(app, "DELETE", f"/api/v1/committee/members/{first.id}", admin)
    assert status == 202 and body["proposal"]["kind"] == "committee.seat_remove"
    with app.node.db.activate():
        assert await CommitteeMember.filter(active_member_id__not_isnull=True).count() == 1
        committee = await Committee.get(id=1)
        assert committee.quorum == 5
        assert committee.gate_list == [
            "partnerships",
            "federation_policy",
            "associations",
            "committee",
            "charter",
            "moderation",
        ]
    # Rejection paths.
    assert (
        await call(
            app, "PUT", "/api/v1/committee/rules", admin, json={"quorum": 0, "voting_days": 3}
        )
    )[0] == 422
    assert (await call(app, "PUT", "/api/v1/committee/gates", admin, json={"gates": ["nope"]}))[
        0
    ] == 422
    _, resident = await member(app, "Résident")
    assert (
        await call(
            app, "PUT", "/api/v1/committee/rules", resident, json={"quorum": 2, "voting_days": 3}
        )
    )[0] == 403
    assert (
        await call(
            app, "POST", "/api/v1/committee/members", admin, json={"member_id": str(first.id)}
        )
    )[0] == 409
    missing = "00000000-0000-0000-0000-000000000000"
    assert (
        await call(app, "POST", "/api/v1/committee/members", admin, json={"member_id": missing})
    )[0] == 404
    assert (await call(app, "DELETE", f"/api/v1/committee/members/{missing}", admin))[0] == 404
    assert (await call(app, "GET", "/api/v1/committee", None))[0] == 401


async def test_an_approved_seat_and_rules_take_effect(app: EntraideApp) -> None:
    people = await seat(app, 1, quorum=1)
    _, admin = await member(app, "Admin", admin=True)
    newcomer, _ = await member(app, "Chantal")
    status, body = await call(
        app, "POST", "/api/v1/committee/members", admin, json={"member_id": str(newcomer.id)}
    )
    assert status == 202
    await vote(app, body["proposal"]["id"], people[0][1], "for")
    await reach_deadline(app)
    members = await ok(app, "GET", "/api/v1/committee/members", admin)
    assert [m["pseudonym"] for m in members["items"]] == ["Comité 0", "Chantal"]


async def test_a_proxy_profile_sits_only_with_consent(app: EntraideApp) -> None:
    _, admin = await member(app, "Admin", admin=True)
    association = await make_association(app, name="Aux captifs")
    proxy = await make_proxy(app, association, "Jo")
    path = "/api/v1/committee/members"
    status, body = await call(app, "POST", path, admin, json={"member_id": str(proxy.id)})
    assert status == 422 and body["errors"][0]["field"] == "consent_statement"
    consent = "Jo a dit oui à la permanence du 3 décembre, devant Sophie."
    seated = await ok(
        app, "POST", path, admin, json={"member_id": str(proxy.id), "consent_statement": consent}
    )
    assert seated["proxy"] is True and seated["consent_statement"] == consent


async def test_decisions_are_public(app: EntraideApp) -> None:
    people = await seat(app, 1, quorum=1)
    proposal = await _propose_block(app)
    await vote(app, str(proposal["id"]), people[0][1], "for")
    await reach_deadline(app)
    listed = await ok(app, "GET", "/api/v1/decisions", {})
    [item] = listed["items"]
    assert item["title"] == "Bloquer spam.example" and item["outcome"] == "approved"
    assert item["tally"] == {"votes_for": 1, "votes_against": 0, "votes_abstain": 0}
    assert item["executed"] is True and item["url"].endswith(f"/decisions/{item['id']}")
    one = await ok(app, "GET", f"/api/v1/decisions/{item['id']}", {})
    assert one["id"] == item["id"]
    missing = "/api/v1/decisions/00000000-0000-0000-0000-000000000000"
    assert (await call(app, "GET", missing))[0] == 404
    assert (await call(app, "GET", "/api/v1/decisions?limit=0"))[0] == 422
    # Nobody's phone or email is on the record.
    client = app.test_client()
    page = await (await client.get(f"/decisions/{item['id']}")).get_data(as_text=True)
    assert "Bloquer spam.example" in page and "+336" not in page and "@example.org" not in page
