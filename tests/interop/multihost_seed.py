"""Seed the multi-host test's node from a process of its own (see ``test_multihost._seed``):
``python -m tests.interop.multihost_seed SETTINGS_JSON SECRET INBOXES_HOST:PORT COUNT`` prints
the member's headers as JSON."""

from __future__ import annotations

import asyncio
import json
import sys

from node import clock
from node.app import create_app
from node.iris import instance_actor_iri
from node.models import Follower, RemoteActor
from node.settings import Settings
from tests.factories import new_member


async def seed(settings: Settings, domain: str, count: int) -> dict[str, str]:
    """A member (their token's headers) and ``count`` fediverse accounts following the node."""
    app = create_app(settings)
    await app.node.db.open()
    try:
        with app.node.db.activate():
            _, headers = await new_member(pseudonym="Awa")
            now = clock.now()
            base = f"http://{domain}/users"
            await RemoteActor.bulk_create(
                [
                    RemoteActor(
                        ap_id=f"{base}/{i}",
                        type="Person",
                        domain=domain,
                        inbox=f"{base}/{i}/inbox",
                        fetched_at=now,
                    )
                    for i in range(count)
                ]
            )
            instance = instance_actor_iri(settings)
            actors = await RemoteActor.filter(domain=domain)
            await Follower.bulk_create(
                [Follower(local_actor_iri=instance, remote_actor=a, created_at=now) for a in actors]
            )
            followers = await RemoteActor.filter(following_local__local_actor_iri=instance)
            assert len(followers) == count
    finally:
        await app.node.db.close()
    return headers


def main() -> None:
    values = json.loads(sys.argv[1])
    settings = Settings(
        **values,
        secret_key=sys.argv[2],
        federation_allow_private=True,
        worker_in_process=False,
    )
    headers = asyncio.run(seed(settings, sys.argv[3], int(sys.argv[4])))
    print(json.dumps(headers))


if __name__ == "__main__":
    main()
