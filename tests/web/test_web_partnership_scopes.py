"""The partnerships page changes what an accepted partnership shares, between two real nodes:
ask to share more, the partner accepts or refuses it on its own page, withdraw a request; with
the street committee sitting, each change becomes a proposal; and the page's refusals."""

from __future__ import annotations

import html
from typing import Any

from node.http_state import EntraideApp
from node.models import CommitteeProposal, OutboxActivity, Partnership, PartnershipScopeOffer
from tests.conftest import MemberFactory, NodeFactory
from tests.fedtools import federated_nodes, settle
from tests.node.committee_support import seat
from tests.node.fed_support import member, partner
from tests.web.conftest import csrf_of, log_in

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}
PAGE = "/admin/partnerships"


async def _text(response: Any) -> str:
    return html.unescape(str(await response.get_data(as_text=True)))


async def _post(client: Any, path: str, form: list[tuple[str, str]] | None = None) -> Any:
    token = await csrf_of(client, PAGE)
    pairs = [("csrf_token", token), *(form or [])]
    return await client.post(path, form=pairs, headers=FR)  # type: ignore[arg-type]


async def _scopes(app: EntraideApp, domain: str) -> list[str]:
    with app.node.db.activate():
        return (await Partnership.get(remote_domain=domain)).scope_list


async def _nodes(
    node_factory: NodeFactory, make_member: MemberFactory
) -> tuple[EntraideApp, Any, str, EntraideApp, Any, str]:
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, paris_api = await member(paris, "Admin Paris", admin=True)
    _, lyon_api = await member(lyon, "Admin Lyon", admin=True)
    mine, theirs = await partner(
        paris, paris_api, lyon, lyon_api, paris, lyon, scopes=("guide", "public_needs")
    )
    paris_admin = await log_in(paris, make_member, admin=True)
    lyon_admin = await log_in(lyon, make_member, admin=True)
    return paris, paris_admin, mine["id"], lyon, lyon_admin, theirs["id"]


async def test_sharing_more_asked_on_one_page_and_accepted_on_the_other(
    node_factory: NodeFactory, make_member: MemberFactory
) -> None:
    paris, paris_admin, mine, lyon, lyon_admin, theirs = await _nodes(node_factory, make_member)
    page = await _text(await paris_admin.get(PAGE, headers=FR))
    assert "Changer ce que nous partageons avec lyon.test" in page
    form = [("scopes", "calls"), ("scopes", "guide"), ("scopes", "public_needs")]
    response = await _post(
        paris_admin, f"{PAGE}/{mine}/scopes", [*form, ("message", "Et les appels ?")]
    )
    assert response.status_code == 303, await _text(response)
    page = await _text(await paris_admin.get(PAGE, headers=FR))
    assert "Votre demande de partager plus est envoyée à lyon.test." in page
    assert "Nous avons demandé de partager aussi :" in page
    await settle(paris, lyon)
    page = await _text(await lyon_admin.get(PAGE, headers=FR))
    assert "paris.test demande de partager aussi :" in page and "Et les appels ?" in page
    response = await _post(lyon_admin, f"{PAGE}/{theirs}/scopes/accept")
    assert response.status_code == 303
    assert "Vous partagez plus avec paris.test désormais." in await _text(
        await lyon_admin.get(PAGE, headers=FR)
    )
    await settle(paris, lyon)
    assert await _scopes(paris, "lyon.test") == ["calls", "guide", "public_needs"]
    assert await _scopes(lyon, "paris.test") == ["calls", "guide", "public_needs"]
    # Answered already: the page comes back with the current state and a 404.
    response = await _post(lyon_admin, f"{PAGE}/{theirs}/scopes/accept")
    assert response.status_code == 404
    assert "Le partenaire ne demande rien de plus." in await _text(response)

    # Sharing less, from the page: at once, on both sides.
    response = await _post(lyon_admin, f"{PAGE}/{theirs}/scopes", [("scopes", "calls")])
    assert response.status_code == 303
    assert await _scopes(lyon, "paris.test") == ["calls"]
    await settle(paris, lyon)
    assert await _scopes(paris, "lyon.test") == ["calls"]


async def test_a_request_to_share_more_is_refused_or_withdrawn(
    node_factory: NodeFactory, make_member: MemberFactory
) -> None:
    paris, paris_admin, mine, lyon, lyon_admin, theirs = await _nodes(node_factory, make_member)
    more = [("scopes", "calls"), ("scopes", "guide"), ("scopes", "public_needs")]
    assert (await _post(paris_admin, f"{PAGE}/{mine}/scopes", more)).status_code == 303
    await settle(paris, lyon)
    response = await _post(lyon_admin, f"{PAGE}/{theirs}/scopes/reject")
    assert response.status_code == 303
    await settle(paris, lyon)
    assert await _scopes(paris, "lyon.test") == ["guide", "public_needs"]
    assert "Nous avons demandé" not in await _text(await paris_admin.get(PAGE, headers=FR))

    # Asked again, then withdrawn before Lyon answers: Lyon is told (an Undo of the Offer).
    assert (await _post(paris_admin, f"{PAGE}/{mine}/scopes", more)).status_code == 303
    await settle(paris, lyon)
    assert "paris.test demande de partager aussi" in await _text(
        await lyon_admin.get(PAGE, headers=FR)
    )
    response = await _post(paris_admin, f"{PAGE}/{mine}/scopes/withdraw")
    assert response.status_code == 303
    assert "Votre demande à lyon.test de partager plus est retirée." in await _text(
        await paris_admin.get(PAGE, headers=FR)
    )
    await settle(paris, lyon)
    with paris.node.db.activate():
        [undo] = await OutboxActivity.filter(type="Undo")
    assert undo.body["object"]["type"] == "Offer"
    assert undo.body["object"]["object"]["partnershipScope"] == ["calls", "guide", "public_needs"]
    assert "paris.test demande de partager aussi" not in await _text(
        await lyon_admin.get(PAGE, headers=FR)
    )
    with lyon.node.db.activate():
        assert not await PartnershipScopeOffer.filter(status="pending").exists()
    assert await _scopes(lyon, "paris.test") == ["guide", "public_needs"]
    # Nothing left to withdraw: 404, said in French.
    response = await _post(paris_admin, f"{PAGE}/{mine}/scopes/withdraw")
    assert response.status_code == 404
    assert "Nous n'avons rien demandé de plus à ce partenaire." in await _text(response)


async def test_with_the_committee_the_page_opens_proposals(
    node_factory: NodeFactory, make_member: MemberFactory
) -> None:
    paris, paris_admin, mine, lyon, lyon_admin, theirs = await _nodes(node_factory, make_member)
    await seat(lyon, 1, quorum=1)
    response = await _post(lyon_admin, f"{PAGE}/{theirs}/scopes", [("scopes", "guide")])
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/committee/proposals/")
    assert await _scopes(lyon, "paris.test") == ["guide", "public_needs"]
    # Paris (no committee) asks to share more: Lyon's accept is the proposal it opened.
    more = [("scopes", "calls"), ("scopes", "guide"), ("scopes", "public_needs")]
    assert (await _post(paris_admin, f"{PAGE}/{mine}/scopes", more)).status_code == 303
    await settle(paris, lyon)
    response = await _post(lyon_admin, f"{PAGE}/{theirs}/scopes/accept")
    assert response.status_code == 303
    with lyon.node.db.activate():
        accept = await CommitteeProposal.get(kind="partnership.scopes.accept")
        assert await CommitteeProposal.filter(kind="partnership.scopes").count() == 1
    assert response.headers["Location"] == f"/committee/proposals/{accept.id}"
    assert await _scopes(lyon, "paris.test") == ["guide", "public_needs"]
    page = await _text(await lyon_admin.get(response.headers["Location"], headers=FR))
    assert "Partager plus avec paris.test" in page


async def test_the_scopes_forms_refuse_what_they_cannot_do(
    node_factory: NodeFactory, make_member: MemberFactory
) -> None:
    paris, paris_admin, mine, *_ = await _nodes(node_factory, make_member)
    path = f"{PAGE}/{mine}/scopes"
    response = await _post(paris_admin, path, [("scopes", "everything")])
    assert response.status_code == 422
    assert "Choisissez au moins une chose à partager." in await _text(response)
    response = await _post(paris_admin, path, [("scopes", "guide"), ("scopes", "public_needs")])
    assert response.status_code == 422
    assert "Le partenariat partage déjà exactement cela." in await _text(response)
    more = [("scopes", "calls"), ("scopes", "guide"), ("scopes", "public_needs")]
    assert (await _post(paris_admin, path, more)).status_code == 303
    all_four = [*more, ("scopes", "outreach")]
    response = await _post(paris_admin, path, all_four)
    assert response.status_code == 409
    assert "Notre demande de partager plus attend la réponse du partenaire." in await _text(
        response
    )
    assert (await _post(paris_admin, f"{PAGE}/{mine}/scopes/accept")).status_code == 404
    unknown = f"{PAGE}/00000000-0000-4000-8000-000000000000/scopes"
    assert (await _post(paris_admin, unknown, more)).status_code == 404
    # Without the form's token, or as a member who is not an admin: 403.
    assert (await paris_admin.post(path, form={"scopes": "guide"})).status_code == 403
    resident = await log_in(paris, make_member)
    token = await csrf_of(resident, "/")
    response = await resident.post(path, form={"csrf_token": token, "scopes": "guide"})
    assert response.status_code == 403
    assert await _scopes(paris, "lyon.test") == ["guide", "public_needs"]
