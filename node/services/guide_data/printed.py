"""The printed guide: a PDF listing places by street, with today's hours, in A4 or A5, in
ordinary or large print, in French or English. Associations print it and hand it out during
rounds.

ReportLab draws it (no system library needed); the text uses DejaVu Sans from the Debian
package ``fonts-dejavu-core`` so every French letter prints, with ReportLab's built-in Helvetica
as the fallback when the font files are absent (docs/operators.md).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from node.services.gazetteer import normalise

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"),)
PAGE_SIZES = {"A4": A4, "A5": A5}
MAX_PLACES = 2000
_NUMBER = re.compile(r"^\s*\d+\s*(?:bis|ter|quater|[a-z](?![a-z]))?\s*,?\s*", re.IGNORECASE)

WORDS = {
    "fr": {
        "title": "Guide solidaire",
        "printed": "Imprimé le {day}. Horaires du jour ; ils changent : appelez si possible.",
        "none": "Aucun lieu pour ces catégories dans cette zone.",
        "other": "Autres adresses",
        "today": "Aujourd'hui :",
        "phone": "Tél.",
        "shared": "Lieu partagé par",
        "emergency": "Urgence : 115 (hébergement), 15 (Samu), 17 (police), 112.",
    },
    "en": {
        "title": "Solidarity guide",
        "printed": "Printed on {day}. Today's hours; they change: call when you can.",
        "none": "No place for these categories in this area.",
        "other": "Other addresses",
        "today": "Today:",
        "phone": "Phone",
        "shared": "Shared by",
        "emergency": "Emergency: 115 (shelter), 15 (ambulance), 17 (police), 112.",
    },
}


@dataclass(frozen=True, slots=True)
class GuideEntry:
    name: str
    address: str
    categories: str  # already in words, "Douche, laverie"
    today: str  # today's hours in words, "9 h – 12 h 30" or "fermé"
    phone: str = ""
    origin: str = ""  # a partner's place: who shares it ("Chaleur (paris.example)")


@cache
def _fonts() -> tuple[str, str]:
    for directory in FONT_DIRS:
        regular, bold = directory / "DejaVuSans.ttf", directory / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont("GuideSans", str(regular)))
            pdfmetrics.registerFont(TTFont("GuideSans-Bold", str(bold)))
            return "GuideSans", "GuideSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def street_of(address: str) -> str:
    """The street of an address, without its number ("12 bis rue Oberkampf" → "rue Oberkampf")."""
    return _NUMBER.sub("", address).split(",")[0].strip()


def by_street(entries: Iterable[GuideEntry]) -> list[tuple[str, list[GuideEntry]]]:
    """Entries grouped by street, streets in alphabetical order (accents ignored), places by
    name within a street."""
    groups: dict[str, list[GuideEntry]] = {}
    for entry in entries:
        groups.setdefault(street_of(entry.address), []).append(entry)
    return [
        (street, sorted(groups[street], key=lambda e: normalise(e.name)))
        for street in sorted(groups, key=lambda s: (s == "", normalise(s)))
    ]


def guide_pdf(
    entries: list[GuideEntry],
    *,
    area: str,
    day: date,
    size: str = "A4",
    large: bool = False,
    language: str = "fr",
    title: str = "",
) -> bytes:
    """The PDF of ``entries`` (at most :data:`MAX_PLACES`) for ``area``, printed on ``day``."""
    words = WORDS[language]
    regular, bold = _fonts()
    base = 15.0 if large else (10.0 if size == "A4" else 9.0)
    styles = {
        "title": ParagraphStyle("t", fontName=bold, fontSize=base * 1.8, leading=base * 2.2),
        "note": ParagraphStyle("n", fontName=regular, fontSize=base * 0.9, leading=base * 1.2),
        "street": ParagraphStyle(
            "s", fontName=bold, fontSize=base * 1.25, leading=base * 1.6, spaceBefore=base * 0.8
        ),
        "name": ParagraphStyle("p", fontName=bold, fontSize=base, leading=base * 1.3),
        "line": ParagraphStyle(
            "l", fontName=regular, fontSize=base, leading=base * 1.3, leftIndent=base
        ),
    }
    margin = (12 if size == "A4" else 9) * mm
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=PAGE_SIZES[size],
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=title or f"{words['title']} — {area}",
        lang=language,
    )
    story: list[object] = [
        Paragraph(escape(title or f"{words['title']} — {area}"), styles["title"]),
        Paragraph(escape(words["printed"].format(day=day.isoformat())), styles["note"]),
        Paragraph(escape(words["emergency"]), styles["note"]),
    ]
    if not entries:
        story.append(Spacer(1, base))
        story.append(Paragraph(escape(words["none"]), styles["line"]))
    for street, places in by_street(entries[:MAX_PLACES]):
        story.append(Paragraph(escape(street or words["other"]), styles["street"]))
        for entry in places:
            block = [
                Paragraph(escape(entry.name), styles["name"]),
                Paragraph(escape(f"{entry.address} · {entry.categories}"), styles["line"]),
                Paragraph(escape(f"{words['today']} {entry.today}"), styles["line"]),
            ]
            if entry.phone:
                block.append(Paragraph(escape(f"{words['phone']} {entry.phone}"), styles["line"]))
            if entry.origin:
                block.append(Paragraph(escape(f"{words['shared']} {entry.origin}"), styles["line"]))
            story.append(KeepTogether(block))
    document.build(story)  # type: ignore[arg-type]
    return out.getvalue()
