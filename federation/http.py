"""A framework-neutral view of an HTTP request, for signing and verification.

The node adapts its Quart request to :class:`HttpRequest`; tests adapt ``httpx.Request`` with
:func:`HttpRequest.from_httpx`. Nothing here depends on a web framework.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx


class Headers:
    """A case-insensitive multi-map that keeps field lines in wire order.

    ``get`` combines repeated lines with ``", "`` as RFC 9110 §5.3 allows; signature bases use
    that combined value (cavage §2.3 step 4, RFC 9421 §2.1).
    """

    __slots__ = ("_index", "_items")

    def __init__(self, items: Iterable[tuple[str, str]] | Mapping[str, str] = ()) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        self._items: list[tuple[str, str]] = [(str(k), str(v)) for k, v in pairs]
        self._index: dict[str, list[str]] | None = None

    def _lookup(self) -> dict[str, list[str]]:
        # Built on first read and dropped on every write: verification reads each header
        # several times, and a linear scan per read was a measurable share of its cost.
        if self._index is None:
            index: dict[str, list[str]] = {}
            for k, v in self._items:
                index.setdefault(k.lower(), []).append(v.strip(" \t"))
            self._index = index
        return self._index

    def get(self, name: str, default: str | None = None) -> str | None:
        values = self._lookup().get(name.lower())
        return ", ".join(values) if values else default

    def get_all(self, name: str) -> list[str]:
        return list(self._lookup().get(name.lower(), ()))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._lookup()

    def __getitem__(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __setitem__(self, name: str, value: str) -> None:
        del self[name]
        self._items.append((name, value))
        self._index = None

    def __delitem__(self, name: str) -> None:
        lname = name.lower()
        self._items = [(k, v) for k, v in self._items if k.lower() != lname]
        self._index = None

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(k for k, _ in self._items))

    def __len__(self) -> int:
        return len(self._items)

    def items(self) -> list[tuple[str, str]]:
        """All field lines, repeated names included (what ``http_message_signatures`` reads)."""
        return list(self._items)

    def copy(self) -> Headers:
        return Headers(self._items)

    def __repr__(self) -> str:
        return f"Headers({self._items!r})"


@dataclass(slots=True)
class HttpRequest:
    """An inbound (or outbound) request as the signature layer sees it.

    ``target`` is the request target exactly as it appeared on the request line: the raw,
    still percent-encoded path plus ``?query`` when there is one (cavage §2.3
    ``(request-target)``, RFC 9421 §2.2.6 ``@path``/``@query``). ``scheme`` and the ``Host``
    header give ``@target-uri`` and ``@authority``.
    """

    method: str
    target: str
    headers: Headers
    body: bytes = b""
    scheme: str = "https"
    _url: str | None = field(default=None, repr=False)

    @property
    def host(self) -> str:
        return (self.headers.get("host") or "").strip()

    @property
    def url(self) -> str:
        """Absolute target URI (RFC 9421 §2.2.2)."""
        return self._url or f"{self.scheme}://{self.host}{self.target}"

    @property
    def path(self) -> str:
        return self.target.partition("?")[0] or "/"

    @property
    def query(self) -> str | None:
        _, sep, q = self.target.partition("?")
        return q if sep else None

    @classmethod
    def from_url(
        cls,
        method: str,
        url: str,
        headers: Iterable[tuple[str, str]] | Mapping[str, str] = (),
        body: bytes = b"",
    ) -> HttpRequest:
        """Build from an absolute URL; adds ``Host`` from the URL when absent."""
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        hdrs = Headers(headers)
        if "host" not in hdrs:
            hdrs["Host"] = parts.netloc
        return cls(method.upper(), target, hdrs, body, parts.scheme or "https")

    @classmethod
    def from_httpx(cls, request: httpx.Request) -> HttpRequest:
        """Adapter for ``httpx.Request`` (the test rig and the signing client use it).

        The body must already be read (``request.read()``), which is the case for requests built
        with ``content=``/``json=``.
        """
        raw_target = request.url.raw_path.decode("ascii")
        hdrs = Headers(request.headers.multi_items())
        return cls(
            request.method.upper(),
            raw_target,
            hdrs,
            request.content,
            request.url.scheme,
        )
