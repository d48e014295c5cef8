"""The printed guide: a PDF whose text (pdftotext, from poppler-utils) lists the places by
street with today's hours, in A4 or A5, ordinary or large print, French or English."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest

from node.services.guide_data.printed import GuideEntry, by_street, guide_pdf, street_of

DAY = date(2026, 12, 2)
ENTRIES = [
    GuideEntry(
        "Bains-douches Oberkampf",
        "42 rue Oberkampf, 75011 Paris",
        "Douche",
        "9 h – 12 h 30",
        "01 40 00 00 00",
    ),
    GuideEntry("Halte œcuménique", "3 bis boulevard de Belleville", "Manger", "fermé"),
    GuideEntry(
        "Accueil de jour Saint-Maur", "10 rue Oberkampf", "Accueil de jour, douche", "8 h – 17 h"
    ),
]


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "guide.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _pages(pdf: bytes, tmp_path: Path) -> tuple[int, tuple[int, int]]:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size is not None
    # In millimetres: A4 is 210 x 297, A5 148 x 210 (ISO 216).
    return pages, (round(float(size.group(1)) / 72 * 25.4), round(float(size.group(2)) / 72 * 25.4))


def test_the_guide_lists_places_by_street_with_today_s_hours(tmp_path: Path) -> None:
    text = _text(guide_pdf(ENTRIES, area="Paris 11e", day=DAY), tmp_path)
    assert "Guide solidaire — Paris 11e" in text
    assert "Imprimé le 2026-12-02" in text
    # Streets in alphabetical order, places by name within a street.
    order = [
        text.index(s)
        for s in (
            "boulevard de Belleville",
            "Halte œcuménique",
            "rue Oberkampf",
            "Accueil de jour Saint-Maur",
            "Bains-douches Oberkampf",
        )
    ]
    assert order == sorted(order)
    assert "Aujourd'hui : 9 h – 12 h 30" in text
    assert "Aujourd'hui : fermé" in text
    assert "Tél. 01 40 00 00 00" in text
    assert "115" in text


def test_english_a5_and_large_print(tmp_path: Path) -> None:
    many = [
        GuideEntry(f"Place {n}", f"{n} rue de Charonne", "Food", "9:00–17:00") for n in range(1, 41)
    ]
    ordinary = guide_pdf(many, area="Paris", day=DAY, size="A5", language="en")
    large = guide_pdf(many, area="Paris", day=DAY, size="A5", large=True, language="en")
    text = _text(large, tmp_path)
    assert "Solidarity guide" in text and "Today: 9:00–17:00" in text and "Place 40" in text
    ordinary_pages, ordinary_size = _pages(ordinary, tmp_path)
    large_pages, _ = _pages(large, tmp_path)
    assert ordinary_size == (148, 210)
    assert _pages(guide_pdf(many, area="Paris", day=DAY), tmp_path)[1] == (210, 297)
    assert large_pages > ordinary_pages


def test_an_empty_guide_says_there_is_nothing(tmp_path: Path) -> None:
    assert "Aucun lieu pour ces catégories" in _text(guide_pdf([], area="Paris", day=DAY), tmp_path)


@pytest.mark.parametrize(
    ("address", "street"),
    [
        ("12 bis rue Oberkampf", "rue Oberkampf"),
        ("12b, rue Oberkampf, 75011 Paris", "rue Oberkampf"),
        ("4 rue A", "rue A"),
        ("place de la République", "place de la République"),
        ("", ""),
    ],
)
def test_street_of_an_address(address: str, street: str) -> None:
    assert street_of(address) == street


def test_places_without_an_address_come_last() -> None:
    groups = by_street([GuideEntry("Sans adresse", "", "Eau", "24 h/24"), *ENTRIES])
    assert [street for street, _ in groups] == ["boulevard de Belleville", "rue Oberkampf", ""]
