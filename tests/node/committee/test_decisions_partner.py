"""A partner node reads the street committee's public record over HTTP, as its own
federation client does (a signed GET): the list, one decision with its votes, and the
decision a partnership ``Accept`` links to."""

from __future__ import annotations

from node.fed.client import signing_client
from node.models import CommitteeProposal, OutboxActivity
from tests.conftest import NodeFactory
from tests.fedtools import federated_nodes, settle
from tests.node.committee_support import reach_deadline, seat, votes
from tests.node.fed_support import call, member, partner

BLOCKS = "/api/v1/admin/federation/blocks"


async def test_a_partner_reads_the_decisions(node_factory: NodeFactory) -> None:
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await partner(lyon, lyon_admin, paris, paris_admin, paris, lyon)
    people = await seat(paris, 2, quorum=2)
    status, body = await call(paris, "POST", BLOCKS, paris_admin, json={"domain": "spam.example"})
    assert status == 202, body
    await votes(paris, body["proposal"]["id"], people, "for", "abstain")
    assert await reach_deadline(paris, partners=(lyon,)) == 1

    async with signing_client(lyon.node) as client:
        listed = await client.get(
            "http://paris.test/api/v1/decisions", headers={"Accept": "application/json"}
        )
        assert listed.status_code == 200
        [item] = listed.json()["items"]
        assert item["title"] == "Bloquer spam.example" and item["outcome"] == "approved"
        assert item["tally"] == {"votes_for": 1, "votes_against": 0, "votes_abstain": 1}
        assert item["executed"] is True
        one = await client.get(
            f"http://paris.test/api/v1/decisions/{item['id']}",
            headers={"Accept": "application/json"},
        )
        assert one.status_code == 200 and one.json()["id"] == item["id"]
        # Names of voters stay at home: the record has counts, nobody's name or number.
        assert "Comité" not in one.text and "+33" not in one.text
        missing = await client.get(
            "http://paris.test/api/v1/decisions/00000000-0000-0000-0000-000000000000"
        )
        assert missing.status_code == 404
        # The public page as well, for a person of the partner node.
        page = await client.get("http://paris.test/decisions", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "Bloquer spam.example" in page.text
    await settle(paris, lyon)


async def test_the_accept_links_a_decision_the_partner_can_read(
    node_factory: NodeFactory,
) -> None:
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    people = await seat(paris, 1, quorum=1)
    body = {"target": "paris.test", "scopes": ["public_needs"], "message": "Bonjour"}
    status, _ = await call(lyon, "POST", "/api/v1/admin/partnerships", lyon_admin, json=body)
    assert status in (200, 201)
    await settle(paris, lyon)
    with paris.node.db.activate():
        [proposal] = await CommitteeProposal.all()
    await votes(paris, str(proposal.id), people, "for")
    assert await reach_deadline(paris, partners=(lyon,)) == 1
    with paris.node.db.activate():
        [accept] = await OutboxActivity.filter(type="Accept")
    link = accept.body["committeeDecision"]
    await settle(paris, lyon)
    async with signing_client(lyon.node) as client:
        read = await client.get(link, headers={"Accept": "application/json"})
    assert read.status_code == 200, read.text
    assert read.json()["outcome"] == "approved" and read.json()["title"]
