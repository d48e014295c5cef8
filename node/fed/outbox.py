"""Publishing: an activity and its deliveries are rows written in the caller's transaction.

    async with in_transaction():
        action.status = ActionStatus.CLOSED
        await action.save()
        await publish(node, activity, to=await followers(actor_iri), public=True)

The worker (``node.worker.federation``) sends them; nothing is held in memory (DESIGN §3).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from federation.origin import InvalidOrigin, block_candidates, domain_of
from federation.parse import id_of
from federation.vocab import DEFAULT_CONTEXT, PUBLIC, PUBLIC_ALIASES
from node import clock
from node.fed.jsonld import localize
from node.models import Delivery, DomainBlock, Follower, OutboxActivity, RemoteActor
from node.state import NodeState


def _is_public(activity: dict[str, Any]) -> bool:
    audience: list[Any] = []
    for field in ("to", "cc"):
        value = activity.get(field)
        audience += value if isinstance(value, list) else [value]
    return any(isinstance(a, str) and (a == PUBLIC or a in PUBLIC_ALIASES) for a in audience)


def _object_iri(activity: dict[str, Any]) -> str | None:
    obj = activity.get("object")
    if isinstance(obj, list):
        obj = obj[0] if obj else None
    return id_of(obj)


async def publish(
    node: NodeState,
    activity: dict[str, Any],
    *,
    to: Sequence[RemoteActor],
    public: bool = False,
    farewell: bool = False,
) -> OutboxActivity:
    """Store ``activity`` (``@context`` added when missing) and one :class:`Delivery` per distinct
    inbox of ``to`` (shared inbox preferred, blocked hosts skipped). Call it inside the caller's
    ``in_transaction()`` together with the domain change it announces.

    Hosts covered by a domain block (the domain, its subdomains, any port of a host blocked
    without one) get nothing, except a ``farewell``: the one ``Undo`` that tells a partner
    being blocked that the partnership has ended."""
    body = dict(activity)
    if "@context" not in body:
        body = {"@context": list(DEFAULT_CONTEXT), **body}
    body = localize(body, node.settings)  # name the context this node serves
    now = clock.now()
    outbox = await OutboxActivity.create(
        ap_id=body["id"],
        actor_iri=id_of(body.get("actor")) or "",
        type=str(body.get("type", "")),
        object_iri=_object_iri(body),
        body=body,
        public=public or _is_public(body),
        created_at=now,
    )
    inboxes: dict[str, str] = {}
    for actor in to:
        inbox = actor.delivery_inbox
        inboxes.setdefault(inbox, _host(inbox) or actor.domain)
    if inboxes:
        candidates = {c for host in inboxes.values() for c in block_candidates(host)}
        blocked_rows = await DomainBlock.filter(domain__in=candidates).values_list(
            "domain", flat=True
        )
        blocks = {str(domain) for domain in blocked_rows} if not farewell else set()
        blocked = {h for h in inboxes.values() if blocks & set(block_candidates(h))}
        rows = [
            Delivery(
                activity=outbox,
                inbox_url=inbox,
                host=host,
                next_attempt_at=now,
                created_at=now,
            )
            for inbox, host in inboxes.items()
            if host not in blocked and not inbox.startswith(node.settings.base_url + "/")
        ]
        if rows:
            await Delivery.bulk_create(rows)
    node.wake_worker()  # an in-process worker sends at once (the rows are the truth)
    return outbox


def _host(inbox: str) -> str | None:
    try:
        return domain_of(inbox)
    except InvalidOrigin:
        return None


async def followers(local_actor_iri: str) -> list[RemoteActor]:
    """Remote actors following ``local_actor_iri``."""
    return await RemoteActor.filter(following_local__local_actor_iri=local_actor_iri).distinct()


async def follower_count(local_actor_iri: str) -> int:
    return await Follower.filter(local_actor_iri=local_actor_iri).count()
