"""Names of the other nodes whose actions, participants and messages a page shows."""

from __future__ import annotations

from collections.abc import Iterable

from node.models import RemoteActor


async def node_names(domains: Iterable[str | None]) -> dict[str, str]:
    """Each domain's node name (its instance actor's ``name``), the domain itself when the node
    is not known by name: what the "which node" badge says."""
    wanted = {d for d in domains if d}
    if not wanted:
        return {}
    rows = await RemoteActor.filter(domain__in=wanted, type="Application").values_list(
        "domain", "name"
    )
    names = {str(domain): str(name) for domain, name in rows if name}
    return {d: names.get(d, d) for d in wanted}
