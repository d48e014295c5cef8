"""The node's house rules: a short numbered list (French and English) that members read at
sign-up and next to the report form, that reporters and moderators cite by number.

Every change (adding, rewording, removing or reordering a rule) makes a new list; while the
street committee decides on the gate ``moderation`` that list is a proposal, carried out once
approved through :func:`apply`. A removed rule keeps its row: reports and decisions that cited
it still show its words, marked as no longer in force.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from node import clock
from node.errors import Conflict, Forbidden, NotFound, Unprocessable
from node.models import Decision, HouseRule, Member, ModerationEntry
from node.services.committee import gates
from node.services.committee.changes import ChangeHouseRules, RuleItem
from node.state import NodeState

TEXT_MAX = 300  # the messages below say these numbers
RULES_MAX = 30
NO_SUCH_RULE = "No house rule has this number."
NO_SUCH_PLACE = "There is no such place in the list."
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Rule:
    number: int
    id: int
    text_fr: str
    text_en: str

    def text(self, language: str) -> str:
        return self.text_fr if language == "fr" else self.text_en


@dataclass(frozen=True, slots=True)
class Citation:
    """A cited rule as people read it: its number today (None once removed) and its words."""

    number: int | None
    text_fr: str
    text_en: str

    def text(self, language: str) -> str:
        return self.text_fr if language == "fr" else self.text_en

    def line(self, language: str) -> str:
        """« Règle 2 : … » / "Rule 2: …" ("Règle retirée", "Former rule" once removed)."""
        if language == "fr":
            label = f"Règle {self.number}" if self.number else "Règle retirée"
            return f"{label} : {self.text_fr}"
        label = f"Rule {self.number}" if self.number else "Former rule"
        return f"{label}: {self.text_en}"


async def rules_in_force() -> list[Rule]:
    rows = await HouseRule.filter(removed_at=None).order_by("position", "id")
    return [Rule(n, r.id, r.text_fr, r.text_en) for n, r in enumerate(rows, start=1)]


async def rule_by_number(number: int) -> Rule:
    """The rule numbered ``number`` today; 404 when there is none."""
    for rule in await rules_in_force():
        if rule.number == number:
            return rule
    raise NotFound(NO_SUCH_RULE)


async def cited(number: int | None, field: str = "rule") -> HouseRule | None:
    """The rule a reporter or a moderator cites by its number; 422 for a number that names no
    rule in force (None: no rule cited)."""
    if number is None:
        return None
    for rule in await rules_in_force():
        if rule.number == number:
            return await HouseRule.get(id=rule.id)
    raise Unprocessable.field(field, NO_SUCH_RULE)


async def citation(rule_id: int | None) -> Citation | None:
    if rule_id is None:
        return None
    row = await HouseRule.get_or_none(id=rule_id)
    if row is None:
        return None
    number = None
    if row.removed_at is None:
        number = next((r.number for r in await rules_in_force() if r.id == row.id), None)
    return Citation(number, row.text_fr, row.text_en)


async def cited_by_moderators(report_id: int) -> Citation | None:
    """The rule the moderators cited last about a report (what its reporter is told)."""
    entry = (
        await ModerationEntry.filter(report_id=report_id, rule_id__not_isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )
    return None if entry is None else await citation(entry.rule_id)  # type: ignore[attr-defined]


def _clean(field: str, value: str) -> str:
    text = _SPACES.sub(" ", value).strip()
    if not text:
        raise Unprocessable.field(field, "Write the rule.")
    if len(text) > TEXT_MAX:
        raise Unprocessable.field(field, "At most 300 characters.")
    return text


def _require_admin(by: Member | None) -> None:
    """Node admins change the rules (``by`` None: the operator, from the command line)."""
    if by is not None and not by.is_admin:
        raise Forbidden("Only the node's administrators change the house rules.")


def _items(rules: list[Rule]) -> list[RuleItem]:
    return [RuleItem(id=r.id, text_fr=r.text_fr, text_en=r.text_en) for r in rules]


def _no_twin(rules: list[Rule], text_fr: str, text_en: str, but: int | None = None) -> None:
    for rule in rules:
        if rule.number != but and (
            rule.text_fr.casefold() == text_fr.casefold()
            or rule.text_en.casefold() == text_en.casefold()
        ):
            raise Conflict("Another rule says this already.")


async def add(
    node: NodeState,
    text_fr: str,
    text_en: str,
    *,
    position: int | None = None,
    by: Member | None = None,
) -> list[Rule]:
    """A new rule, last or at ``position``. 409 when a rule says the same already."""
    _require_admin(by)
    text_fr, text_en = _clean("text_fr", text_fr), _clean("text_en", text_en)
    rules = await rules_in_force()
    _no_twin(rules, text_fr, text_en)
    if len(rules) >= RULES_MAX:
        raise Unprocessable.field("text_fr", "At most 30 rules: a short list is read.")
    where = len(rules) + 1 if position is None else position
    if not 1 <= where <= len(rules) + 1:
        raise Unprocessable.field("position", NO_SUCH_PLACE)
    items = _items(rules)
    items.insert(where - 1, RuleItem(text_fr=text_fr, text_en=text_en))
    return await apply(node, ChangeHouseRules(rules=items, what="add"), by=by)


async def edit(
    node: NodeState, number: int, text_fr: str, text_en: str, *, by: Member | None = None
) -> list[Rule]:
    """New words for rule ``number`` (404 unknown; 422 unchanged; 409 another says it)."""
    _require_admin(by)
    rule = await rule_by_number(number)
    text_fr, text_en = _clean("text_fr", text_fr), _clean("text_en", text_en)
    if (text_fr, text_en) == (rule.text_fr, rule.text_en):
        raise Unprocessable.field("text_fr", "This is what the rule says already.")
    rules = await rules_in_force()
    _no_twin(rules, text_fr, text_en, but=number)
    items = _items(rules)
    items[number - 1] = RuleItem(id=rule.id, text_fr=text_fr, text_en=text_en)
    return await apply(node, ChangeHouseRules(rules=items, what="edit"), by=by)


async def remove(node: NodeState, number: int, *, by: Member | None = None) -> list[Rule]:
    _require_admin(by)
    rule = await rule_by_number(number)
    items = [i for i in _items(await rules_in_force()) if i.id != rule.id]
    return await apply(node, ChangeHouseRules(rules=items, what="remove"), by=by)


async def reorder(node: NodeState, order: list[int], *, by: Member | None = None) -> list[Rule]:
    """``order``: every rule's number today, in the new order (422 otherwise or unchanged)."""
    _require_admin(by)
    rules = await rules_in_force()
    if sorted(order) != [r.number for r in rules]:
        raise Unprocessable.field("order", "Give the number of each rule once, in the new order.")
    if order == sorted(order):
        raise Unprocessable.field("order", "This is the order already.")
    items = _items([rules[n - 1] for n in order])
    return await apply(node, ChangeHouseRules(rules=items, what="reorder"), by=by)


async def move(node: NodeState, number: int, to: int, *, by: Member | None = None) -> list[Rule]:
    """Rule ``number`` goes to place ``to`` (the web page's up and down buttons)."""
    _require_admin(by)
    rules = await rules_in_force()
    await rule_by_number(number)
    if not 1 <= to <= len(rules):
        raise Unprocessable.field("position", NO_SUCH_PLACE)
    order = [r.number for r in rules if r.number != number]
    order.insert(to - 1, number)
    return await reorder(node, order, by=by)


async def apply(
    node: NodeState,
    change: ChangeHouseRules,
    *,
    by: Member | None = None,
    decision: Decision | None = None,
) -> list[Rule]:
    """Make ``change.rules`` the rules in force. Gated: while the committee sits this opens a
    proposal (:class:`~node.services.committee.gates.Proposed`); once approved the node calls
    it again with the decision. 409 when a rule the list keeps was removed meanwhile."""
    await gates.require(node, change, by=by, decision=decision)
    now = clock.now()
    async with in_transaction():
        current = {r.id: r for r in await HouseRule.filter(removed_at=None)}
        kept = {item.id for item in change.rules if item.id is not None}
        if not kept <= current.keys():
            raise Conflict("A rule of this list was removed meanwhile.")
        for row in current.values():
            if row.id not in kept:
                row.removed_at = now
                await row.save(update_fields=["removed_at"])
        for position, item in enumerate(change.rules, start=1):
            if item.id is None:
                await HouseRule.create(
                    position=position,
                    text_fr=item.text_fr,
                    text_en=item.text_en,
                    created_at=now,
                    updated_at=now,
                )
                continue
            row = current[item.id]
            row.position, row.text_fr, row.text_en = position, item.text_fr, item.text_en
            row.updated_at = now
            await row.save(update_fields=["position", "text_fr", "text_en", "updated_at"])
    return await rules_in_force()
