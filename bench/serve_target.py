"""Start one benchmark target under one ASGI server (used by bench_servers)."""

from __future__ import annotations

import argparse
import sys


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", choices=["granian", "uvicorn", "hypercorn"], required=True)
    parser.add_argument("--app", choices=["node", "bare"], required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    if args.app == "node":
        from node.servers import run_server

        run_server(args.server, "127.0.0.1", args.port, 1, "warning")
        return
    target = "bench.bare_app:app"
    if args.server == "granian":
        from granian.constants import Interfaces
        from granian.log import LogLevels
        from granian.server import Server

        Server(
            target, port=args.port, interface=Interfaces.ASGI, log_level=LogLevels.warning
        ).serve()
    elif args.server == "uvicorn":
        import uvicorn

        uvicorn.run(target, host="127.0.0.1", port=args.port, log_level="warning")
    else:
        import asyncio

        from hypercorn.asyncio import serve
        from hypercorn.config import Config

        from bench.bare_app import app

        config = Config()
        config.bind = [f"127.0.0.1:{args.port}"]
        asyncio.run(serve(app, config))  # type: ignore[arg-type]
    sys.exit(0)


if __name__ == "__main__":
    main()
