"""The language of an API answer's texts meant for people (a proposal's title): ``?lang=fr|en``
first, then the ``Accept-Language`` header, then the node's language. Fields that carry both
languages (``summary_fr``, ``summary_en``) are always there whatever the choice."""

from __future__ import annotations

from typing import Literal

from babel import negotiate_locale
from quart import has_request_context, request

from node.http_state import current_node
from node.i18n import LANGUAGES

Lang = Literal["fr", "en"]


def api_language() -> str:
    default = current_node().settings.default_language
    if not has_request_context():
        return default
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    preferred = [value.replace("-", "_") for value in request.accept_languages.values()]
    negotiated = negotiate_locale(preferred, list(LANGUAGES)) if preferred else None
    return negotiated or default
