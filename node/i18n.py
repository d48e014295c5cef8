"""The node's words in its languages: Babel ``.po`` catalogs read at start-up (no compile step).

Message ids are English; ``node/web/i18n/fr.po`` holds the French text. English needs no
catalog: a message id *is* the English text. The web pages use them, and so do the mails that
services write (a round's summary), which is why this module sits below the services.
"""

from __future__ import annotations

import gettext as _gettext
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

CATALOGS = Path(__file__).parent / "web" / "i18n"
LANGUAGES = ("fr", "en")
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


class _CatalogTranslations(_gettext.NullTranslations):
    """A ``gettext``-compatible object over a dict built from a ``.po`` file."""

    def __init__(self, messages: dict[str, str], plurals: dict[str, tuple[str, ...]]) -> None:
        super().__init__()
        self._messages = messages
        self._plurals = plurals

    def gettext(self, message: str) -> str:
        return self._messages.get(message) or message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        forms = [form for form in self._plurals.get(msgid1, ()) if form]
        if forms:
            # French: the first form for 0 and 1, the last one (plural) otherwise.
            return forms[0] if n <= 1 else forms[-1]
        return msgid1 if n == 1 else msgid2


def catalog_path(language: str) -> Path:
    return CATALOGS / f"{language}.po"


@cache
def translations(language: str) -> _gettext.NullTranslations:
    """The translations of ``language`` (English: identity)."""
    path = catalog_path(language)
    if language == "en" or not path.exists():
        return _gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    messages: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, (tuple, list)):
            strings = message.string if isinstance(message.string, (tuple, list)) else ()
            plurals[str(message.id[0])] = tuple(str(s) for s in strings)
        elif message.string:
            messages[str(message.id)] = str(message.string)
    return _CatalogTranslations(messages, plurals)


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


__all__ = ["LANGUAGES", "LANGUAGE_NAMES", "N_", "catalog_path", "translations"]
