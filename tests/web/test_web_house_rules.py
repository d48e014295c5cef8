"""The house rules pages: anyone reads « Règles de vie » (linked from every page, the sign-up
page and the report form); admins change them there, through the street committee once it
sits; reporters and moderators pick a rule, and the member warned and the reporter read it."""

from __future__ import annotations

import html
from typing import Any

from node.http_state import EntraideApp
from node.models import CommitteeProposal, ModerationEntry, Notification, Report
from node.services import house_rules
from node.services.notification_kinds import KINDS
from tests.conftest import MemberFactory
from tests.factories import post_action
from tests.node.committee_support import seat
from tests.web.conftest import csrf_of, log_in

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}
EN = {"Accept-Language": "en"}


async def _text(response: Any) -> str:
    return html.unescape(str(await response.get_data(as_text=True)))


async def _post(client: Any, path: str, form: dict[str, str], page: str = "/rules") -> Any:
    token = await csrf_of(client, page)
    return await client.post(path, form={"csrf_token": token, **form}, headers=FR)


async def _rules(app: EntraideApp) -> list[str]:
    with app.node.db.activate():
        return [r.text_fr for r in await house_rules.rules_in_force()]


async def test_anyone_reads_the_rules_and_finds_them(app: EntraideApp) -> None:
    client = app.test_client()
    page = await _text(await client.get("/rules", headers=FR))
    assert "<h1>Règles de vie</h1>" in page
    assert '<li id="rule-1" lang="fr">Pas d\'insultes ni de menaces.</li>' in page
    assert "Changer les règles" not in page  # no admin forms for visitors
    english = await _text(await client.get("/rules", headers=EN))
    assert "<h1>House rules</h1>" in english and "No insults or threats." in english
    for path in ("/", "/signup", "/charter"):
        assert 'href="/rules"' in await _text(await client.get(path, headers=FR)), path


async def test_an_admin_changes_the_rules_on_the_page(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    admin = await log_in(app, make_member, admin=True)
    page = await _text(await admin.get("/rules", headers=FR))
    assert "Changer les règles" in page and "Ajouter cette règle" in page
    added = await _post(
        admin, "/rules/add", {"text_fr": "Pas de drogue.", "text_en": "No drugs.", "position": "1"}
    )
    assert added.status_code == 303
    assert "La règle est ajoutée." in await _text(await admin.get("/rules", headers=FR))
    assert (await _rules(app))[0] == "Pas de drogue."
    edited = await _post(
        admin, "/rules/1/edit", {"text_fr": "Pas de drogue ici.", "text_en": "No drugs here."}
    )
    assert edited.status_code == 303 and (await _rules(app))[0] == "Pas de drogue ici."
    assert (await _post(admin, "/rules/1/move", {"to": "2"})).status_code == 303
    assert (await _rules(app))[1] == "Pas de drogue ici."
    assert (await _post(admin, "/rules/2/remove", {})).status_code == 303
    assert "Pas de drogue ici." not in await _rules(app) and len(await _rules(app)) == 6


async def test_what_the_rules_forms_refuse(app: EntraideApp, make_member: MemberFactory) -> None:
    admin = await log_in(app, make_member, admin=True)
    resident = await log_in(app, make_member)
    before = await _rules(app)
    drugs = {"text_fr": "Pas de drogue.", "text_en": "No drugs."}
    assert (await _post(resident, "/rules/add", drugs)).status_code == 403
    assert (await _post(resident, "/rules/1/remove", {})).status_code == 403
    no_token = await admin.post("/rules/add", form=drugs)
    assert no_token.status_code == 403
    empty = await _post(admin, "/rules/add", {**drugs, "text_fr": "  "})
    assert empty.status_code == 422 and "Écrivez la règle." in await _text(empty)
    long = await _post(admin, "/rules/add", {**drugs, "text_en": "x" * 400})
    assert long.status_code == 422 and "300 caractères au plus." in await _text(long)
    where = await _post(admin, "/rules/add", {**drugs, "position": "neuf"})
    assert where.status_code == 422 and "Cette place n'existe pas" in await _text(where)
    twin = await _post(admin, "/rules/add", {**drugs, "text_fr": "pas d'insultes ni de menaces."})
    assert twin.status_code == 409 and "Une autre règle dit déjà cela." in await _text(twin)
    same = {"text_fr": before[0], "text_en": "No insults or threats."}
    unchanged = await _post(admin, "/rules/1/edit", same)
    assert unchanged.status_code == 422
    assert "C'est déjà ce que dit la règle." in await _text(unchanged)
    assert (await _post(admin, "/rules/9/edit", drugs)).status_code == 404
    assert (await _post(admin, "/rules/9/remove", {})).status_code == 404
    assert (await _post(admin, "/rules/1/move", {"to": "0"})).status_code == 422
    assert await _rules(app) == before


async def test_with_the_committee_each_form_sends_a_proposal(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    admin = await log_in(app, make_member, admin=True)
    await seat(app, 1, quorum=1)
    before = await _rules(app)
    sent = await _post(admin, "/rules/add", {"text_fr": "Pas de drogue.", "text_en": "No drugs."})
    assert sent.status_code == 303 and sent.headers["Location"].startswith("/committee/proposals/")
    page = await _text(await admin.get(sent.headers["Location"], headers=FR))
    assert "Ce changement doit passer par le comité de la rue" in page
    assert "Règles de vie : une règle de plus" in page
    with app.node.db.activate():
        proposal = await CommitteeProposal.get(kind="moderation.rules")
        proposal.state = "refused"  # type: ignore[assignment]
        proposal.open_subject = None
        await proposal.save()
    for path, form in (
        ("/rules/2/edit", {"text_fr": "Autre.", "text_en": "Other."}),
        ("/rules/2/move", {"to": "1"}),
        ("/rules/2/remove", {}),
    ):
        answer = await _post(admin, path, form)
        assert answer.headers["Location"].startswith("/committee/proposals/"), path
        with app.node.db.activate():
            opened = await CommitteeProposal.filter(open_subject__not_isnull=True).get()
            opened.open_subject = None
            await opened.save()
    assert await _rules(app) == before


async def test_reporter_and_moderator_pick_a_rule(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    moderator = await log_in(app, make_member, pseudonym="Modé")
    with app.node.db.activate():
        moderator.member.is_moderator = True
        await moderator.member.save(update_fields=["is_moderator"])
    author, author_h = await make_member(pseudonym="Vendeur")
    action = await post_action(app.test_client(), author_h, title="Je vends des tickets")
    reporter = await log_in(app, make_member, pseudonym="Léa")
    target = f"action:{action['id']}"
    page = f"/report?target={target}"
    form_page = await _text(await reporter.get(page, headers=FR))
    assert "Quelle règle de vie n'a pas été respectée ? (facultatif)" in form_page
    assert '<option value="3">3. Pas de vente ni d\'arnaque.' in form_page
    assert 'href="/rules"' in form_page
    report_form = {"target": target, "category": "fraud"}
    bad = await _post(reporter, "/report", {**report_form, "rule": "8"}, page)
    assert bad.status_code == 422 and "Aucune règle n'a ce numéro." in await _text(bad)
    assert 'value="fraud" required checked' in await _text(bad)  # the choice is kept
    sent = await _post(reporter, "/report", {**report_form, "rule": "3"}, page)
    assert sent.status_code == 303
    with app.node.db.activate():
        report = await Report.get(target_id=action["id"])
    # The moderator sees the rule cited, and cites one in the forms.
    report_page = f"/moderation/reports/{report.id}"
    seen = await _text(await moderator.get(report_page, headers=FR))
    assert "La personne qui signale cite : Règle 3 : Pas de vente ni d'arnaque." in seen
    assert seen.count("La règle de vie non respectée (facultatif)") == 3
    act = f"/moderation/reports/{report.id}/act"
    wrong = await _post(
        moderator, act, {"verb": "warn", "reason": "Vente", "rule": "x"}, report_page
    )
    assert wrong.status_code == 422 and "Aucune règle n'a ce numéro." in await _text(wrong)
    warn = {"verb": "warn", "reason": "Pas de vente ici", "rule": "3"}
    assert (await _post(moderator, act, warn, report_page)).status_code == 303
    close = {"verb": "resolve", "reason": "Averti", "outcome": "Nous avons agi.", "rule": "3"}
    assert (await _post(moderator, act, close, report_page)).status_code == 303
    history = await _text(await moderator.get(report_page, headers=FR))
    assert history.count("Règle 3 : Pas de vente ni d'arnaque.") == 3  # cited, warned, closed
    with app.node.db.activate():
        cited = ModerationEntry.filter(report_id=report.id, rule_id__not_isnull=True)
        assert await cited.count() == 2
        notice = await Notification.get(member_id=author.id, kind="moderation_notice")
        outcome = await Notification.get(member_id=reporter.member.id, kind="report_outcome")
    # The person warned reads the rule; so does the reporter, in their language.
    assert KINDS["moderation_notice"].text("fr", notice.payload) == (
        "Message de la modération : Pas de vente ici — "
        "Règle 3 : Pas de vente ni d'arnaque. L'entraide est gratuite."
    )
    assert KINDS["report_outcome"].text("en", outcome.payload) == (
        "Your report was handled: Nous avons agi. — Rule 3: No selling and no scams. Help is free."
    )
    mine = await _text(await reporter.get("/me/reports", headers=FR))
    assert "Vous avez cité : Règle 3 : Pas de vente ni d'arnaque." in mine
    assert "La modération a appliqué : Règle 3 : Pas de vente ni d'arnaque." in mine
