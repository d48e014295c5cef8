"""The node's Quart application: ``create_app(settings)``."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, cast

from itsdangerous import URLSafeTimedSerializer
from pydantic import ValidationError
from quart import Quart, Request, Response, request
from quart.sessions import SecureCookieSessionInterface
from quart_schema import QuartSchema, RequestSchemaValidationError
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from federation import jsonbounds
from federation.jsonbounds import JsonTooComplex, JsonTooLarge
from node import __version__
from node.api import register_api
from node.api.openapi import DatabaseIntConverter, EntraideOpenAPIProvider
from node.errors import PROBLEM_JSON, Problem, problem_body, pydantic_errors
from node.fed.routes import register_federation
from node.http_state import EntraideApp
from node.keys import ensure_vapid_key
from node.settings import Settings, load_settings
from node.web import register_web
from node.wiring import build_node
from node.worker.federation import run_forever as run_federation
from node.worker.notifications import run_forever as run_notifications
from node.worker.periodic import run_forever as run_periodic

log = logging.getLogger("entraide")


class JsonBodyTooLarge(RequestEntityTooLarge):
    """A JSON body under the byte cap with more keys, items or values than
    :mod:`federation.jsonbounds` takes (a 190 KB list of 10,000 map cells): too large (413),
    not malformed, so that a client knows to send less rather than to fix its encoder."""


class JsonRequest(Request):
    """A body that is not UTF-8 or nested too deeply is invalid JSON (400) like one that does
    not parse: Quart's ``get_json`` lets ``UnicodeDecodeError`` and ``RecursionError`` through
    (a 500), and would hand any shape to the validation. One with too many keys, items or
    values (:mod:`federation.jsonbounds`) is too large (413)."""

    async def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        if force or self.is_json:
            try:
                (await self.get_data(True, False, False)).decode()
            except UnicodeDecodeError as error:
                return None if silent else self.on_json_loading_failed(error)
        try:
            value = await super().get_json(force=force, silent=silent, cache=cache)
            jsonbounds.check_bounds(value)
        except JsonTooLarge as error:
            if silent:
                return None
            raise JsonBodyTooLarge(f"The body is too large: {error}.") from error
        except (RecursionError, JsonTooComplex) as error:
            return None if silent else self.on_json_loading_failed(error)
        return value


def _problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    response = Response(
        _json_dumps(body), status=body["status"], content_type=PROBLEM_JSON, headers=headers
    )
    return response


def _json_dumps(body: dict[str, Any]) -> str:
    import json

    return json.dumps(body, ensure_ascii=False)


async def _error_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    """problem+json, or an HTML page for the web interface (node.web.errors decides)."""
    from node.web.errors import html_error, wants_html

    if wants_html():
        response = await html_error(body["status"], body.get("detail"))
        response.headers.update(headers or {})
        return response
    return _problem_response(body, headers)


def _register_error_handlers(app: EntraideApp) -> None:
    from node.services.committee.gates import Proposed
    from node.web.errors import BODY_TOO_LARGE, html_error, wants_html

    @app.errorhandler(Problem)
    async def _problem(exc: Problem) -> Response:
        return await _error_response(exc.body(), exc.headers)

    @app.errorhandler(Proposed)
    async def _proposed(exc: Proposed) -> Response:
        """A gated change became a proposal: 202 Accepted, nothing changed yet."""
        from node.web.errors import wants_html

        if wants_html():
            from node.web.routes.committee import waiting_for_committee

            return await waiting_for_committee(exc)
        from node.api.committee_proposals import proposal_json

        body = {"detail": exc.detail, "proposal": await proposal_json(exc.proposal)}
        return Response(_json_dumps(body), status=202, content_type="application/json")

    @app.errorhandler(RequestSchemaValidationError)
    async def _invalid(exc: RequestSchemaValidationError) -> Response:
        error = exc.validation_error
        if isinstance(error, ValidationError):
            body = problem_body(
                422, "The request does not match the schema.", pydantic_errors(error)
            )
        else:  # quart-schema wraps a TypeError when the JSON is not an object at all
            body = problem_body(422, f"The request does not match the schema: {error}")
        return _problem_response(body)

    @app.errorhandler(HTTPException)
    async def _http(exc: HTTPException) -> Response:
        status = exc.code or 500
        detail = exc.description or HTTPStatus_phrase(status)
        if status == 400 and request.mimetype == "application/json":
            detail = "The body is not valid JSON."
        if status == 413 and not isinstance(exc, JsonBodyTooLarge):
            detail = f"The body is larger than {app.config['MAX_CONTENT_LENGTH']} bytes."
            if wants_html():  # a web form past the cap: say what to do, in the reader's language
                return await html_error(413, BODY_TOO_LARGE)
        return await _error_response(problem_body(status, detail))

    @app.errorhandler(Exception)
    async def _unexpected(exc: Exception) -> Response:
        rule = request.url_rule.rule if request.url_rule is not None else "(unmatched)"
        log.exception("unhandled error on %s %s", request.method, rule)
        return await _error_response(problem_body(500, "Internal error; it has been logged."))


class SessionInterface(SecureCookieSessionInterface):
    """Quart's signed-cookie sessions, with the signing serializer built once per key set:
    Quart builds it (and test-serializes ``{}``) on every request, ≈ 9 % of an inbox POST's
    time (docs/performance.md, inbox ingestion)."""

    def __init__(self) -> None:
        self._built: tuple[tuple[Any, ...], URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Quart) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        if self._built is None or self._built[0] != keys:
            self._built = (keys, super().get_signing_serializer(app))
        return self._built[1]


def HTTPStatus_phrase(status: int) -> str:
    from http import HTTPStatus

    return HTTPStatus(status).phrase


def create_app(settings: Settings | None = None) -> EntraideApp:
    """Build a node app. The database is opened when the app starts serving."""
    settings = settings or load_settings()
    app = EntraideApp("node")
    app.request_class = JsonRequest
    # Before any route: <int:…> ids beyond the database's integer columns are a 404, not a 500.
    app.url_map.converters["int"] = DatabaseIntConverter
    app.node = build_node(settings)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.config["BODY_TIMEOUT"] = settings.http_body_timeout  # a trickled body is a 408
    if settings.trusted_proxies:
        # Behind nginx every request comes from the proxy: believe its X-Forwarded-For (only
        # from the listed addresses) so that rate limits count real clients.
        middleware = ProxyHeadersMiddleware(
            cast(Any, app.asgi_app), trusted_hosts=settings.trusted_proxies
        )
        app.asgi_app = middleware  # type: ignore[method-assign,assignment]
    app.config["SECRET_KEY"] = app.node.secret
    app.session_interface = SessionInterface()
    QuartSchema(
        app,
        info={"title": f"Entraide API — {settings.node_name}", "version": __version__},
        openapi_path="/openapi.json",
        swagger_ui_path="/docs",
        redoc_ui_path="/redocs",
        scalar_ui_path=None,
        security_schemes={"bearer": {"type": "http", "scheme": "bearer"}},
        openapi_provider_class=EntraideOpenAPIProvider,
    )
    _register_error_handlers(app)

    register_api(app)

    register_federation(app)

    register_web(app)

    background: list[asyncio.Task[None]] = []

    @app.before_serving
    async def _start() -> None:
        await app.node.db.open()
        ensure_vapid_key(settings)  # Web Push: the key browsers subscribe with
        if settings.worker_in_process:
            background.append(asyncio.create_task(run_periodic(app.node), name="entraide-periodic"))
            background.append(
                asyncio.create_task(
                    run_federation(app.node, interval=settings.worker_poll_seconds),
                    name="entraide-federation",
                )
            )
            background.append(
                asyncio.create_task(run_notifications(app.node), name="entraide-notifications")
            )

    @app.after_serving
    async def _stop() -> None:
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
        background.clear()
        await app.node.db.close()

    return app
