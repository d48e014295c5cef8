"""Reading partners' figures from their NodeInfo (a periodic job; see node.services.network)."""

from __future__ import annotations

import asyncio
import logging

import httpx

from federation import nodeinfo
from federation.errors import FederationError
from node import clock
from node.fed.client import signing_client
from node.fed.remote import scheme_for
from node.services.network import domains_due, parse_figures, record_failure, record_figures
from node.state import NodeState

log = logging.getLogger("entraide.federation")
_CONCURRENCY = 4


async def refresh_partner_figures(node: NodeState) -> int:
    """Fetch the NodeInfo of each partner whose figures are due; returns how many were read.
    A partner that is down or answers nonsense keeps its last good figures."""
    due = await domains_due(clock.now())
    if not due:
        return 0
    gate = asyncio.Semaphore(_CONCURRENCY)
    read = 0

    async def refresh(domain: str) -> None:
        nonlocal read
        async with gate, signing_client(node, timeout=10.0) as client:
            try:
                document = await nodeinfo.fetch(client, domain, scheme=scheme_for(node))
                figures = parse_figures(document)
            except (FederationError, httpx.HTTPError, ValueError, OSError) as error:
                log.info("figures of %s not refreshed: %s", domain, type(error).__name__)
                await record_failure(domain, f"{type(error).__name__}: {error}", clock.now())
                return
        metadata = document.get("metadata")
        name = metadata.get("nodeName") if isinstance(metadata, dict) else None
        await record_figures(
            domain, name if isinstance(name, str) else domain, figures, clock.now()
        )
        read += 1

    await asyncio.gather(*(refresh(domain) for domain in due))
    return read
