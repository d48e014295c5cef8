"""Content negotiation and signed GET ("authorized fetch")."""

from __future__ import annotations

from quart import Response, request

from federation import VerificationError, verify_request
from node import clock
from node.fed.inbox import http_request, problem
from node.fed.remote import DomainBlocked, key_resolver
from node.services.federation_policy import admits, allowlist_mode, domain_of
from node.state import NodeState

AP_MEDIA_TYPE = "application/activity+json"
_AS_PROFILE = "https://www.w3.org/ns/activitystreams"


def wants_activity_json() -> bool:
    """ActivityPub §3.2: ``application/activity+json`` or ``application/ld+json;
    profile="https://www.w3.org/ns/activitystreams"`` in Accept asks for the JSON document;
    so does plain ``application/json``, as on Mastodon (Rails serves its ``json`` format, the
    ActivityPub document, for it) — unless ``text/html`` is preferred to it."""
    accept = request.headers.get("Accept", "").lower()
    for item in accept.split(","):
        media = item.split(";", 1)[0].strip()
        if media == AP_MEDIA_TYPE:
            return True
        if media == "application/ld+json" and _AS_PROFILE in item:
            return True
    if _names_json(accept):
        mimes = request.accept_mimetypes
        return mimes["application/json"] >= mimes["text/html"]
    return False


def _names_json(accept: str) -> bool:
    return any(i.split(";", 1)[0].strip() == "application/json" for i in accept.split(","))


def prefers_html() -> bool:
    """Whether the client asks for ``text/html`` explicitly (a browser), not just ``*/*``."""
    accept = request.headers.get("Accept", "").lower()
    return any(item.split(";", 1)[0].strip() == "text/html" for item in accept.split(","))


async def signed_get_refusal(node: NodeState) -> Response | None:
    """None when the GET may be answered; a 401/403 problem otherwise. In allowlist mode the
    request must be signed by an admitted domain; otherwise signatures are not required."""
    if not await allowlist_mode():
        return None
    try:
        verified = await verify_request(http_request(b""), key_resolver(node), now=clock.now())
    except VerificationError as exc:
        return problem(401, f"Signed GET required: {exc}", exc.reason)
    except DomainBlocked as exc:
        return problem(403, exc.detail, "domain_blocked")
    domain = domain_of(verified.owner)
    if not await admits(domain):
        return problem(403, f"{domain} is not accepted by this node.", "domain_refused")
    return None
