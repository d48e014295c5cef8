"""NodeInfo 2.1 (https://github.com/jhass/nodeinfo): what software a node runs, and its usage.

``/.well-known/nodeinfo`` lists schema links; the document itself lives at the linked URL.
"""

from __future__ import annotations

from typing import Any

import httpx

from federation import jsonbounds
from federation.errors import FetchError, ParseError
from federation.version import PROJECT_URL, SOFTWARE_NAME, __version__

SCHEMA_21 = "http://nodeinfo.diaspora.software/ns/schema/2.1"
SCHEMA_20 = "http://nodeinfo.diaspora.software/ns/schema/2.0"
NODEINFO_PATH = "/nodeinfo/2.1"


def well_known(base_url: str) -> dict[str, Any]:
    """Body of ``/.well-known/nodeinfo``."""
    return {"links": [{"rel": SCHEMA_21, "href": base_url.rstrip("/") + NODEINFO_PATH}]}


def document(
    *,
    open_registrations: bool,
    users_total: int,
    users_active_month: int,
    users_active_halfyear: int,
    local_posts: int,
    node_name: str | None = None,
    metadata: dict[str, Any] | None = None,
    version: str = __version__,
) -> dict[str, Any]:
    """A NodeInfo 2.1 document. Counts must be aggregates only (DESIGN §5: no personal data)."""
    meta = dict(metadata or {})
    if node_name:
        meta.setdefault("nodeName", node_name)
    return {
        "version": "2.1",
        "software": {
            "name": SOFTWARE_NAME,
            "version": version,
            "repository": PROJECT_URL,
            "homepage": PROJECT_URL,
        },
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": open_registrations,
        "usage": {
            "users": {
                "total": users_total,
                "activeMonth": users_active_month,
                "activeHalfyear": users_active_halfyear,
            },
            "localPosts": local_posts,
        },
        "metadata": meta,
    }


async def _get_json(client: httpx.AsyncClient, url: str) -> dict[str, Any]:
    response = await client.get(url, headers={"Accept": "application/json"})
    if response.status_code != 200:
        raise FetchError(f"GET {url} answered {response.status_code}")
    try:
        data = jsonbounds.loads(response.content)
    except ParseError as exc:
        raise ParseError(f"{url} is not JSON") from exc
    if not isinstance(data, dict):
        raise ParseError(f"{url} is not a JSON object")
    return data


async def fetch(client: httpx.AsyncClient, host: str, *, scheme: str = "https") -> dict[str, Any]:
    """Fetch a host's NodeInfo, preferring 2.1 then 2.0."""
    links = await _get_json(client, f"{scheme}://{host}/.well-known/nodeinfo")
    by_rel = {
        link.get("rel"): link.get("href")
        for link in links.get("links", [])
        if isinstance(link, dict)
    }
    href = by_rel.get(SCHEMA_21) or by_rel.get(SCHEMA_20)
    if not isinstance(href, str):
        raise ParseError(f"{host} publishes no NodeInfo 2.x link")
    return await _get_json(client, href)


def software_name(doc: dict[str, Any]) -> str | None:
    software = doc.get("software")
    name = software.get("name") if isinstance(software, dict) else None
    return name.lower() if isinstance(name, str) else None
