"""The catalogs: every message id of the pages has its French text; English is the id itself."""

from __future__ import annotations

from babel.messages.pofile import read_po

from node.services.privacy_check import PersonalDataKind, find_personal_data
from node.web.i18n import catalog_path, translations
from node.web.i18n.extract import extract


def test_french_catalog_is_complete_and_up_to_date() -> None:
    with catalog_path("fr").open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    untranslated = [
        m.id
        for m in catalog
        if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))
    ]
    assert untranslated == []
    used = {m.id if isinstance(m.id, str) else m.id[0] for m in extract() if m.id}
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    missing = used - known
    assert missing == set(), "run: .venv/bin/python -m node.web.i18n.extract, then translate"


def test_english_is_complete_by_construction_and_french_differs() -> None:
    assert translations("en").gettext("Near me") == "Near me"
    assert translations("fr").gettext("Near me") == "Près de moi"
    assert (
        translations("fr").ngettext("Wrong code; %(num)d attempt left.", "x", 3).endswith("essais.")
    )


def test_privacy_check_finds_addresses_phones_and_emails() -> None:
    found = find_personal_data(
        "RDV au 12 rue de la Paix, 3bis bd Voltaire, 06 12 34 56 78 ou lea@example.org"
    )
    kinds = [item.kind for item in found]
    assert kinds.count(PersonalDataKind.ADDRESS) == 2
    assert PersonalDataKind.PHONE in kinds and PersonalDataKind.EMAIL in kinds
    assert find_personal_data("Chaussures pointure 43, 2 places de cinéma") == []
    assert find_personal_data("Rendez-vous place de la République à 18 h") == []
