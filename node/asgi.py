"""ASGI entry point for servers started by ``entraide serve`` (or by hand):
``granian --interface asgi node.asgi:app`` / ``uvicorn node.asgi:app``.

Settings come from ``ENTRAIDE_*`` variables and the TOML file, as for the CLI.
"""

from node.app import create_app
from node.logs import configure_logging

app = create_app()
configure_logging(app.node.settings.log_level, app.node.settings.log_format)
