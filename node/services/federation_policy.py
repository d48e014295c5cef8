"""Federation policy: domain blocks and allowlist mode.

A block refuses the domain's requests (403) and purges what the node stored from it (followers,
cached actors, queued inbox rows and deliveries, the partnership and what the partner shared);
allowlist mode admits only allowed domains and partners. Both are edited by node admins (API,
web and CLI).

Every inbound request asks :func:`admits`, so blocks, the mode and the allowed domains are read
through the node's short-lived cache (:mod:`node.caches`): the edits below invalidate it at
once in this process; other processes see them within ``TTL_SECONDS``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise.transactions import in_transaction

from federation.origin import InvalidOrigin, block_candidates, parse_domain
from federation.origin import domain_of as domain_of
from node import clock
from node.caches import blocks_changed, federation_cache, policy_changed
from node.errors import NotFound, Unprocessable
from node.models import (
    AllowedDomain,
    Delivery,
    DeliveryStatus,
    DomainBlock,
    FederationPolicy,
    Follower,
    InboxItem,
    InboxStatus,
    Partnership,
    RemoteActor,
)
from node.services import partnerships
from node.services.committee import gates
from node.services.committee.changes import BlockDomain, SetAllowlist, UnblockDomain

if TYPE_CHECKING:
    from node.models import Decision, Member
    from node.state import NodeState


def normalize_domain(value: str) -> str:
    """``https://Example.org:443/x``, ``Example.org.`` or ``@example.org`` → ``example.org``
    (a port other than the default kept): the normal form of :mod:`federation.origin`."""
    try:
        return parse_domain(value).domain
    except InvalidOrigin as exc:
        raise Unprocessable.field("domain", f"not a domain: {value!r}") from exc


async def is_blocked(domain: str) -> bool:
    """Whether ``domain`` (normalised, :func:`domain_of`) is covered by a block: the domain
    itself, its host on any port, or a parent domain (Mastodon blocks subdomains too)."""
    candidates = block_candidates(domain)
    cache = federation_cache()
    if cache is None:
        return await DomainBlock.filter(domain__in=candidates).exists()
    blocked = await cache.blocked_domains()
    return any(candidate in blocked for candidate in candidates)


async def get_policy() -> FederationPolicy:
    policy, _ = await FederationPolicy.get_or_create(id=1, defaults={"allowlist_mode": False})
    return policy


async def allowlist_mode() -> bool:
    cache = federation_cache()
    if cache is not None:
        return (await cache.current_policy()).allowlist_mode
    policy = await FederationPolicy.get_or_none(id=1)
    return bool(policy and policy.allowlist_mode)


async def _allowed(domain: str) -> bool:
    cache = federation_cache()
    if cache is not None:
        return domain.lower() in (await cache.current_policy()).allowed
    return await AllowedDomain.filter(domain=domain.lower()).exists()


async def is_partner_domain(domain: str) -> bool:
    """Whether ``domain`` is admitted as a partner: on the allowlist, or an accepted
    partnership (any scope)."""
    if await _allowed(domain):
        return True
    return await partnerships.is_partner_domain(domain)


async def admits(domain: str) -> bool:
    """Whether requests from ``domain`` are accepted: not blocked, and in allowlist mode
    allowed or a partner."""
    if await is_blocked(domain):
        return False
    if await allowlist_mode():
        return await is_partner_domain(domain)
    return True


# --- admin edits -----------------------------------------------------------------------------


async def block_domain(
    domain: str,
    reason: str = "",
    *,
    node: NodeState,
    by: Member | None = None,
    emergency: bool = False,
    decision: Decision | None = None,
) -> DomainBlock:
    """Block ``domain``: refuse its requests, purge its content, drop its pending deliveries.

    Gated by the street committee (``federation_policy``): a proposal opens instead, unless
    ``decision`` approved it or the block is an ``emergency`` (abuse): that takes effect at
    once and the committee confirms or reverts it within its voting period."""
    domain = normalize_domain(domain)
    reason = reason.strip()
    if emergency and not reason:
        raise Unprocessable.field("reason", "Say what abuse makes this block urgent.")
    change = BlockDomain(domain=domain, reason=reason)
    await gates.require(node, change, by=by, decision=decision, emergency=emergency)
    async with in_transaction():
        block, created = await DomainBlock.get_or_create(
            domain=domain, defaults={"reason": reason, "created_at": clock.now()}
        )
        if not created and reason:
            block.reason = reason
            await block.save(update_fields=["reason"])
        for covered in await _covered_domains(domain):
            await purge_domain(covered, node=node)
        blocks_changed()
    blocks_changed()  # again once committed (see node.caches: the hold)
    return block


async def _covered_domains(block: str) -> list[str]:
    """The domains this node knows (actors, partnerships, deliveries) that ``block`` covers:
    itself, its subdomains and, for a block without a port, every port of the host."""
    active = [DeliveryStatus.QUEUED, DeliveryStatus.SENDING]
    known: set[object] = {block}
    known.update(await RemoteActor.all().distinct().values_list("domain", flat=True))
    known.update(await Partnership.all().values_list("active_domain", flat=True))
    known.update(await Delivery.filter(status__in=active).distinct().values_list("host", flat=True))
    return sorted(d for d in known if isinstance(d, str) and block in block_candidates(d))


async def purge_domain(domain: str, *, node: NodeState) -> None:
    """What a block removes: followers and cached actors of the domain, its unprocessed inbox
    rows, pending deliveries to it, the partnership (the partner is told) and what the partner
    shared."""
    actors = RemoteActor.filter(domain=domain)
    await Follower.filter(remote_actor__domain=domain).delete()
    await InboxItem.filter(
        actor_iri__startswith=f"https://{domain}/", status=InboxStatus.QUEUED
    ).update(status=InboxStatus.IGNORED, last_error="domain blocked")
    await InboxItem.filter(
        actor_iri__startswith=f"http://{domain}/", status=InboxStatus.QUEUED
    ).update(status=InboxStatus.IGNORED, last_error="domain blocked")
    await Delivery.filter(
        host=domain, status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING]
    ).update(status=DeliveryStatus.ABANDONED, last_error="domain blocked")
    await partnerships.purge_partner_domain(node, domain)
    await actors.delete()


async def unblock_domain(
    domain: str,
    *,
    node: NodeState,
    by: Member | None = None,
    decision: Decision | None = None,
) -> None:
    """Lift a block (gated like :func:`block_domain`, without emergencies)."""
    domain = normalize_domain(domain)
    if not await DomainBlock.filter(domain=domain).exists():
        raise NotFound(f"{domain} is not blocked.")
    await gates.require(node, UnblockDomain(domain=domain), by=by, decision=decision)
    deleted = await DomainBlock.filter(domain=domain).delete()
    blocks_changed()
    if not deleted:
        raise NotFound(f"{domain} is not blocked.")


async def list_blocks() -> list[DomainBlock]:
    return await DomainBlock.all().order_by("domain")


async def set_policy(
    *,
    allowlist_mode: bool | None = None,
    allowed_domains: list[str] | None = None,
    node: NodeState,
    by: Member | None = None,
    decision: Decision | None = None,
) -> tuple[bool, list[str]]:
    """Change the mode and/or replace the allowed domains; returns the resulting policy.
    Gated by the street committee (``federation_policy``) when anything would change."""
    if allowed_domains is not None:
        allowed_domains = sorted({normalize_domain(d) for d in allowed_domains})
    mode_now, domains_now = await current_policy()
    if allowlist_mode == mode_now:
        allowlist_mode = None
    if allowed_domains == domains_now:
        allowed_domains = None
    if allowlist_mode is None and allowed_domains is None:
        return mode_now, domains_now
    change = SetAllowlist(allowlist_mode=allowlist_mode, allowed_domains=allowed_domains)
    await gates.require(node, change, by=by, decision=decision)
    async with in_transaction():
        policy = await get_policy()
        if allowlist_mode is not None:
            policy.allowlist_mode = allowlist_mode
            policy.updated_at = clock.now()
            await policy.save()
        if allowed_domains is not None:
            wanted = {normalize_domain(d) for d in allowed_domains}
            await AllowedDomain.exclude(domain__in=wanted).delete()
            existing = set(await AllowedDomain.all().values_list("domain", flat=True))
            for domain in sorted(wanted - existing):
                await AllowedDomain.create(domain=domain, created_at=clock.now())
        policy_changed()
    policy_changed()
    return await current_policy()


async def allow_domain(
    domain: str, *, node: NodeState, allowed: bool = True, by: Member | None = None
) -> tuple[bool, list[str]]:
    """Add ``domain`` to the allowed domains (or remove it), through :func:`set_policy`."""
    domain = normalize_domain(domain)
    _, domains = await current_policy()
    wanted = sorted(set(domains) | {domain}) if allowed else [d for d in domains if d != domain]
    return await set_policy(allowed_domains=wanted, node=node, by=by)


async def current_policy() -> tuple[bool, list[str]]:
    domains = await AllowedDomain.all().order_by("domain").values_list("domain", flat=True)
    return await allowlist_mode(), [str(d) for d in domains]
