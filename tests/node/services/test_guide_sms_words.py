"""What a guide SMS asks, and an answer that fits one SMS of the GSM 7-bit alphabet."""

from __future__ import annotations

from datetime import time

import pytest

from node.services.guide_data.sms_text import NearbyPlace, answer, septets, to_gsm7
from node.services.guide_data.words import parse_sms


@pytest.mark.parametrize(
    ("text", "category", "postcode", "where", "language"),
    [
        ("Douche Gare du Nord", "shower", "", "gare du nord", "fr"),
        ("DOUCHE", "shower", "", "", "fr"),
        ("manger 75011", "food", "75011", "", "fr"),
        ("Je cherche à dormir près de République", "shelter", "", "republique", "fr"),
        ("ou dormir ce soir 75010", "shelter", "75010", "", "fr"),
        ("soins, Barbès", "health", "", "barbes", "fr"),
        ("Où trouver de l'eau ?", "water", "", "", "fr"),
        ("dentiste 93200", "dental", "93200", "", "fr"),
        ("bagagerie", "luggage", "", "", "fr"),
        ("accueil de jour belleville", "day_centre", "", "belleville", "fr"),
        ("where can I eat near Gare de Lyon", "food", "", "gare de lyon", "en"),
        ("Shower 75018", "shower", "75018", "", "en"),
        ("toilets", "toilets", "", "", "en"),
        ("bonjour", None, "", "", "fr"),
        ("velo gare du nord", None, "", "velo gare du nord", "fr"),
    ],
)
def test_words_of_an_sms(
    text: str, category: str | None, postcode: str, where: str, language: str
) -> None:
    question = parse_sms(text)
    assert (question.category, question.postcode, question.where, question.language) == (
        category,
        postcode,
        where,
        language,
    )


@pytest.mark.parametrize("text", ["aide", "AIDE", "?", "help", "  "])
def test_help_is_understood(text: str) -> None:
    assert parse_sms(text).wants_help


def test_text_outside_the_gsm_alphabet_loses_accents_not_letters() -> None:
    assert to_gsm7("Être à l’abri, cœur, 12 €") == "Etre à l'abri, coeur, 12 €"
    assert septets("12 €") == 5  # the euro sign is in the extension table


def test_three_places_with_long_names_fit_one_sms() -> None:
    places = [
        NearbyPlace(
            "Espace solidarité insertion de la Halle Saint-Didier et des environs",
            "123 boulevard de la Chapelle prolongée",
            0.42 + n,
            time(17, 30),
        )
        for n in range(3)
    ]
    text = answer("shower", "Gare du Nord", places)
    assert septets(text) <= 160
    assert text.startswith("Douche ouvert maintenant:")
    assert "1 Espace" in text and "2 Espace" in text and "3 Espace" in text
    assert "400 m" in text and "ferme 17h30" in text


def test_short_answers_keep_addresses_and_english_hours() -> None:
    places = [NearbyPlace("Halte", "12 rue Oberkampf", 1.25, time(19, 0))]
    assert (
        answer("food", "75011", places, "en")
        == "Food open now:\n1 Halte, 12 rue Oberkampf, 1.2 km, closes 19:00"
    )


def test_nothing_open_says_so_and_gives_the_emergency_number() -> None:
    assert (
        answer("shelter", "75011", [])
        == "Dormir: aucun lieu ouvert maintenant près de 75011. Urgence: 115"
    )
