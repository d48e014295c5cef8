"""WebFinger (RFC 7033) and host-meta (RFC 6415): finding an actor from ``user@host``.

Mastodon looks up ``acct:user@host`` at ``/.well-known/webfinger`` and follows the ``self``
link of type ``application/activity+json``; some older software starts from host-meta.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode
from xml.sax.saxutils import quoteattr

import httpx

from federation import jsonbounds
from federation.errors import FetchError, ParseError
from federation.origin import InvalidOrigin, domain_of, parse_domain

JRD_MEDIA_TYPE = "application/jrd+json"
AP_TYPES = (
    "application/activity+json",
    'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
)


def parse_acct(resource: str) -> tuple[str, str]:
    """``acct:alice@example.org``, ``@alice@example.org`` or ``alice@example.org`` →
    ``("alice", "example.org")`` (host lower-cased)."""
    text = resource.strip()
    if text.lower().startswith("acct:"):
        text = text[5:]
    text = text.removeprefix("@")
    user, sep, host = text.rpartition("@")
    if not sep or not user or not host or "/" in host or "@" in user:
        raise ParseError(f"not an acct resource: {resource!r}")
    return user, host.lower()


def jrd(
    subject: str, actor_url: str, *, aliases: Sequence[str] = (), profile_url: str | None = None
) -> dict[str, Any]:
    """The server's answer for ``subject`` (``acct:user@host``)."""
    links: list[dict[str, str]] = [
        {"rel": "self", "type": "application/activity+json", "href": actor_url},
    ]
    if profile_url:
        links.append(
            {
                "rel": "http://webfinger.net/rel/profile-page",
                "type": "text/html",
                "href": profile_url,
            }
        )
    return {"subject": subject, "aliases": list(aliases) or [actor_url], "links": links}


def webfinger_url(acct: str, scheme: str = "https") -> str:
    user, host = parse_acct(acct)
    return f"{scheme}://{host}/.well-known/webfinger?" + urlencode(
        {"resource": f"acct:{user}@{host}"}
    )


def actor_url_from_jrd(doc: dict[str, Any]) -> str:
    for link in doc.get("links", []) or []:
        if (
            isinstance(link, dict)
            and link.get("rel") == "self"
            and link.get("type") in AP_TYPES
            and isinstance(link.get("href"), str)
        ):
            return str(link["href"])
    raise ParseError("WebFinger answer has no ActivityPub self link")


async def lookup(client: httpx.AsyncClient, acct: str, *, scheme: str = "https") -> str:
    """Resolve ``user@host`` to the actor's IRI. The actor must be on the host we asked
    (a WebFinger server may not vouch for actors elsewhere)."""
    url = webfinger_url(acct, scheme)
    response = await client.get(url, headers={"Accept": f"{JRD_MEDIA_TYPE}, application/json"})
    if response.status_code != 200:
        raise FetchError(f"WebFinger {url} answered {response.status_code}")
    try:
        doc = jsonbounds.loads(response.content)
    except ParseError as exc:
        raise ParseError("WebFinger answer is not JSON") from exc
    actor_url = actor_url_from_jrd(doc)
    if not _on_host(actor_url, parse_acct(acct)[1]):
        raise ParseError(f"WebFinger for {acct} points to another host: {actor_url}")
    return actor_url


def _on_host(url: str, host: str) -> bool:
    try:
        return domain_of(url) == parse_domain(host).domain
    except InvalidOrigin:
        return False


def host_meta_xml(base_url: str) -> str:
    """``/.well-known/host-meta`` (XRD) with the WebFinger LRDD template."""
    template = base_url.rstrip("/") + "/.well-known/webfinger?resource={uri}"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" type="application/jrd+json" template={quoteattr(template)}/>\n'
        "</XRD>\n"
    )
