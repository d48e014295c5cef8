"""Running the app under an ASGI server. The default is the one that measured best here (see
docs/performance.md, "Issue 2"); the others stay available for operators who prefer them.

With one worker the default is Uvicorn, which serves in the process it starts in: Granian always
runs a main process plus worker processes (~47 MB more resident memory) for the same feed
throughput, the route and not the server being the bottleneck. With several workers, Granian.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Literal

ServerName = Literal["granian", "uvicorn", "hypercorn"]
DEFAULT_SERVER: ServerName = "granian"
SINGLE_PROCESS_SERVER: ServerName = "uvicorn"
APP_PATH = "node.asgi:app"


def default_server(workers: int) -> ServerName:
    """The server ``entraide serve`` uses when none is named."""
    return SINGLE_PROCESS_SERVER if workers == 1 else DEFAULT_SERVER


@dataclass(frozen=True)
class ClientLimits:
    """What one slow or greedy client may hold (settings ``http_*``; docs/operators.md)."""

    header_timeout: float = 10.0
    max_connections: int = 1000
    keep_alive_timeout: float = 5.0


def run_server(
    server: ServerName,
    host: str,
    port: int,
    workers: int,
    log_level: str,
    limits: ClientLimits | None = None,
) -> None:
    """Serve ``node.asgi:app`` until interrupted (blocks)."""
    limits = limits or ClientLimits()
    if server == "granian":
        from granian.constants import Interfaces
        from granian.http import HTTP1Settings
        from granian.log import LogLevels
        from granian.server import Server

        Server(
            APP_PATH,
            address=host,
            port=port,
            interface=Interfaces.ASGI,
            workers=workers,
            log_level=LogLevels(log_level),
            log_access=False,
            backpressure=limits.max_connections,
            http1_settings=HTTP1Settings(header_read_timeout=int(limits.header_timeout * 1000)),
        ).serve()
    elif server == "uvicorn":
        import uvicorn

        from node.slow_clients import HeaderTimeoutProtocol

        protocol: Any = functools.partial(
            HeaderTimeoutProtocol, header_timeout=limits.header_timeout
        )
        # No log_config: uvicorn's lines go through the node's handlers (node.logs), and no
        # access log: the node logs each request by route template, without query strings.
        uvicorn.run(
            APP_PATH,
            host=host,
            port=port,
            workers=workers,
            log_level=log_level,
            log_config=None,
            access_log=False,
            http=protocol,
            limit_concurrency=limits.max_connections,
            timeout_keep_alive=int(limits.keep_alive_timeout),
        )
    else:
        import asyncio

        from hypercorn.asyncio import serve
        from hypercorn.config import Config

        from node.asgi import app

        config = Config()
        config.bind = [f"{host}:{port}"]
        config.loglevel = log_level.upper()
        config.read_timeout = int(limits.header_timeout)
        config.keep_alive_timeout = limits.keep_alive_timeout
        asyncio.run(serve(app, config))  # type: ignore[arg-type]
