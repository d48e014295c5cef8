"""Extract the message ids of the web interface (templates and ``node/web`` Python files).

``python -m node.web.i18n.extract`` updates ``fr.po``: new ids are added untranslated, ids no
longer used are dropped; the test suite fails while any id lacks a French translation.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

WEB = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
METHODS = [
    ("i18n/**.py", "ignore"),
    ("**/templates/**.html", "jinja2.ext:babel_extract"),
    ("**.py", "python"),
]


SERVICE_SOURCES = ("outreach_words.py", "round_summaries.py")


def extract() -> Catalog:
    catalog = Catalog(project="Entraide", domain="messages")
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    for filename, lineno, message, comments, context in extract_from_dir(
        str(WEB), METHODS, options_map=options, keywords=KEYWORDS, strip_comment_tags=True
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    # Services that write to people (mails) mark their words too.
    for filename, lineno, message, comments, context in extract_from_dir(
        str(WEB.parent / "services"),
        [(pattern, "python") for pattern in SERVICE_SOURCES],
        keywords=KEYWORDS,
        strip_comment_tags=True,
    ):
        location = f"../services/{filename}"
        catalog.add(message, None, [(location, lineno)], auto_comments=comments, context=context)
    return catalog


def update(language: str = "fr") -> Path:
    path = WEB / "i18n" / f"{language}.po"
    template = extract()
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
    else:
        catalog = Catalog(locale=language, project="Entraide", domain="messages")
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True)
    return path


if __name__ == "__main__":
    print(update())
