"""The ethics charter a new node ships with (French, English), and reading the one in force.

Short, plain sentences: many members read little, some read French as a second language. The
principles follow the ethics charters of street-solidarity networks such as Entourage's:
respect, no money, no judgement, the privacy of people on the street, safety.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from node.models import CharterVersion

DEFAULT_FR = """\
Charte d'Entraide

1. Je respecte chaque personne. Je suis poli et bienveillant.
2. Je ne juge personne. Chacun a son histoire.
3. Je ne demande pas d'argent. Je n'en propose pas. L'entraide est gratuite.
4. Je protège la vie privée des personnes à la rue. Je ne publie ni leur photo, ni leur nom, \
ni l'endroit où elles dorment sans leur accord.
5. Je pense à la sécurité. Je donne rendez-vous dans un lieu public. En cas de danger, \
j'appelle le 112, le 15, le 17 ou le 115.
6. Je signale ce qui ne va pas. Je ne règle pas les problèmes seul.
"""

DEFAULT_EN = """\
Entraide charter

1. I respect every person. I am polite and kind.
2. I do not judge anyone. Everyone has their own story.
3. I do not ask for money. I do not offer any. Help is free.
4. I protect the privacy of people on the street. I do not post their photo, their name, \
or where they sleep without their consent.
5. I think of safety. I meet people in a public place. In danger, I call 112, 15, 17 or 115.
6. I report what is wrong. I do not sort problems out alone.
"""

MAX_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class Charter:
    version: int
    text_fr: str
    text_en: str
    published_at: datetime | None  # None: the shipped text, never changed

    def text(self, language: str) -> str:
        return self.text_fr if language == "fr" else self.text_en


async def charter_in_force() -> Charter:
    """The highest published version; version 1 is the shipped text until one is published."""
    row = await CharterVersion.all().order_by("-version").first()
    if row is None:
        return Charter(1, DEFAULT_FR, DEFAULT_EN, None)
    return Charter(row.version, row.text_fr, row.text_en, row.created_at)
