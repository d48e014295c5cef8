"""French elision and contraction before names: "d'Entraide", "d'Armée du Salut", "du Secours
populaire", "des Restos du Cœur"; the catalog never writes a bare "de %(name)s"."""

from __future__ import annotations

import html
import re

import pytest
from babel.messages.pofile import read_po

from node.http_state import EntraideApp
from node.models import Association, AssociationStatus
from node.web.elision import a, de, elides, with_elisions
from node.web.i18n import catalog_path
from tests.conftest import MemberFactory, NodeFactory
from tests.web.conftest import csrf_of, log_in

# Placeholders that hold numbers, not names: "de %(num)d personnes" is right.
# Numbers, and dates ("le %(when)s": "le 3 décembre"), take no elision.
NUMBERS = {"num", "count", "minutes", "hours", "days", "distance", "size", "limit", "max", "when"}
# A preposition or article before a name placeholder that is not one of the elided forms.
BARE = re.compile(r"\b(?:de|le|la|du|des)\s+%\((?!de_|a_)(\w+)\)s", re.IGNORECASE)
HARD_CODED = re.compile(r"\b[dlDL]['’]%\((\w+)\)s")  # "d'%(name)s" is wrong before "Paris"


@pytest.mark.parametrize(
    ("name", "with_de", "with_a"),
    [
        ("Entraide", "d'Entraide", "à Entraide"),
        ("Armée du Salut", "d'Armée du Salut", "à Armée du Salut"),
        ("Emmaüs Solidarité", "d'Emmaüs Solidarité", "à Emmaüs Solidarité"),
        ("ATD Quart Monde", "d'ATD Quart Monde", "à ATD Quart Monde"),
        ("Habitat et Humanisme", "d'Habitat et Humanisme", "à Habitat et Humanisme"),
        ("Halte de nuit", "de Halte de nuit", "à Halte de nuit"),
        ("Paris", "de Paris", "à Paris"),
        ("Le Secours populaire", "du Secours populaire", "au Secours populaire"),
        ("Les Restos du Cœur", "des Restos du Cœur", "aux Restos du Cœur"),
        ("La Croix-Rouge", "de la Croix-Rouge", "à La Croix-Rouge"),
        ("Œuvre d'Orient", "d'Œuvre d'Orient", "à Œuvre d'Orient"),
    ],
)
def test_de_and_a_before_names(name: str, with_de: str, with_a: str) -> None:
    assert de(name) == with_de
    assert a(name) == with_a


def test_elided_variables_are_added_for_strings_only() -> None:
    assert with_elisions({"name": "Entraide", "num": 3}) == {
        "name": "Entraide",
        "num": 3,
        "de_name": "d'Entraide",
        "a_name": "à Entraide",
    }
    assert not elides("") and elides("île") and not elides("Hockey club")


def test_the_french_catalog_uses_the_elided_forms_before_names() -> None:
    with catalog_path("fr").open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    wrong = []
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            for match in (*BARE.finditer(text or ""), *HARD_CODED.finditer(text or "")):
                if match.group(1) not in NUMBERS:
                    wrong.append(text)
    assert wrong == [], "write %(de_x)s (d'…, du …, des …) instead of de %(x)s"
    # The check itself finds what it must.
    assert BARE.search("Autour du centre de %(name)s.")
    assert HARD_CODED.search("La demande d'%(name)s")
    assert not BARE.search("Autour du centre %(de_name)s.")


@pytest.mark.parametrize(
    ("language", "sentence"),
    [("fr", "Autour du centre d'Entraide."), ("en", "Around the centre of Entraide.")],
)
async def test_the_home_page_names_the_node_with_the_right_article(
    node_factory: NodeFactory, language: str, sentence: str
) -> None:
    node = await node_factory("entraide", node_name="Entraide")
    body = html.unescape(
        await (await node.test_client().get(f"/?lang={language}")).get_data(as_text=True)
    )
    assert sentence in body


async def test_a_refused_association_request_reads_well(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    client = await log_in(app, make_member, admin=True)
    with app.node.db.activate():
        association = await Association.create(
            name="Armée du Salut", slug="armee-du-salut", status=AssociationStatus.PENDING
        )
    token = await csrf_of(client, "/admin")
    response = await client.post(
        f"/admin/associations/{association.id}/reject", form={"csrf_token": token}
    )
    assert response.status_code == 303
    body = html.unescape(
        await (await client.get(response.headers["Location"] + "?lang=fr")).get_data(as_text=True)
    )
    assert "La demande d'Armée du Salut est refusée." in body
