"""A new version of the node's ethics charter, shown to the committee as the lines that go and
come.
"""

from __future__ import annotations

import difflib
from typing import ClassVar, Literal

from node.services.charter_text import charter_in_force
from node.services.committee.changes.payload import BaseChange, Description, Rows
from node.services.committee.rules import Gate


def _changed_lines(before: str, after: str) -> str:
    """The lines that go (``-``) and come (``+``), for the committee to read the change."""
    lines = difflib.ndiff(before.splitlines(), after.splitlines())
    return "\n".join(line for line in lines if line[:2] in ("- ", "+ ")) or "—"


class ChangeCharter(BaseChange):
    """A new version of the node's ethics charter; members accept it again on their next visit."""

    kind: Literal["charter.change"] = "charter.change"
    gate: ClassVar[Gate] = Gate.CHARTER
    text_fr: str
    text_en: str

    @property
    def subject(self) -> str:
        return "charter"

    def describe(self) -> Description:
        return Description(
            "Nouvelle version de la charte",
            "A new version of the charter",
            "La charte du nœud changerait. Chaque membre devrait l'accepter de nouveau.",
            "The node's charter would change. Every member would accept it again.",
        )

    async def current(self) -> Rows:
        charter = await charter_in_force()
        return {
            "version": str(charter.version),
            "text_fr": charter.text_fr,
            "text_en": charter.text_en,
        }

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        after = {
            "version": str(int(current["version"]) + 1),
            "text_fr": self.text_fr,
            "text_en": self.text_en,
            "changed_fr": _changed_lines(current["text_fr"], self.text_fr),
            "changed_en": _changed_lines(current["text_en"], self.text_en),
        }
        return current, after
