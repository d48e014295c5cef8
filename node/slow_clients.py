"""Bounds for clients that send slowly (slowloris): without a proxy in front, a node must close
connections whose request headers do not arrive in time, or a thousand trickling sockets keep it
offline.

Granian (``http1_settings.header_read_timeout``) and Hypercorn (``read_timeout``) have the
setting; Uvicorn times out only idle keep-alive connections. :class:`HeaderTimeoutProtocol` adds
to Uvicorn's httptools protocol a deadline for the headers of each request, from the moment its
first byte arrives (or the connection opens). Request bodies are bounded by Quart's
``BODY_TIMEOUT`` (408), whichever server runs the app.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """Uvicorn's httptools protocol with a deadline for every request's headers.

    Uvicorn builds one per connection from ``Config.http`` with its own keyword arguments: pass
    ``functools.partial(HeaderTimeoutProtocol, header_timeout=…)`` (it pickles, for workers).
    """

    def __init__(self, *args: Any, header_timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout = header_timeout
        self._header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_deadline()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._start_header_deadline()

    def on_headers_complete(self) -> None:
        self._cancel_header_deadline()
        super().on_headers_complete()

    def _start_header_deadline(self) -> None:
        if self._header_deadline is None:
            self._header_deadline = self.loop.call_later(self.header_timeout, self._too_slow)

    def _cancel_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _too_slow(self) -> None:
        self._header_deadline = None
        if not self.transport.is_closing():
            self.transport.close()
