"""Gated forms the committee's main page test leaves out: an admin's new association waits for
the committee's approval (and the admin is told so), and an emergency block ticked on the
federation page takes effect at once while the committee reviews it."""

from __future__ import annotations

import html
import re
from typing import Any

from node.http_state import EntraideApp
from node.models import (
    Association,
    AssociationStatus,
    CommitteeProposal,
    DomainBlock,
    ProposalOrigin,
)
from tests.conftest import MemberFactory
from tests.node.committee_support import seat
from tests.web.conftest import csrf_of, log_in

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}
FEDERATION = "/admin/federation"


async def _text(response: Any) -> str:
    return html.unescape(str(await response.get_data(as_text=True)))


async def _post(client: Any, page: str, path: str, form: dict[str, str]) -> Any:
    token = await csrf_of(client, page)
    return await client.post(path, form={"csrf_token": token, **form}, headers=FR)


async def test_an_admins_new_association_waits_for_the_committee(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    await seat(app, 1, quorum=1)
    admin = await log_in(app, make_member, admin=True)
    response = await _post(admin, "/associations", "/associations", {"name": "La Cloche"})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert re.fullmatch(r"/committee/proposals/[0-9a-f-]{36}", location), location
    page = await _text(await admin.get(location, headers=FR))
    assert "Ce changement doit passer par le comité de la rue" in page
    assert "Accueillir l'association La Cloche" in page
    assert "un administrateur du nœud" not in page  # not told someone else will review it
    with app.node.db.activate():
        association = await Association.get(name="La Cloche")
        assert association.status == AssociationStatus.PENDING
        proposal = await CommitteeProposal.get(kind="association.approve")
    assert proposal.change["association_id"] == str(association.id)
    listing = await _text(await app.test_client().get("/associations", headers=FR))
    assert "La Cloche" not in listing  # not approved: not listed


async def test_an_emergency_block_on_the_page_takes_effect_and_is_reviewed(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    await seat(app, 1, quorum=1)
    admin = await log_in(app, make_member, admin=True)
    page = await _text(await admin.get(FEDERATION, headers=FR))
    assert "Urgence : abus, bloquer tout de suite" in page and 'name="emergency"' in page
    # An emergency needs its reason: refused, the box stays ticked, nothing is blocked.
    refused = await _post(
        admin, FEDERATION, f"{FEDERATION}/blocks", {"domain": "abuse.example", "emergency": "on"}
    )
    assert refused.status_code == 422
    body = await _text(refused)
    box = re.search(r'<input type="checkbox" id="f-emergency"[^>]*>', body)
    assert box and "checked" in box.group(0)
    assert "reason" in body and 'aria-invalid="true"' in body
    with app.node.db.activate():
        assert not await DomainBlock.exists(domain="abuse.example")
        assert not await CommitteeProposal.exists()
    done = await _post(
        admin,
        FEDERATION,
        f"{FEDERATION}/blocks",
        {"domain": "abuse.example", "reason": "Messages haineux", "emergency": "on"},
    )
    assert done.status_code == 303 and done.headers["Location"].endswith("#blocks")
    shown = await _text(await admin.get(FEDERATION, headers=FR))
    assert "abuse.example est bloqué dès maintenant" in shown
    with app.node.db.activate():
        assert await DomainBlock.exists(domain="abuse.example")
        proposal = await CommitteeProposal.get(subject="block:abuse.example")
    assert proposal.origin == ProposalOrigin.EMERGENCY and proposal.open_subject is not None
    # Without the box, the same form opens a proposal and blocks nothing.
    plain = await _post(admin, FEDERATION, f"{FEDERATION}/blocks", {"domain": "spam.example"})
    assert plain.headers["Location"].startswith("/committee/proposals/")
    with app.node.db.activate():
        assert not await DomainBlock.exists(domain="spam.example")
