"""Helpers for the pages' forms: reading fields, turning service problems into messages."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ParamSpec, TypeVar
from urllib.parse import quote
from zoneinfo import ZoneInfo

from quart import Response, render_template, request

from node.errors import InvalidInput, Problem, Unprocessable
from node.http_state import current_node
from node.models import Member
from node.services.phone import CodeRejected
from node.web.context import current_member, language, ngettext
from node.web.context import gettext as _

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(slots=True)
class FormErrors:
    """What went wrong with a form: one message per field, and one for the whole form."""

    fields: dict[str, str] = field(default_factory=dict)
    general: str | None = None

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)

    @classmethod
    def from_problem(cls, exc: Problem) -> FormErrors:
        errors = cls()
        kinds = exc.kinds if isinstance(exc, InvalidInput) else {}
        for item in exc.errors:
            name = item["field"]
            fallback = _FIELD_FALLBACK.get(name, "This value is not valid.")
            message = _KIND_MESSAGES.get(kinds.get(name, ""), item["message"])
            errors.fields.setdefault(name, _translated(message, fallback))
        if isinstance(exc, CodeRejected) and exc.remaining_attempts > 0:
            message = ngettext(
                "Wrong code; %(num)d attempt left.",
                "Wrong code; %(num)d attempts left.",
                exc.remaining_attempts,
            )
            errors.fields["code"] = errors.general = message
        elif not errors.fields or exc.detail not in {e["message"] for e in exc.errors}:
            fallback = _STATUS_FALLBACK.get(exc.status, "Please check the form.")
            errors.general = _translated(exc.detail, fallback)
        return errors


_FIELD_FALLBACK = {"email": "This email address is not valid."}
# Input errors worded for a form (the API keeps pydantic's own words for these).
_KIND_MESSAGES = {
    "missing": "This field is required.",
    "enum": "Choose one of the list.",
    "literal_error": "Choose one of the list.",
    "uuid_parsing": "Choose one of the list.",
    "uuid_type": "Choose one of the list.",
    "float_parsing": "Enter a number.",
    "float_type": "Enter a number.",
    "finite_number": "Enter a number.",
    "int_parsing": "Enter a whole number.",
    "int_type": "Enter a whole number.",
    "int_from_float": "Enter a whole number.",
    "datetime_parsing": "Enter a date and a time.",
    "datetime_type": "Enter a date and a time.",
    "timezone_aware": "Enter a date and a time.",
    "date_parsing": "Enter a date.",
    "date_type": "Enter a date.",
}
# Service messages that carry a value (a domain, a status) are not in the catalog.
_STATUS_FALLBACK = {
    403: "You cannot do this.",
    409: "This is no longer possible: the page was out of date. Here is the current state.",
    502: "The other node cannot be reached or found; check the address and try again.",
}


def _translated(message: str, fallback: str) -> str:
    """The message in the reader's language; a generic one when the catalog lacks it."""
    text = _(message)
    if text == message and language() != "en":
        return _(fallback)
    return text


async def render(template: str, status: int = 200, **context: Any) -> Response:
    body = await render_template(template, **context)
    return Response(body, status=status, content_type="text/html; charset=utf-8")


def text(form: Any, name: str, max_length: int = 5000) -> str:
    return str(form.get(name, ""))[:max_length].strip()


def raw(form: Any, name: str) -> str:
    """A text field as sent (the typed input strips it and checks its length and characters)."""
    return str(form.get(name, ""))


def optional(form: Any, name: str) -> str | None:
    """A text field, or None when left empty."""
    value = raw(form, name)
    return value if value.strip() else None


def number(form: Any, name: str) -> float:
    raw = text(form, name, 40).replace(",", ".")
    try:
        return float(raw)
    except ValueError:
        raise Unprocessable.field(name, "Enter a number.") from None


def integer(form: Any, name: str) -> int:
    try:
        return int(text(form, name, 20))
    except ValueError:
        raise Unprocessable.field(name, "Enter a whole number.") from None


def local_datetime(form: Any, name: str) -> datetime | None:
    """A ``datetime-local`` field, read in the node's time zone; None when empty."""
    raw = text(form, name, 40)
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise Unprocessable.field(name, "Enter a date and a time.") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(current_node().settings.timezone))
    return value


def checked(form: Any, name: str) -> bool:
    return form.get(name) in ("on", "1", "true", "yes")


def safe_next(target: str | None, default: str = "/") -> str:
    """Only local paths: no open redirect through ``?next=``.

    Browsers drop tabs and newlines from URLs (WHATWG URL, "remove all ASCII tab or newline"),
    so ``/\t/host`` becomes the scheme-relative ``//host``: any control character, space,
    backslash or non-ASCII character (a ``Location`` header is ASCII; local paths arrive
    percent-encoded) makes the target unsafe, as does a leading ``//``.
    """
    if not target or len(target) > 2000 or not target.startswith("/") or target.startswith("//"):
        return default
    if any(not 0x20 < ord(char) < 0x7F or char == "\\" for char in target):
        return default
    return target


def see_other(location: str) -> Response:
    """Post/redirect/get: a 303 to ``location``."""
    return Response("", status=303, headers={"Location": location})


def login_required(func: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R | Response]]:
    """Send anonymous visitors to the log-in page, back here afterwards."""

    @functools.wraps(func)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | Response:
        if current_member() is None:
            target = request.full_path if request.method == "GET" else request.path
            return see_other(f"/login?next={quote(target.rstrip('?'))}")
        return await func(*args, **kwargs)

    return wrapper


def member() -> Member:
    """The logged-in member (after :func:`login_required`)."""
    found = current_member()
    assert found is not None
    return found
