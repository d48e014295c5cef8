"""French grammar around names put into sentences: "Autour du centre d'Entraide", "la demande
d'Armée du Salut", "des Restos du Cœur", "du Secours populaire".

A French message never writes ``de %(name)s``: before a vowel or a mute h, *de* elides to *d'*,
and before the article of a name (*Le*, *Les*) it contracts to *du*, *des*. Every string variable
``x`` of a message therefore also exists as ``de_x``, the name with the right *de* in front (and
``a_x`` with *à*, *au*, *aux*), and the French catalog uses those (a test checks it). English
messages keep ``of %(x)s``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

# Words whose h is aspirated: no elision ("de Halte", not "d'Halte"). A name starting with any
# other h elides ("d'Habitat et Humanisme", "d'Hôtel de Ville").
ASPIRATED_H = (
    "hache", "haie", "halle", "halte", "hameau", "hangar", "harpe", "hasard", "haut", "hall",
    "héros", "hibou", "hockey", "honte", "hors", "huit", "hutte",
)  # fmt: skip
_VOWELS = "aeiouy"
# (article of the name, what "de" + article becomes, what "à" + article becomes)
_ARTICLES = (("les ", "des ", "aux "), ("le ", "du ", "au "))


def _bare(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def elides(name: str) -> bool:
    """Whether *de*, *le* or *la* elide before ``name`` (a vowel, or a mute h)."""
    bare = _bare(name.lstrip())
    if not bare:
        return False
    if bare[0] in _VOWELS or bare.startswith("œ"):
        return True
    return bare[0] == "h" and not bare.startswith(ASPIRATED_H)


def _contracted(name: str, index: int) -> str | None:
    lowered = name.casefold()
    for article, *contractions in _ARTICLES:
        if lowered.startswith(article):
            return contractions[index] + name[len(article) :]
    return None


def de(name: str) -> str:
    """*de* + ``name``: "d'Entraide", "du Secours populaire", "des Restos du Cœur", "de Paris"."""
    contracted = _contracted(name, 0)
    if contracted is not None:
        return contracted
    if name.casefold().startswith(("la ", "l'", "l’")):
        return f"de {name[0].lower()}{name[1:]}"
    return f"d'{name}" if elides(name) else f"de {name}"


def a(name: str) -> str:
    """*à* + ``name``: "à Emmaüs", "au Secours populaire", "aux Restos du Cœur"."""
    contracted = _contracted(name, 1)
    return contracted if contracted is not None else f"à {name}"


def with_elisions(variables: Mapping[str, Any]) -> dict[str, Any]:
    """``variables`` plus ``de_x`` and ``a_x`` for each string ``x``."""
    extended = dict(variables)
    for key, value in variables.items():
        if isinstance(value, str) and value:
            extended.setdefault(f"de_{key}", de(value))
            extended.setdefault(f"a_{key}", a(value))
    return extended
