"""Per-request state of the web pages: language, logged-in member, CSRF token, messages.

The session is Quart's signed cookie (signed with the node secret). It holds ``m`` (member id),
``t`` (when the log-in happened, epoch seconds), ``csrf`` (the form token) and flashed messages;
nothing else. A session older than ``settings.session_days`` is cleared.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta
from typing import Any

from babel import negotiate_locale
from jinja2.runtime import Context
from jinja2.utils import pass_context
from markupsafe import Markup
from quart import g, request, session

from node import clock
from node.http_state import current_node
from node.models import Member
from node.services import sessions
from node.web.elision import with_elisions
from node.web.i18n import LANGUAGES, translations

LANG_COOKIE = "lang"
CSRF_FIELD = "csrf_token"


# --- language -----------------------------------------------------------------------------------


def choose_language() -> tuple[str, bool]:
    """(language, whether it was just chosen with ``?lang=``: then it is remembered)."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked, True
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in LANGUAGES:
        return cookie, False
    preferred = [value.replace("-", "_") for value in request.accept_languages.values()]
    negotiated = negotiate_locale(preferred, list(LANGUAGES)) if preferred else None
    return negotiated or current_node().settings.default_language, False


def language() -> str:
    return str(g.get("lang") or current_node().settings.default_language)


def gettext(message: str, **variables: Any) -> str:
    text = translations(language()).gettext(message)
    return text % with_elisions(variables) if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
    text = translations(language()).ngettext(singular, plural, n)
    variables.setdefault("num", n)
    return text % with_elisions(variables)


# The templates' ``_()`` and ``ngettext()``: Jinja's "newstyle" callables (the text is always a
# format string, the variables are escaped) whose variables carry their French elided forms.


@pass_context
def template_gettext(context: Context, message: str, **variables: Any) -> str:
    text = translations(language()).gettext(message)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % with_elisions(variables)


@pass_context
def template_ngettext(
    context: Context, singular: str, plural: str, n: int, **variables: Any
) -> str:
    variables.setdefault("num", n)
    text = translations(language()).ngettext(singular, plural, n)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % with_elisions(variables)


_ = gettext


# --- session ------------------------------------------------------------------------------------


async def log_in(member: Member) -> None:
    """Start a fresh session for ``member`` (a new CSRF token: no session fixation), recorded as
    a row (:mod:`node.services.sessions`) that log-out and password changes end."""
    session.clear()
    settings = current_node().settings
    label = request.headers.get("User-Agent", "")[:100]
    session["s"] = await sessions.open_session(member, timedelta(days=settings.session_days), label)
    session["m"] = str(member.id)
    session["t"] = int(clock.now().timestamp())
    session["csrf"] = secrets.token_urlsafe(32)
    session.permanent = True


async def log_out() -> None:
    secret = session.get("s")
    if isinstance(secret, str):
        await sessions.end_session(secret)
    session.clear()


def session_expired() -> bool:
    issued = session.get("t")
    if not isinstance(issued, int):
        return True
    max_age = current_node().settings.session_days * 86400
    return clock.now().timestamp() - issued > max_age


async def load_member() -> Member | None:
    """The logged-in member, or None (an expired or ended session, or a deleted member, is
    cleared). ``g.web_session_id`` names the session's row."""
    if session.get("m") is None:
        return None
    if session_expired():
        session.clear()
        g.session_expired = True
        return None
    secret = session.get("s")
    row = await sessions.live_session(secret) if isinstance(secret, str) else None
    if row is None or str(row.member.id) != str(session.get("m")):
        session.clear()
        return None
    g.web_session_id = row.id
    return row.member


def current_session_id() -> int | None:
    session_id: int | None = g.get("web_session_id")
    return session_id


def current_member() -> Member | None:
    member: Member | None = g.get("member")
    return member


# --- CSRF ---------------------------------------------------------------------------------------


def csrf_token() -> str:
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def csrf_valid(submitted: str | None) -> bool:
    expected = session.get("csrf")
    if not isinstance(expected, str) or not submitted:
        return False
    return hmac.compare_digest(expected.encode(), submitted.encode())
