"""HTML error pages for the web interface; the API keeps its problem+json answers."""

from __future__ import annotations

from http import HTTPStatus

from quart import Response, render_template, request

from node.web.context import gettext as _
from node.web.nav import N_

# Paths that are machine endpoints: their errors stay problem+json whatever the Accept header.
MACHINE_PREFIXES = ("/api/", "/.well-known/", "/openapi.json", "/docs", "/redocs", "/fed/")
WEB_BLUEPRINTS: set[str] = set()

_TITLES = {
    400: N_("The request is not valid."),
    403: N_("You cannot do this."),
    404: N_("This page does not exist."),
    405: N_("This page cannot be used this way."),
    413: N_("What you sent is too large."),
    429: N_("Too many attempts; wait a minute and try again."),
    500: N_("Something went wrong on our side; it has been logged."),
}

# What a web form past the node's body limit (max_body_bytes) is told.
BODY_TOO_LARGE = N_("Shorten the text or send a smaller file, then try again.")


def is_machine_path(path: str) -> bool:
    return path.startswith(MACHINE_PREFIXES)


def wants_html() -> bool:
    """Web pages get HTML errors; unknown paths too when the client prefers HTML."""
    if request.blueprint in WEB_BLUEPRINTS:
        return True
    if request.blueprint is not None or is_machine_path(request.path):
        return False
    accept = request.accept_mimetypes
    return not accept or accept.best_match(["text/html", "application/json"]) == "text/html"


async def html_error(status: int, detail: str | None = None) -> Response:
    title = _(_TITLES.get(status, HTTPStatus(status).phrase))
    message = _(detail) if detail and status not in (404, 500) else None
    body = await render_template(
        "error.html", status=status, title=title, message=message if message != title else None
    )
    return Response(body, status=status, content_type="text/html; charset=utf-8")
