"""Notices from time and from other nodes: the reminder the day before an outing, partners that
stopped answering, partnership requests and associations waiting (for admins), each told once."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from node import clock
from node.http_state import EntraideApp
from node.models import (
    Association,
    AssociationStatus,
    Host,
    Notification,
    Partnership,
    PartnershipDirection,
    PartnershipStatus,
)
from node.notify.notices import (
    remind_outings,
    tell_associations_awaiting,
    tell_failing_partners,
    tell_partnership_requests,
)
from tests.conftest import MemberFactory
from tests.factories import outing_body, post_action


async def test_reminder_the_day_before_an_outing(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    _, author_h = await make_member()
    member, member_h = await make_member()
    outing = await post_action(client, author_h, **outing_body(auto_accept=True))  # in 2 days
    url = f"/api/v1/actions/{outing['id']}/participations"
    assert (await client.post(url, json={}, headers=member_h)).status_code == 201
    with app.node.db.activate():
        assert await remind_outings(app.node) == 0  # not yet
        app.node.clock.advance(timedelta(days=1, hours=1))
        assert await remind_outings(app.node) == 1
        assert await remind_outings(app.node) == 0  # once
        [told] = await Notification.filter(kind="outing_reminder")
    assert told.member_id == member.id  # type: ignore[attr-defined]
    page = await (await client.get("/api/v1/notifications", headers=member_h)).get_json()
    assert page["items"][0]["text"] == "Rappel : la sortie « Café au parc » a lieu demain."


async def test_admins_hear_of_failing_partners_requests_and_associations(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    admin, admin_h = await make_member(admin=True)
    _, member_h = await make_member()
    now = clock.now()
    with app.node.db.activate():
        for domain, direction, status in (
            ("lyon.test", PartnershipDirection.OUTGOING, PartnershipStatus.ACCEPTED),
            ("nantes.test", PartnershipDirection.INCOMING, PartnershipStatus.PENDING),
        ):
            await Partnership.create(
                remote_domain=domain,
                active_domain=domain,
                remote_actor_iri=f"https://{domain}/actor",
                direction=direction,
                scopes="public_needs",
                status=status,
                offer_activity_id=f"https://{domain}/offers/{uuid.uuid4()}",
                object_iri=f"https://{domain}/actor",
                created_at=now,
            )
        await Host.create(domain="lyon.test", consecutive_failures=20, unavailable_since=now)
        await Association.create(name="Les Amis", slug="les-amis", status=AssociationStatus.PENDING)
        assert await tell_failing_partners(app.node) == 1
        assert await tell_partnership_requests(app.node) == 1
        assert await tell_associations_awaiting(app.node) == 1
        assert await tell_failing_partners(app.node) == 0
        assert await tell_partnership_requests(app.node) == 0
        assert await tell_associations_awaiting(app.node) == 0
    page = await (await client.get("/api/v1/notifications", headers=admin_h)).get_json()
    assert sorted(item["text"] for item in page["items"]) == [
        "L'association « Les Amis » attend votre validation.",
        "Le nœud nantes.test demande un partenariat.",
        "Le partenaire lyon.test ne répond plus.",
    ]
    assert (await (await client.get("/api/v1/notifications", headers=member_h)).get_json())[
        "items"
    ] == []
    assert admin.is_admin
