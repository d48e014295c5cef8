"""Seed a browser-test node with a partner's call (run as ``python -m tests.web.seed_partner_call``
with the node's ``ENTRAIDE_*`` environment, while it serves): the association « Les Amis de
Lyon » of ``lyon.example`` asks for blankets around the centre of Paris, stored as the
federation handler stores a partner's ``Create`` once it has parsed and admitted it. Prints the
path of the association's page on this node."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import h3

from node import clock
from node.app import create_app
from node.models import CallKind, CallStatus, RemoteActor
from node.services.calls.remote import RemoteCall, RemoteItem, receive_call
from node.settings import Settings
from tests.factories import PARIS

PARTNER = "https://lyon.example"
ASSOCIATION = f"{PARTNER}/associations/amis"
NAME = "Les Amis de Lyon"


async def seed() -> str:
    app = create_app(Settings())
    await app.node.db.open()
    try:
        with app.node.db.activate():
            actor = await RemoteActor.create(
                ap_id=ASSOCIATION,
                type="Group",
                domain="lyon.example",
                inbox=f"{ASSOCIATION}/inbox",
                preferred_username="amis",
                name=NAME,
                fetched_at=clock.now(),
            )
            centre = h3.latlng_to_cell(PARIS[0], PARIS[1], 8)
            await receive_call(
                app.node,
                RemoteCall(
                    iri=f"{PARTNER}/calls/1",
                    origin_domain="lyon.example",
                    association_iri=ASSOCIATION,
                    association_name=NAME,
                    kind=CallKind.DONATIONS,
                    status=CallStatus.OPEN,
                    title="Couvertures pour la gare",
                    body="Des couvertures pour les personnes à la rue près de la gare.",
                    place_name="Gare de Lyon, hall 1",
                    starts_at=None,
                    ends_at=clock.now() + timedelta(days=7),
                    cells=tuple(sorted(h3.grid_disk(centre, 2))),
                    items=(RemoteItem(f"{PARTNER}/calls/1/items/1", "Couvertures", 30, 12),),
                    opening_hours="tous les jours 9h-19h",
                ),
            )
            return f"/associations/remote/{actor.id}"
    finally:
        await app.node.db.close()


if __name__ == "__main__":
    print(asyncio.run(seed()))
