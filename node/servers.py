"""Running the app under an ASGI server. The default is the one that measured fastest here
(see docs/performance.md); the others stay available for operators who prefer them."""

from __future__ import annotations

from typing import Literal

ServerName = Literal["granian", "uvicorn", "hypercorn"]
DEFAULT_SERVER: ServerName = "granian"
APP_PATH = "node.asgi:app"


def run_server(server: ServerName, host: str, port: int, workers: int, log_level: str) -> None:
    """Serve ``node.asgi:app`` until interrupted (blocks)."""
    if server == "granian":
        from granian.constants import Interfaces
        from granian.log import LogLevels
        from granian.server import Server

        Server(
            APP_PATH,
            address=host,
            port=port,
            interface=Interfaces.ASGI,
            workers=workers,
            log_level=LogLevels(log_level),
        ).serve()
    elif server == "uvicorn":
        import uvicorn

        uvicorn.run(APP_PATH, host=host, port=port, workers=workers, log_level=log_level)
    else:
        import asyncio

        from hypercorn.asyncio import serve
        from hypercorn.config import Config

        from node.asgi import app

        config = Config()
        config.bind = [f"{host}:{port}"]
        config.loglevel = log_level.upper()
        asyncio.run(serve(app, config))  # type: ignore[arg-type]
