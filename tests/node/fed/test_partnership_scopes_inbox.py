"""What another server may send about the scopes of a partnership, shaped as a hostile or
confused one would: an Update from a node that is no partner, from another actor of the
partner's host, one that tries to widen; an Offer to share more from the wrong actor, with 33
entries, with unknown scopes, delivered again; an Undo or an Accept that matches nothing. Each
is ignored with its reason (the inbox row says why), nothing changes, never a 5xx."""

from __future__ import annotations

from typing import Any

import pytest

from federation import build
from federation.testing import FakeActor, FakeFediverse
from node.http_state import EntraideApp
from node.iris import instance_actor_iri
from node.models import CommitteeProposal, Partnership, PartnershipScopeOffer
from tests.conftest import NodeFactory
from tests.fedtools import accepted_partner, deliver, fediverse_node

OBJECT = "https://lyon.test/partnerships/1"


@pytest.fixture
async def node_and_fedi(node_factory: NodeFactory) -> tuple[EntraideApp, FakeFediverse]:
    return await fediverse_node(node_factory)


def _partnership(scopes: Any, object_id: str = OBJECT) -> dict[str, Any]:
    return {"id": object_id, "type": "Partnership", "partnershipScope": scopes}


def _update(actor: FakeActor, scopes: Any, object_id: str = OBJECT) -> dict[str, Any]:
    return build.update(id=actor.new_id(), actor=actor.id, object=_partnership(scopes, object_id))


def _offer(app: EntraideApp, actor: FakeActor, scopes: Any) -> dict[str, Any]:
    return build.offer(
        id=actor.new_id(),
        actor=actor.id,
        object=_partnership(scopes),
        target=instance_actor_iri(app.node.settings),
    )


async def _partner(app: EntraideApp, fedi: FakeFediverse) -> FakeActor:
    lyon = fedi.add_actor("lyon.test", "node", "Application")
    await accepted_partner(app, "lyon.test", actor_iri=lyon.id, scopes="guide,public_needs")
    return lyon


async def _scopes(app: EntraideApp) -> list[str]:
    with app.node.db.activate():
        return (await Partnership.get(remote_domain="lyon.test")).scope_list


async def _requests(app: EntraideApp) -> list[str]:
    with app.node.db.activate():
        return [str(o.status) for o in await PartnershipScopeOffer.all()]


async def test_updates_that_may_not_narrow_are_ignored(
    node_and_fedi: tuple[EntraideApp, FakeFediverse],
) -> None:
    app, fedi = node_and_fedi
    lyon = await _partner(app, fedi)
    mallory = fedi.add_actor("mallory.test", "node", "Application")
    eve = fedi.add_actor("lyon.test", "eve")
    no_narrowing = "ignored: no accepted partnership of its sender to narrow, or nothing to remove"
    # A node that is no partner names our partnership; another actor of the partner's host.
    assert await deliver(app, fedi, mallory, _update(mallory, ["guide"])) == no_narrowing
    assert await deliver(app, fedi, eve, _update(eve, ["guide"])) == no_narrowing
    # The partner's actor, about another partnership object.
    other = _update(lyon, ["guide"], "https://lyon.test/partnerships/2")
    assert await deliver(app, fedi, lyon, other) == no_narrowing
    # An Update never widens: adding calls while keeping both is nothing to do.
    widening = _update(lyon, ["calls", "guide", "public_needs"])
    assert await deliver(app, fedi, lyon, widening) == no_narrowing
    # 33 entries is no partnership document; unknown scopes only would leave nothing (an Undo
    # ends a partnership, an Update does not).
    many = _update(lyon, ["guide"] * 33)
    assert await deliver(app, fedi, lyon, many) == no_narrowing
    assert await deliver(app, fedi, lyon, _update(lyon, ["everything"])) == no_narrowing
    assert await deliver(app, fedi, lyon, _update(lyon, {"deep": [[["guide"]]]})) == no_narrowing
    assert await deliver(app, fedi, lyon, _update(lyon, "guide")) == "done: None"
    assert await _scopes(app) == ["guide"]
    # Delivered again (a new id, the same list): nothing more to remove.
    assert await deliver(app, fedi, lyon, _update(lyon, ["guide"])) == no_narrowing
    not_partnership = build.update(
        id=lyon.new_id(), actor=lyon.id, object={"id": OBJECT, "type": "Note"}
    )
    assert (await deliver(app, fedi, lyon, not_partnership)).startswith("ignored:")
    assert await _scopes(app) == ["guide"]


async def test_requests_to_share_more_that_may_not_open_are_ignored(
    node_and_fedi: tuple[EntraideApp, FakeFediverse],
) -> None:
    app, fedi = node_and_fedi
    lyon = await _partner(app, fedi)
    eve = fedi.add_actor("lyon.test", "eve")
    # Another actor of the partner's host: not our partner's actor, and not a new partnership
    # either (one with lyon.test is active).
    outcome = await deliver(app, fedi, eve, _offer(app, eve, ["calls", "guide", "public_needs"]))
    assert outcome == "ignored: no known scope, or a partnership with this node is already active"
    nothing_new = "ignored: it adds no known scope, or a request of theirs already waits"
    for scopes in (["calls"] * 33, ["everything", "guide"], [], {"calls": True}):
        assert await deliver(app, fedi, lyon, _offer(app, lyon, scopes)) == nothing_new, scopes
    assert await _requests(app) == []
    # Unknown entries beside a known one: only what we know is asked.
    mixed = _offer(app, lyon, ["calls", "everything", "guide"])
    assert await deliver(app, fedi, lyon, mixed) == "done: None"
    with app.node.db.activate():
        [request] = await PartnershipScopeOffer.all()
    assert request.scope_list == ["calls"]
    # A second request while the first waits, or the same Offer under a new id: ignored.
    again = _offer(app, lyon, ["calls", "guide", "outreach", "public_needs"])
    assert await deliver(app, fedi, lyon, again) == nothing_new
    assert await _requests(app) == ["pending"]
    assert await _scopes(app) == ["guide", "public_needs"]  # nothing shared more yet


async def test_withdrawals_and_answers_that_match_nothing_are_ignored(
    node_and_fedi: tuple[EntraideApp, FakeFediverse],
) -> None:
    app, fedi = node_and_fedi
    lyon = await _partner(app, fedi)
    eve = fedi.add_actor("lyon.test", "eve")
    offer = _offer(app, lyon, ["calls", "guide", "public_needs"])
    assert await deliver(app, fedi, lyon, offer) == "done: None"
    # Another actor of the partner's host withdraws it: ignored, it still waits.
    forged = build.undo(id=eve.new_id(), actor=eve.id, object={**offer, "actor": eve.id})
    nothing = "ignored: no active partnership or pending request to share more matches"
    assert await deliver(app, fedi, eve, forged) == nothing
    assert await _requests(app) == ["pending"]
    # The partner withdraws it: done; delivered again, nothing more.
    undo = build.undo(id=lyon.new_id(), actor=lyon.id, object=offer)
    assert await deliver(app, fedi, lyon, undo) == "done: None"
    assert await _requests(app) == ["ended"]
    again = build.undo(id=lyon.new_id(), actor=lyon.id, object=offer)
    assert await deliver(app, fedi, lyon, again) == nothing
    # An Accept of a request we never sent.
    accept = build.accept(id=lyon.new_id(), actor=lyon.id, object=offer)
    outcome = await deliver(app, fedi, lyon, accept)
    assert outcome == "ignored: no pending partnership request of ours matches"
    assert await _scopes(app) == ["guide", "public_needs"]
    with app.node.db.activate():
        assert await CommitteeProposal.all().count() == 0
