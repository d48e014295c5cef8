"""Origins: who a URL speaks for, in one normal form.

A fediverse server is identified by its origin (RFC 6454: scheme, host, port). Every identity
check — is this document on the server we fetched it from, does this key belong to that actor,
is this sender blocked — compares origins, and compares them only in the normal form built here:

- scheme ``http`` or ``https`` only;
- host lower-case, internationalised names as IDNA A-labels (``bücher.example`` →
  ``xn--bcher-kva.example``, IDNA 2008 with UTS #46 mapping, as browsers and Mastodon's
  ``Addressable::URI#normalize`` do), no trailing dot; IP addresses in their canonical text
  form, an IPv4-mapped IPv6 address as IPv4; ``localhost`` and ``*.localhost`` as
  ``127.0.0.1`` (RFC 6761 §6.3: they always resolve to loopback);
- the scheme's default port dropped (``:443`` for https, ``:80`` for http);
- a URL with userinfo (``http://u@host/``) is refused: nothing legitimate federates with one,
  and it is the classic way to make a URL look like another host.

A node's *domain* is the authority of its origin, ``host`` or ``host:port`` (the port only when
it is not the default): that is the key blocks, partnerships and caches store.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

import idna

from federation.errors import ParseError

DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_HOST_LENGTH = 253


class InvalidOrigin(ParseError):
    """The text does not name an http(s) origin we accept."""


@dataclass(frozen=True, slots=True)
class Origin:
    """A normalised origin; build it with :func:`origin_of` or :func:`parse_domain`."""

    scheme: str
    host: str  # normalised; an IPv6 address without brackets
    port: int | None  # None for the scheme's default port

    @property
    def domain(self) -> str:
        """``host`` or ``host:port``: the key a node stores for another node."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port is None else f"{host}:{self.port}"

    def __str__(self) -> str:
        return f"{self.scheme}://{self.domain}"


def normalize_host(host: str) -> str:
    """A host name or address in normal form (see the module docstring); raises
    :class:`InvalidOrigin` when it is not one."""
    text = host.strip().rstrip(".")
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if not text or len(text) > MAX_HOST_LENGTH:
        raise InvalidOrigin(f"not a host: {host!r}")
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        pass
    else:
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ip)
    try:
        ascii_host = idna.encode(text, uts46=True).decode("ascii").lower()
    except idna.IDNAError as exc:
        # Plain ASCII labels idna refuses (an underscore, as some test and LAN hosts have) are
        # kept when they are otherwise harmless; anything with spaces, slashes or '@' is not.
        if not text.isascii() or any(c in text for c in " /\\@?#%[]:") or not text.isprintable():
            raise InvalidOrigin(f"not a host: {host!r}") from exc
        ascii_host = text.lower()
    if ascii_host == "localhost" or ascii_host.endswith(".localhost"):
        return "127.0.0.1"
    return ascii_host


def origin_of(url: str) -> Origin:
    """The normalised origin of an absolute http(s) URL; raises :class:`InvalidOrigin` for
    other schemes, a missing host, a bad port or userinfo."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:  # an unclosed '[' or a port that is not a number
        raise InvalidOrigin(f"not a URL: {url!r}") from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise InvalidOrigin(f"not an http(s) URL: {url!r}")
    if "@" in parts.netloc:
        raise InvalidOrigin(f"URLs with a user name are refused: {url!r}")
    if not parts.hostname:
        raise InvalidOrigin(f"no host in {url!r}")
    return Origin(scheme, normalize_host(parts.hostname), _port(port, scheme))


def parse_domain(text: str, *, scheme: str = "https") -> Origin:
    """A domain as people type it: ``example.org``, ``Example.org:8443``, ``@example.org``, or a
    URL (``https://example.org/``, whose own scheme then wins)."""
    value = text.strip()
    if "://" in value:
        return origin_of(value)
    value = value.removeprefix("@").rstrip("/")
    if not value or any(c in value for c in "/@ ?#\\"):
        raise InvalidOrigin(f"not a domain: {text!r}")
    return origin_of(f"{scheme}://{value}")


def domain_of(url: str) -> str:
    """The normalised domain (``host[:port]``) of an absolute URL; raises :class:`InvalidOrigin`."""
    return origin_of(url).domain


def same_origin(a: str, b: str) -> bool:
    """Whether two URLs are on one origin (False when either is not an acceptable URL)."""
    try:
        return origin_of(a) == origin_of(b)
    except InvalidOrigin:
        return False


def block_candidates(domain: str) -> list[str]:
    """The block entries that would cover ``domain`` (normalised ``host[:port]``): the domain
    itself, its host on any port, and every parent domain, with and without the port.

    Mastodon's domain blocks cover a domain and all its subdomains (``DomainBlock.rule_for``
    walks the parents); a block that names a port covers only that port (several nodes share
    one host in tests and small set-ups), one without a port covers every port. IP addresses
    have no parents.
    """
    host, _, port = domain.rpartition(":") if _has_port(domain) else (domain, "", "")
    host = host.strip("[]")
    names = [host]
    try:
        ipaddress.ip_address(host)
    except ValueError:
        labels = host.split(".")
        names += [".".join(labels[i:]) for i in range(1, len(labels) - 1)]
    out: list[str] = []
    for name in names:
        shown = f"[{name}]" if ":" in name else name
        if port:
            out.append(f"{shown}:{port}")
        out.append(shown)
    return out


def _has_port(domain: str) -> bool:
    if domain.startswith("["):
        return "]:" in domain
    return domain.count(":") == 1


def _port(port: int | None, scheme: str) -> int | None:
    if port is None or port == DEFAULT_PORTS[scheme]:
        return None
    if not 0 < port < 65536:
        raise InvalidOrigin(f"not a port: {port}")
    return port
