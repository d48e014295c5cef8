"""Admin pages of federation through Quart's test client: partnerships between two real nodes
(in-process, signed deliveries through the shared router), deliveries with retry, domain blocks
and allowlist mode; and every rejection (non-admins, CSRF, validation)."""

from __future__ import annotations

import html
from typing import Any

from node import clock
from node.http_state import EntraideApp
from node.models import (
    Delivery,
    DeliveryStatus,
    DomainBlock,
    OutboxActivity,
    Partnership,
    PartnershipStatus,
)
from tests.conftest import MemberFactory
from tests.fedtools import federated_nodes, settle
from tests.web.conftest import csrf_of, log_in

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}


async def _text(response: Any) -> str:
    return html.unescape(str(await response.get_data(as_text=True)))


async def test_partnership_asked_on_one_node_and_accepted_on_the_other(
    node_factory: Any, make_member: MemberFactory
) -> None:
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    paris_admin = await log_in(paris, make_member, admin=True)
    lyon_admin = await log_in(lyon, make_member, admin=True)

    token = await csrf_of(paris_admin, "/admin/partnerships")
    response = await paris_admin.post(
        "/admin/partnerships",
        form=[  # type: ignore[arg-type]  # pairs: a field given twice
            ("csrf_token", token),
            ("target", "lyon.test"),
            ("scopes", "public_needs"),
            ("scopes", "outreach"),
            ("message", "Bonjour Lyon"),
        ],
    )
    assert response.status_code == 303, await _text(response)
    body = await _text(await paris_admin.get("/admin/partnerships", headers=FR))
    assert "Votre demande est envoyée à lyon.test." in body and "En attente" in body
    await settle(paris, lyon)

    page = await _text(await lyon_admin.get("/admin/partnerships", headers=FR))
    assert "paris.test" in page and "Bonjour Lyon" in page
    assert "Accepter le partenariat avec paris.test" in page
    admin_page = await _text(await lyon_admin.get("/admin", headers=FR))
    assert "1 demande attend votre réponse" in admin_page
    with lyon.node.db.activate():
        incoming = await Partnership.get(remote_domain="paris.test")
    token = await csrf_of(lyon_admin, "/admin/partnerships")
    response = await lyon_admin.post(
        f"/admin/partnerships/{incoming.id}/accept", form={"csrf_token": token}
    )
    assert response.status_code == 303
    assert "est accepté" in await _text(await lyon_admin.get("/admin/partnerships", headers=FR))
    await settle(paris, lyon)
    with paris.node.db.activate():
        mine = await Partnership.get(remote_domain="lyon.test")
    assert mine.status == PartnershipStatus.ACCEPTED
    assert "Terminer le partenariat" in await _text(await paris_admin.get("/admin/partnerships"))

    # Accepting twice: the page comes back with the current state and a 409.
    response = await lyon_admin.post(
        f"/admin/partnerships/{incoming.id}/accept", form={"csrf_token": token}
    )
    assert response.status_code == 409
    assert "n'est plus possible" in await _text(response)

    token = await csrf_of(paris_admin, "/admin/partnerships")
    response = await paris_admin.post(
        f"/admin/partnerships/{mine.id}/end", form={"csrf_token": token}
    )
    assert response.status_code == 303
    await settle(paris, lyon)
    with lyon.node.db.activate():
        assert (await Partnership.get(id=incoming.id)).status == PartnershipStatus.ENDED


async def test_partnership_request_errors_are_rendered(
    node_factory: Any, make_member: MemberFactory
) -> None:
    (paris,) = await federated_nodes(node_factory, "paris")
    admin = await log_in(paris, make_member, admin=True)
    token = await csrf_of(admin, "/admin/partnerships")
    response = await admin.post(
        "/admin/partnerships",
        form={"csrf_token": token, "target": "lyon.test", "message": "x"},
        headers=FR,
    )
    body = await _text(response)
    assert response.status_code == 422
    assert "Choisissez au moins une chose à partager." in body and 'value="lyon.test"' in body
    response = await admin.post(
        "/admin/partnerships",
        form={"csrf_token": token, "target": "nowhere.test", "scopes": "calls"},
        headers=FR,
    )
    assert response.status_code == 502
    assert "L'autre nœud est injoignable" in await _text(response)
    response = await admin.post(
        "/admin/partnerships", form={"target": "lyon.test", "scopes": "calls"}
    )
    assert response.status_code == 403  # no CSRF token
    with paris.node.db.activate():
        assert await Partnership.all().count() == 0


async def test_federation_admin_pages_are_for_node_admins_only(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    resident = await log_in(app, make_member)
    for path in ("/admin/partnerships", "/admin/federation"):
        response = await resident.get(path)
        assert response.status_code == 403 and "text/html" in response.headers["Content-Type"]
    token = await csrf_of(resident, "/")
    for path in ("/admin/federation/blocks", "/admin/partnerships", "/admin/federation/policy"):
        response = await resident.post(path, form={"csrf_token": token, "domain": "x.example"})
        assert response.status_code == 403
    anonymous = app.test_client()
    response = await anonymous.get("/admin/federation")
    assert response.status_code == 303 and response.headers["Location"].startswith("/login")
    with app.node.db.activate():
        assert await DomainBlock.all().count() == 0


async def _delivery(status: DeliveryStatus, attempts: int, host: str) -> Delivery:
    activity = await OutboxActivity.create(
        ap_id=f"http://node.test/activities/{host}-{status}",
        actor_iri="http://node.test/actor",
        type="Create",
        body={},
        created_at=clock.now(),
    )
    return await Delivery.create(
        activity=activity,
        inbox_url=f"https://{host}/inbox",
        host=host,
        status=status,
        attempts=attempts,
        next_attempt_at=clock.now(),
        last_status=503 if attempts else None,
        last_error="HTTP 503" if attempts else None,
        created_at=clock.now(),
    )


async def test_federation_page_deliveries_retry_blocks_and_allowlist(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    admin = await log_in(app, make_member, admin=True)
    with app.node.db.activate():
        await _delivery(DeliveryStatus.QUEUED, 0, "new.example")
        await _delivery(DeliveryStatus.QUEUED, 3, "flaky.example")
        dead = await _delivery(DeliveryStatus.ABANDONED, 16, "gone.example")
    body = await _text(await admin.get("/admin/federation", headers=FR))
    assert "flaky.example" in body and "gone.example" in body and "new.example" in body
    assert "Réessayer maintenant" in body and "HTTP 503" in body
    assert "Envois en file : 2 · abandonnés : 1" in await _text(await admin.get("/admin"))

    token = await csrf_of(admin, "/admin/federation")
    response = await admin.post(
        f"/admin/federation/deliveries/{dead.id}/retry", form={"csrf_token": token}
    )
    assert response.status_code == 303
    with app.node.db.activate():
        row = await Delivery.get(id=dead.id)
    assert row.status == DeliveryStatus.QUEUED and row.attempts == 0
    response = await admin.post(
        "/admin/federation/deliveries/999999/retry", form={"csrf_token": token}
    )
    assert response.status_code == 404

    response = await admin.post(
        "/admin/federation/blocks",
        form={"csrf_token": token, "domain": "https://Spam.Example/", "reason": "spam"},
    )
    assert response.status_code == 303
    with app.node.db.activate():
        assert (await DomainBlock.get(domain="spam.example")).reason == "spam"
    assert "spam.example" in await _text(await admin.get("/admin/federation"))
    response = await admin.post(
        "/admin/federation/blocks", form={"csrf_token": token, "domain": "not a domain"}
    )
    assert response.status_code == 422 and 'aria-invalid="true"' in await _text(response)
    response = await admin.post(
        "/admin/federation/blocks/remove", form={"csrf_token": token, "domain": "spam.example"}
    )
    assert response.status_code == 303
    with app.node.db.activate():
        assert not await DomainBlock.exists(domain="spam.example")

    response = await admin.post(
        "/admin/federation/policy",
        form={
            "csrf_token": token,
            "allowlist_mode": "on",
            "allowed_domains": "lyon.example\nPFP.example",
        },
    )
    assert response.status_code == 303
    body = await _text(await admin.get("/admin/federation"))
    assert "lyon.example\npfp.example" in body and 'name="allowlist_mode" checked' in body
    response = await admin.post(
        "/admin/federation/policy",
        form={"csrf_token": token, "allowed_domains": "bad domain"},
    )
    assert response.status_code == 422
    assert 'id="f-allowed_domains"' in (body := await _text(response)) and "bad domain" in body
    response = await admin.post(
        "/admin/federation/policy", form={"csrf_token": "forged", "allowed_domains": ""}
    )
    assert response.status_code == 403
