"""Reading an accepted partner's published blocklist (Mastodon's domain-blocks CSV, served at
:data:`node.services.blocklists.PUBLISHED_PATH`) so an admin can review and apply it.

The partner's answer is hostile input like any other: the body is capped at the size the
parser accepts, redirects are not followed, any failure (unreachable, not 200, too large, not
CSV) is a 422 about the partner's list, and only partners whose partnership is accepted are
asked, so the node never fetches an address someone typed.
"""

from __future__ import annotations

import logging

import httpx

from federation.errors import FederationError
from node.errors import Unprocessable
from node.fed.client import signing_client
from node.fed.remote import scheme_for
from node.services import blocklists
from node.state import NodeState

log = logging.getLogger("entraide.federation")


async def fetch_partner_list(node: NodeState, raw_domain: str) -> list[blocklists.Entry]:
    """The entries of the accepted partner's published list (404 for any other node)."""
    domain = await blocklists.accepted_partner(raw_domain)
    url = f"{scheme_for(node)}://{domain}{blocklists.PUBLISHED_PATH}"
    try:
        async with signing_client(
            node, timeout=10.0, max_response_bytes=blocklists.MAX_BYTES
        ) as client:
            response = await client.get(url, headers={"Accept": "text/csv"})
    except (FederationError, httpx.HTTPError, OSError) as error:
        log.info("blocklist of %s not read: %s", domain, type(error).__name__)
        raise Unprocessable.field(
            "list", f"The partner's list could not be read ({type(error).__name__})."
        ) from None
    if response.status_code != 200:
        raise Unprocessable.field(
            "list", f"The partner's list could not be read (HTTP {response.status_code})."
        )
    return blocklists.parse_published(response.content)
