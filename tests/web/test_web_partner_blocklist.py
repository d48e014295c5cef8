"""The admin's page for a partner's published blocklist: reached from the partnerships page,
the new domains offered with a box each, the chosen ones blocked (or proposed to the street
committee), and only for accepted partners."""

from __future__ import annotations

from typing import Any

from node.models import DomainBlock
from tests.conftest import NodeFactory
from tests.node.committee_support import seat
from tests.node.fed_support import partners_with_blocks
from tests.web.conftest import csrf_of, log_in

PAGE = "/admin/federation/partners/lyon.test/blocklist"


async def test_an_admin_reviews_and_applies_a_partners_list(
    node_factory: NodeFactory, make_member: Any
) -> None:
    paris, _, _ = await partners_with_blocks(node_factory)
    client = await log_in(paris, make_member, admin=True)
    partnerships = await (await client.get("/admin/partnerships?lang=en")).get_data(as_text=True)
    assert f'href="{PAGE}"' in partnerships
    response = await client.get(PAGE)
    page = await response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="domain" value="spam.example"' in page
    assert 'value="hate.example"' not in page and "already blocked here" in page
    token = await csrf_of(client, PAGE)
    empty = await client.post(PAGE, form={"csrf_token": token})
    assert empty.status_code == 422
    done = await client.post(PAGE, form={"csrf_token": token, "domain": "spam.example"})
    assert done.status_code == 303
    page = await (await client.get(done.headers["Location"])).get_data(as_text=True)
    assert "Blocked now: spam.example." in page  # in English, chosen above
    with paris.node.db.activate():
        assert await DomainBlock.exists(domain="spam.example")


async def test_with_the_committee_the_page_proposes(
    node_factory: NodeFactory, make_member: Any
) -> None:
    paris, _, _ = await partners_with_blocks(node_factory)
    await seat(paris, 2)
    client = await log_in(paris, make_member, admin=True)
    token = await csrf_of(client, PAGE)
    done = await client.post(PAGE, form={"csrf_token": token, "domain": "spam.example"})
    page = await (await client.get(done.headers["Location"])).get_data(as_text=True)
    assert "En attente du comité de rue : spam.example." in page
    with paris.node.db.activate():
        assert not await DomainBlock.exists(domain="spam.example")


async def test_the_page_is_for_admins_and_accepted_partners(
    node_factory: NodeFactory, make_member: Any
) -> None:
    paris, _, _ = await partners_with_blocks(node_factory)
    resident = await log_in(paris, make_member)
    assert (await resident.get(PAGE)).status_code == 403
    admin = await log_in(paris, make_member, admin=True)
    assert (
        await admin.get("/admin/federation/partners/stranger.test/blocklist")
    ).status_code == 404
    assert (await paris.test_client().get(PAGE)).status_code == 303  # to the log-in page
