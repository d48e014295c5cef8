"""A new list of the node's house rules (added, reworded, removed or reordered), shown to the
committee as the numbered rules before and after."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from node.models import HouseRule
from node.services.committee.changes.payload import BaseChange, Description, Rows
from node.services.committee.rules import Gate


class RuleItem(BaseModel):
    """One rule of the new list: ``id`` of the rule it keeps (reworded or moved), None for a
    new one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: int | None = None
    text_fr: str
    text_en: str


def _row(text_fr: str, text_en: str) -> str:
    return f"{text_fr} / {text_en}"


_SAID = {
    "add": (
        "Règles de vie : une règle de plus",
        "House rules: one more rule",
        "Une règle s'ajouterait à la liste.",
        "A rule would be added to the list.",
    ),
    "edit": (
        "Règles de vie : une règle reformulée",
        "House rules: a rule reworded",
        "Une règle changerait de mots.",
        "A rule would be worded differently.",
    ),
    "remove": (
        "Règles de vie : une règle en moins",
        "House rules: one rule less",
        "Une règle quitterait la liste.",
        "A rule would leave the list.",
    ),
    "reorder": (
        "Règles de vie : un nouvel ordre",
        "House rules: a new order",
        "Les règles changeraient d'ordre.",
        "The rules would change order.",
    ),
}


class ChangeHouseRules(BaseChange):
    """The house rules in force become ``rules``, in this order; a rule left out is removed."""

    kind: Literal["moderation.rules"] = "moderation.rules"
    gate: ClassVar[Gate] = Gate.MODERATION
    rules: list[RuleItem]
    what: Literal["add", "edit", "remove", "reorder"]

    @property
    def subject(self) -> str:
        return "house_rules"

    def describe(self) -> Description:
        title_fr, title_en, fr, en = _SAID[self.what]
        return Description(
            title_fr,
            title_en,
            f"{fr} La modération appliquerait la nouvelle liste.",
            f"{en} The moderators would apply the new list.",
        )

    async def current(self) -> Rows:
        rows = await HouseRule.filter(removed_at=None).order_by("position", "id")
        return {str(n): _row(r.text_fr, r.text_en) for n, r in enumerate(rows, start=1)}

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        after = {str(n): _row(r.text_fr, r.text_en) for n, r in enumerate(self.rules, start=1)}
        return current, after or {"—": "—"}
