"""A framework-neutral view of an HTTP request, for signing and verification.

The node adapts its Quart request to :class:`HttpRequest`; tests adapt ``httpx.Request`` with
:func:`HttpRequest.from_httpx`. Nothing here depends on a web framework.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
# RFC 9110 §5.6.7 IMF-fixdate, the form every HTTP implementation sends. ASCII digits only and a
# four-digit year from 1000 on: email.utils maps years below 100 to 19xx/20xx, so those (and every
# other form) go to the general parser.
_IMF_FIXDATE = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), ([0-9]{2}) "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([1-9][0-9]{3}) "
    r"([0-9]{2}):([0-9]{2}):([0-9]{2}) GMT"
)


def parse_http_date(value: str) -> dt.datetime:
    """An HTTP ``Date`` as an aware datetime (naive results of the general parser become UTC).

    IMF-fixdate is read by a strict regex (``email.utils.parsedate_to_datetime`` costs several
    microseconds); every other form, and any out-of-range field, goes to
    ``parsedate_to_datetime``, which then decides, so both paths accept and reject the same
    strings. Raises ``ValueError`` or ``TypeError`` when the date cannot be read.
    """
    m = _IMF_FIXDATE.fullmatch(value)
    if m is not None:
        day, month, year, hour, minute, second = m.groups()
        try:
            return dt.datetime(
                int(year),
                _MONTHS[month],
                int(day),
                int(hour),
                int(minute),
                int(second),
                tzinfo=dt.UTC,
            )
        except ValueError:
            pass  # e.g. 31 Feb or 24:00:00: let the general parser decide and word the error
    date = parsedate_to_datetime(value)
    return date if date.tzinfo is not None else date.replace(tzinfo=dt.UTC)


class Headers:
    """A case-insensitive multi-map that keeps field lines in wire order.

    ``get`` combines repeated lines with ``", "`` as RFC 9110 §5.3 allows; signature bases use
    that combined value (cavage §2.3 step 4, RFC 9421 §2.1).
    """

    __slots__ = ("_index", "_items", "_joined")

    def __init__(self, items: Iterable[tuple[str, str]] | Mapping[str, str] = ()) -> None:
        # A list or tuple of pairs is checked first: ``isinstance(x, Mapping)`` is an ABC check,
        # slow for the common case.
        pairs = (
            items
            if isinstance(items, list | tuple) or not isinstance(items, Mapping)
            else items.items()
        )
        self._items: list[tuple[str, str]] = [(str(k), str(v)) for k, v in pairs]
        self._index: dict[str, list[str]] | None = None
        self._joined: dict[str, str] | None = None

    def _lookup(self) -> dict[str, list[str]]:
        # Built on first read and dropped on every write: verification reads each header
        # several times, and a linear scan per read was a measurable share of its cost.
        if self._index is None:
            index: dict[str, list[str]] = {}
            for k, v in self._items:
                index.setdefault(k.lower(), []).append(v.strip(" \t"))
            self._index = index
        return self._index

    def _map(self) -> dict[str, str]:
        """Lower-case name → combined value (what :meth:`get` returns), built once per write.

        The verification hot path reads this plain dict directly; treat it as read-only.
        """
        joined = self._joined
        if joined is None:
            items = self._items
            # Built once per request (each inbound request has a new Headers): a comprehension
            # when no name repeats, the general merge otherwise.
            joined = {k.lower(): v.strip(" \t") for k, v in items}
            if len(joined) != len(items):
                joined = {}
                for k, v in items:
                    name, v = k.lower(), v.strip(" \t")
                    prev = joined.get(name)
                    joined[name] = v if prev is None else f"{prev}, {v}"
            self._joined = joined
        return joined

    def get(self, name: str, default: str | None = None) -> str | None:
        value = self._map().get(name.lower())
        return default if value is None else value

    def get_all(self, name: str) -> list[str]:
        return list(self._lookup().get(name.lower(), ()))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._map()

    def __getitem__(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise KeyError(name)
        return value

    def __setitem__(self, name: str, value: str) -> None:
        del self[name]
        self._items.append((name, value))
        self._index = self._joined = None

    def __delitem__(self, name: str) -> None:
        lname = name.lower()
        self._items = [(k, v) for k, v in self._items if k.lower() != lname]
        self._index = self._joined = None

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
