"""The web interface: server-rendered, French-first pages over the same services as the API.

``register_web(app)`` adds the blueprints of ``node.web.routes``, the Jinja set-up (i18n,
helpers), and the request hooks: language choice, session expiry, CSRF check on every POST,
security headers and gzip. Every page works without JavaScript; scripts only enhance (the map).
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from quart import Blueprint, Quart, Response, g, request, url_for

from node.errors import Forbidden
from node.http_state import app_node
from node.services import charter
from node.services.notifications import unread_count
from node.web import context, errors, headers, nav
from node.web.format import register_filters
from node.web.forms import see_other
from node.web.i18n import LANGUAGE_NAMES, LANGUAGES
from node.web.routes.charter import CHARTER_FREE_ENDPOINTS

HERE = Path(__file__).parent
STATIC = HERE / "static"
assets = Blueprint(
    "web", __name__, static_folder="static", static_url_path="/assets", template_folder="templates"
)


@cache
def _static_version(filename: str) -> str:
    try:
        return hashlib.sha256((STATIC / filename).read_bytes()).hexdigest()[:10]
    except OSError:
        return "0"


def static_url(filename: str) -> str:
    """The URL of a static file, with a content hash so it can be cached for a year."""
    return f"{url_for('web.static', filename=filename)}?v={_static_version(filename)}"


def lang_url(language: str) -> str:
    """The current page with ``?lang=`` (the language switch; the choice is remembered)."""
    args = {k: v for k, v in request.args.items() if k != "lang"}
    args["lang"] = language
    return f"{request.path}?{urlencode(args)}"


def register_blueprint(app: Quart, blueprint: Blueprint) -> None:
    """Register a web blueprint: its pages get sessions, CSRF checks and HTML errors."""
    errors.WEB_BLUEPRINTS.add(blueprint.name)
    app.register_blueprint(blueprint)


def register_web(app: Quart) -> None:
    from node.web.routes import PLAIN_BLUEPRINTS, ROUTE_BLUEPRINTS

    settings = app_node(app).settings
    app.config.update(
        SESSION_COOKIE_NAME="entraide_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        PERMANENT_SESSION_LIFETIME=int(settings.session_days * 86400),
        SEND_FILE_MAX_AGE_DEFAULT=365 * 86400,
    )
    csp = headers.content_security_policy(settings)
    errors.WEB_BLUEPRINTS.add(assets.name)
    app.register_blueprint(assets)
    for blueprint in ROUTE_BLUEPRINTS:
        register_blueprint(app, blueprint)
    for blueprint in PLAIN_BLUEPRINTS:  # no session, no CSRF check: see each one's comment
        app.register_blueprint(blueprint)

    env = app.jinja_env
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]
        context.gettext, context.ngettext, newstyle=True
    )
    env.globals.update(
        _=context.template_gettext,
        gettext=context.template_gettext,
        ngettext=context.template_ngettext,
    )
    env.globals.update(
        csrf_token=context.csrf_token,
        csrf_field=context.CSRF_FIELD,
        static_url=static_url,
        lang_url=lang_url,
        languages=LANGUAGES,
        language_names=LANGUAGE_NAMES,
        node_settings=settings,
    )
    register_filters(env)

    @app.before_request
    async def _web_before() -> Response | None:
        if errors.is_machine_path(request.path):
            return None
        g.lang, g.lang_chosen = context.choose_language()
        if request.blueprint not in errors.WEB_BLUEPRINTS or request.blueprint == assets.name:
            return None
        g.member = await context.load_member()
        if (
            g.member is not None
            and request.endpoint not in CHARTER_FREE_ENDPOINTS
            and await charter.needs_acceptance(g.member) is not None
        ):
            # A new version of the charter: the member reads and accepts it first.
            return see_other(url_for("web_charter.charter_page", next=request.full_path))
        g.nav = await nav.visible_entries(g.member)
        if g.member is not None:
            g.unread = await unread_count(g.member.id)
        if request.method == "POST":
            form = await request.form
            if not context.csrf_valid(form.get(context.CSRF_FIELD)):
                raise Forbidden(
                    "The form has expired or did not come from this site; please try again."
                )
        return None

    @app.after_request
    async def _web_after(response: Response) -> Response:
        if errors.is_machine_path(request.path):
            return response
        if g.get("lang_chosen"):
            response.set_cookie(
                context.LANG_COOKIE,
                g.lang,
                max_age=365 * 86400,
                httponly=True,
                samesite="Lax",
                secure=settings.secure_cookies,
            )
        headers.security_headers(response, csp)
        return await headers.compress(response, static=request.blueprint == assets.name)

    @app.context_processor
    async def _page_context() -> dict[str, Any]:
        return {
            "lang": context.language(),
            "member": g.get("member"),
            "nav_entries": g.get("nav", []),
            "session_expired": g.get("session_expired", False),
            "unread_notifications": g.get("unread", 0),
        }


__all__ = ["assets", "register_blueprint", "register_web", "static_url"]
