"""The house rules: the six a node starts with, how admins change them (add, reword, remove,
reorder) and how the street committee decides on every change once it sits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from node.errors import Problem
from node.http_state import EntraideApp
from node.models import Committee, HouseRule, Member
from node.services import house_rules
from node.services.committee.changes import ChangeHouseRules, RuleItem
from node.services.committee.gates import Proposed
from tests.node.committee_support import reach_deadline, seat, votes
from tests.node.fed_support import member


async def _texts(app: EntraideApp) -> list[str]:
    with app.node.db.activate():
        return [r.text_fr for r in await house_rules.rules_in_force()]


async def _refused(app: EntraideApp, status: int, act: Callable[[], Awaitable[Any]]) -> Problem:
    with app.node.db.activate(), pytest.raises(Problem) as caught:
        await act()
    assert caught.value.status == status, caught.value.detail
    return caught.value


async def test_a_node_starts_with_six_rules_in_french_and_english(app: EntraideApp) -> None:
    with app.node.db.activate():
        rules = await house_rules.rules_in_force()
        rows = await HouseRule.all()
    assert [r.number for r in rules] == [1, 2, 3, 4, 5, 6]
    assert rules[0].text("fr") == "Pas d'insultes ni de menaces."
    assert rules[0].text("en") == "No insults or threats."
    assert "où quelqu'un dort" in rules[1].text_fr
    # Seeded by the migration with the database's clock, read back as an aware datetime.
    assert all(r.created_at.tzinfo is not None and r.updated_at.tzinfo is not None for r in rows)


async def test_an_admin_adds_rewords_removes_and_reorders(app: EntraideApp) -> None:
    admin, _ = await member(app, "Admin", admin=True)
    node = app.node
    with node.db.activate():
        rules = await house_rules.add(node, "  Pas de   drogue. ", "No drugs.", by=admin)
        assert rules[-1].number == 7 and rules[-1].text_fr == "Pas de drogue."
        rules = await house_rules.add(node, "On se tutoie.", "We use first names.", position=1)
        assert rules[0].text_en == "We use first names." and len(rules) == 8
        insults = rules[1].id
        rules = await house_rules.edit(node, 2, "Ni insulte, ni menace.", "No insult, no threat.")
        assert rules[1].id == insults and rules[1].text_fr == "Ni insulte, ni menace."
        rules = await house_rules.remove(node, 1, by=admin)
        assert rules[0].text_fr == "Ni insulte, ni menace." and len(rules) == 7
        rules = await house_rules.reorder(node, [2, 1, 3, 4, 5, 6, 7], by=admin)
        assert rules[1].id == insults
        rules = await house_rules.move(node, 2, 7, by=admin)
        assert rules[6].id == insults and [r.number for r in rules] == [1, 2, 3, 4, 5, 6, 7]
        # The removed rule keeps its words for the reports that cited it.
        gone = await HouseRule.get(text_en="We use first names.")
        assert gone.removed_at is not None
        cited = await house_rules.citation(gone.id)
        assert cited is not None and cited.number is None
        assert cited.line("fr") == "Règle retirée : On se tutoie."
        kept = await house_rules.citation(insults)
        assert kept is not None and kept.line("en") == "Rule 7: No insult, no threat."


async def test_what_is_refused(app: EntraideApp) -> None:
    resident, _ = await member(app, "Léa")
    node = app.node
    before = await _texts(app)

    async def as_resident() -> Any:
        return await house_rules.add(node, "Une règle.", "A rule.", by=resident)

    await _refused(app, 403, as_resident)
    await _refused(app, 404, lambda: house_rules.edit(node, 9, "Une règle.", "A rule."))
    await _refused(app, 404, lambda: house_rules.remove(node, 0))
    await _refused(app, 404, lambda: house_rules.move(node, 7, 1))
    twin = await _refused(
        app, 409, lambda: house_rules.add(node, "PAS D'INSULTES NI DE MENACES.", "Other words.")
    )
    assert twin.detail == "Another rule says this already."
    await _refused(app, 409, lambda: house_rules.edit(node, 2, "Autre.", "no insults or threats."))
    empty = await _refused(app, 422, lambda: house_rules.add(node, " \n ", "A rule."))
    assert empty.errors[0]["field"] == "text_fr"
    long = await _refused(app, 422, lambda: house_rules.add(node, "Une règle.", "x" * 301))
    assert long.errors[0]["field"] == "text_en"
    await _refused(app, 422, lambda: house_rules.add(node, "Une.", "One.", position=8))
    with app.node.db.activate():
        first = (await house_rules.rules_in_force())[0]
    await _refused(app, 422, lambda: house_rules.edit(node, 1, first.text_fr, first.text_en))
    await _refused(app, 422, lambda: house_rules.reorder(node, [1, 2, 3, 4, 5, 6]))
    await _refused(app, 422, lambda: house_rules.reorder(node, [2, 1, 3, 4, 5]))
    await _refused(app, 422, lambda: house_rules.reorder(node, [2, 2, 3, 4, 5, 6]))
    await _refused(app, 422, lambda: house_rules.move(node, 1, 7))
    assert await _texts(app) == before


async def test_a_list_made_before_a_rule_was_removed_is_refused(app: EntraideApp) -> None:
    node = app.node
    with node.db.activate():
        rules = await house_rules.rules_in_force()
        stale = ChangeHouseRules(
            rules=[RuleItem(id=r.id, text_fr=r.text_fr, text_en=r.text_en) for r in rules[::-1]],
            what="reorder",
        )
        await house_rules.remove(node, 6)
    await _refused(app, 409, lambda: house_rules.apply(node, stale))
    assert len(await _texts(app)) == 5


async def _proposed(app: EntraideApp, act: Callable[[], Awaitable[Any]]) -> Proposed:
    with app.node.db.activate(), pytest.raises(Proposed) as caught:
        await act()
    return caught.value


async def test_with_the_committee_a_change_is_a_proposal(app: EntraideApp) -> None:
    people = await seat(app, 2, quorum=2)
    admin, _ = await member(app, "Admin", admin=True)
    node = app.node
    before = await _texts(app)
    opened = await _proposed(
        app, lambda: house_rules.add(node, "Pas de drogue.", "No drugs.", by=admin)
    )
    proposal = opened.proposal
    assert proposal.gate == "moderation" and proposal.title == "Règles de vie : une règle de plus"
    assert await _texts(app) == before  # nothing changed yet
    # Asking again gives the same proposal; another change meanwhile waits for the vote.
    again = await _proposed(
        app, lambda: house_rules.add(node, "Pas de drogue.", "No drugs.", by=admin)
    )
    assert again.proposal.id == proposal.id
    await _refused(app, 409, lambda: house_rules.remove(node, 1, by=admin))
    await votes(app, str(proposal.id), people, "for", "for")
    assert await reach_deadline(app) == 1
    assert await _texts(app) == [*before, "Pas de drogue."]
    # Carried out once: closing again adds nothing.
    assert await reach_deadline(app) == 0
    with node.db.activate():
        assert await HouseRule.filter(text_en="No drugs.").count() == 1


async def test_a_refused_change_leaves_the_rules(app: EntraideApp) -> None:
    people = await seat(app, 2, quorum=2)
    node = app.node
    before = await _texts(app)
    opened = await _proposed(app, lambda: house_rules.remove(node, 2))
    await votes(app, str(opened.proposal.id), people, "against", "for")
    assert await reach_deadline(app) == 1
    assert await _texts(app) == before


async def test_a_committee_without_the_gate_lets_the_admin_decide(app: EntraideApp) -> None:
    await seat(app, 2, quorum=2)
    admin: Member = (await member(app, "Admin", admin=True))[0]
    with app.node.db.activate():
        committee = await Committee.get(id=1)
        committee.gates = "partnerships,charter"
        await committee.save()
        rules = await house_rules.remove(app.node, 1, by=admin)
    assert len(rules) == 5
