"""The round summary mail speaks the node's language: translated words, never codes, and the
start in the node's time zone without seconds."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from node.services.round_summaries import RoundSummary, summary_text


def _summary() -> RoundSummary:
    return RoundSummary(
        round_id=uuid4(),
        association="Armée du Salut",
        area="Gare de l'Est",
        team_name="Équipe B",
        kind="food",
        mode="vehicle",
        status="ended",
        started_at=datetime(2026, 12, 1, 19, 0, tzinfo=UTC),
        ended_at=datetime(2026, 12, 1, 21, 15, tzinfo=UTC),
        auto_closed=True,
        duration_minutes=135,
        encounters=3,
        items={"meal": 2, "hot_drink": 3, "blanket": 0},
    )


@pytest.mark.parametrize(
    ("language", "subject", "lines"),
    [
        (
            "fr",
            "Compte rendu de maraude — Gare de l'Est — mardi 1 déc. 2026 à 20 h",
            [
                "Type : Alimentation, en véhicule",
                "Durée : 135 min (clôturée automatiquement)",
                "  - Repas : 2",
                "  - Boisson chaude : 3",
            ],
        ),
        (
            "en",
            "Round summary — Gare de l'Est — Tuesday, Dec 1, 2026 at 8 PM",
            ["Type: Food, by vehicle", "  - Meal: 2", "  - Hot drink: 3", "Given:"],
        ),
    ],
)
def test_the_summary_mail_in_words(language: str, subject: str, lines: list[str]) -> None:
    title, body = summary_text(_summary(), language=language, timezone="Europe/Paris")
    spaced = body.replace("\u00a0", " ").replace("\u202f", " ")
    assert title.replace("\u00a0", " ").replace("\u202f", " ") == subject
    for line in lines:
        assert line in spaced.splitlines()
    assert re.search(r"\b(meal|hot_drink|food|foot)\b", body) is None  # codes
    assert "Blanket" not in body and "Couverture" not in body  # nothing given: not listed
