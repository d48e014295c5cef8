"""The moderators' pages: the queue (open and closed), a report with its content in context and
every action asking a reason, forwarding, the audit log, the word list, the moderator role on
the admin page — and every refusal (login, role, CSRF, unknown report, bad verb or reason)."""

from __future__ import annotations

import html
from typing import Any

from node import clock
from node.http_state import EntraideApp
from node.models import CommitteeMember, Member, Message, ModerationEntry, Report, ScreenedWord
from tests.conftest import MemberFactory
from tests.factories import post_action
from tests.web.conftest import csrf_of, log_in

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}


async def _text(response: Any) -> str:
    return html.unescape(await response.get_data(as_text=True))


async def _moderator(app: EntraideApp, make_member: MemberFactory) -> Any:
    client = await log_in(app, make_member, pseudonym="Modé")
    with app.node.db.activate():
        await Member.filter(id=client.member.id).update(is_moderator=True)
    return client


async def _report(app: EntraideApp, headers: Any, target: str, category: str = "fraud") -> int:
    body = {"target": target, "category": category, "text": "Ça sent l'arnaque"}
    response = await app.test_client().post("/api/v1/reports", json=body, headers=headers)
    assert response.status_code == 201
    return int((await response.get_json())["id"])


async def test_a_moderator_hides_an_action_and_closes_the_report(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    marc, marc_h = await make_member(pseudonym="Marc")
    _, nadia_h = await make_member(pseudonym="Nadia")
    action = await post_action(app.test_client(), marc_h, title="Vends des papiers")
    fraud = await _report(app, nadia_h, f"action:{action['id']}")
    danger = await _report(app, nadia_h, f"member:{marc.id}", "danger")
    mod = await _moderator(app, make_member)
    home = await _text(await mod.get("/", headers=FR))
    assert 'href="/moderation"' in home and "Modération" in home
    queue = await _text(await mod.get("/moderation", headers=FR))
    assert queue.index(f'data-report="{danger}"') < queue.index(f'data-report="{fraud}"')
    page = f"/moderation/reports/{fraud}"
    body = await _text(await mod.get(page, headers=FR))
    assert "Vends des papiers" in body and "Ça sent l'arnaque" in body and "Marc" in body
    token = await csrf_of(mod, page)
    act = f"{page}/act"
    no_reason = await mod.post(act, form={"csrf_token": token, "verb": "hide"}, headers=FR)
    assert no_reason.status_code == 422
    assert "Dites pourquoi : le journal le garde." in await _text(no_reason)
    bad_verb = await mod.post(act, form={"csrf_token": token, "verb": "x", "reason": "r"})
    assert bad_verb.status_code == 422
    hidden = await mod.post(act, form={"csrf_token": token, "verb": "hide", "reason": "Arnaque"})
    assert hidden.status_code == 303
    assert "masqué" in await _text(await mod.get(page, headers=FR))
    other = await log_in(app, make_member, pseudonym="Autre")
    assert (await other.get(f"/actions/{action['id']}")).status_code == 404
    author = await _text(await mod.get(f"/actions/{action['id']}", headers=FR))
    assert "La modération a masqué cette action" in author
    twice = await mod.post(act, form={"csrf_token": token, "verb": "hide", "reason": "Encore"})
    assert twice.status_code == 422
    form = {"csrf_token": token, "verb": "resolve", "reason": "Masqué", "outcome": ""}
    assert (await mod.post(act, form=form)).status_code == 303
    closed = await mod.post(act, form=form, headers=FR)
    assert closed.status_code == 422
    assert "Ce signalement est déjà clos." in await _text(closed)
    assert f'data-report="{fraud}"' not in await _text(await mod.get("/moderation"))
    assert f'data-report="{fraud}"' in await _text(await mod.get("/moderation?status=closed"))
    restored = await mod.post(act, form={"csrf_token": token, "verb": "restore", "reason": "Ok"})
    assert restored.status_code == 303
    assert (await other.get(f"/actions/{action['id']}")).status_code == 200
    with app.node.db.activate():
        verbs = await ModerationEntry.filter(report_id=fraud).values_list("verb", flat=True)
        assert [str(v) for v in verbs] == ["hide", "resolve", "restore"]


async def test_actions_on_the_person_each_ask_a_reason(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    marc, marc_h = await make_member(pseudonym="Marc")
    _, nadia_h = await make_member(pseudonym="Nadia")
    action = await post_action(app.test_client(), marc_h, title="Sortie")
    with app.node.db.activate():
        await Message.create(action_id=action["id"], author=marc, body="Bonjour")
        message = await Message.create(action_id=action["id"], author=marc, body="Tais-toi")
    report = await _report(app, nadia_h, f"message:{message.id}", "harassment")
    mod = await _moderator(app, make_member)
    page = f"/moderation/reports/{report}"
    body = await _text(await mod.get(page, headers=FR))
    assert "Bonjour" in body and "Tais-toi" in body and "Dans la conversation de « Sortie »" in body
    token = await csrf_of(mod, page)
    act = f"{page}/act"
    for days in ("0", "abc", "400"):
        form = {"csrf_token": token, "verb": "suspend", "days": days, "reason": "Insultes"}
        response = await mod.post(act, form=form, headers=FR)
        assert response.status_code == 422, days
        assert "Entre 1 et 365 jours." in await _text(response)
    for verb in ("warn", "suspend"):
        form = {"csrf_token": token, "verb": verb, "days": "3", "reason": "Insultes"}
        assert (await mod.post(act, form=form)).status_code == 303
    no_reason = await mod.post(act, form={"csrf_token": token, "verb": "ban", "reason": ""})
    assert no_reason.status_code == 422
    with app.node.db.activate():
        marc = await Member.get(id=marc.id)
        assert marc.suspended_until is not None
        assert await ModerationEntry.filter(verb="suspend", report_id=report).exists()
    forward = await mod.post(f"{page}/flag", form={"csrf_token": token, "text": "x"}, headers=FR)
    assert forward.status_code == 422
    assert "ne concerne pas le contenu d'un autre serveur" in await _text(forward)
    hidden = await mod.post(act, form={"csrf_token": token, "verb": "hide", "reason": "Insulte"})
    assert hidden.status_code == 303
    with app.node.db.activate():
        assert (await Message.get(id=message.id)).hidden_at is not None
    dismissed = {"csrf_token": token, "verb": "dismiss", "reason": "Vu", "outcome": "Merci !"}
    assert (await mod.post(act, form=dismissed)).status_code == 303
    with app.node.db.activate():
        assert (await Report.get(id=report)).outcome == "Merci !"


async def test_residents_get_403_and_visitors_log_in(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    marc, _ = await make_member(pseudonym="Marc")
    _, nadia_h = await make_member(pseudonym="Nadia")
    report = await _report(app, nadia_h, f"member:{marc.id}")
    resident = await log_in(app, make_member, pseudonym="Résidente")
    token = await csrf_of(resident, "/me")
    gets = ["/moderation", f"/moderation/reports/{report}", "/moderation/words", "/moderation/log"]
    posts = [
        (f"/moderation/reports/{report}/act", {"verb": "warn", "reason": "r"}),
        (f"/moderation/reports/{report}/flag", {"text": "t"}),
        ("/moderation/words", {"word": "arnaque"}),
        ("/moderation/words/1/remove", {}),
        ("/admin/moderators", {"phone": "0612345678"}),
        (f"/admin/moderators/{marc.id}/remove", {}),
    ]
    for path in gets:
        assert (await resident.get(path)).status_code == 403, path
        anonymous = await app.test_client().get(path)
        assert anonymous.status_code == 303 and "/login" in anonymous.headers["Location"]
    for path, form in posts:
        assert (await resident.post(path, form={"csrf_token": token, **form})).status_code == 403
    assert "/moderation" not in await _text(await resident.get("/"))
    mod = await _moderator(app, make_member)
    assert (await mod.get("/moderation/reports/999")).status_code == 404
    token = await csrf_of(mod, "/moderation")
    unknown = await mod.post("/moderation/reports/999/act", form={"csrf_token": token})
    assert unknown.status_code == 404
    form = {"verb": "warn", "reason": "r"}
    no_csrf = await mod.post(f"/moderation/reports/{report}/act", form=form)
    assert no_csrf.status_code == 403
    assert (await mod.get("/moderation/log")).status_code == 403  # moderators do not audit


async def test_the_log_for_admins_and_the_committee(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    admin = await log_in(app, make_member, pseudonym="Admin", admin=True)
    seat = await log_in(app, make_member, pseudonym="Siège")
    with app.node.db.activate():
        await CommitteeMember.create(
            member=seat.member, active_member_id=seat.member.id, joined_at=clock.now()
        )
    token = await csrf_of(admin, "/admin")
    target = await log_in(app, make_member, pseudonym="Future")
    grant = {"csrf_token": token, "phone": target.member.phone, "reason": "Volontaire"}
    granted = await admin.post("/admin/moderators", form=grant, headers=FR)
    assert granted.status_code == 303
    admin_page = await _text(await admin.get("/admin", headers=FR))
    assert "Future" in admin_page and "Retirer le rôle" in admin_page
    assert (await target.get("/moderation")).status_code == 200
    bad = await admin.post("/admin/moderators", form={"csrf_token": token, "phone": "12"})
    assert bad.status_code == 422
    nobody = {"csrf_token": token, "phone": "+33 6 99 99 99 99"}
    assert (await admin.post("/admin/moderators", form=nobody)).status_code == 404
    revoke = f"/admin/moderators/{target.member.id}/remove"
    assert (await admin.post(revoke, form={"csrf_token": token})).status_code == 303
    assert (await target.get("/moderation")).status_code == 403
    unknown = "/admin/moderators/7b0c3e52-2f7e-4bd5-9f0f-0a3c1b8f4a11/remove"
    assert (await admin.post(unknown, form={"csrf_token": token})).status_code == 404
    for reader in (admin, seat):
        log = await _text(await reader.get("/moderation/log", headers=FR))
        assert "Rôle de modération donné" in log and "Volontaire" in log
        assert "Rôle de modération retiré" in log
    assert 'href="/moderation/log"' in await _text(await seat.get("/", headers=FR))


async def test_the_word_list(app: EntraideApp, make_member: MemberFactory) -> None:
    mod = await _moderator(app, make_member)
    token = await csrf_of(mod, "/moderation/words")
    added = await mod.post("/moderation/words", form={"csrf_token": token, "word": "arnaque"})
    assert added.status_code == 303
    page = await _text(await mod.get("/moderation/words", headers=FR))
    assert "<q>arnaque</q>" in page
    again = await mod.post(
        "/moderation/words", form={"csrf_token": token, "word": "arnaque"}, headers=FR
    )
    assert again.status_code == 409
    assert "Ce mot est déjà dans la liste." in await _text(again)
    # Another case or accents make the same word, on the list once.
    for spelling in ("ARNAQUE", "Arnaqué", " arnaquÉ "):
        other = await mod.post(
            "/moderation/words", form={"csrf_token": token, "word": spelling}, headers=FR
        )
        assert other.status_code == 409, spelling
        assert "Ce mot est déjà dans la liste." in await _text(other)
    empty = await mod.post("/moderation/words", form={"csrf_token": token, "word": " "})
    assert empty.status_code == 422
    with app.node.db.activate():
        entry = await ModerationEntry.get(verb="add_word")
        word = await ScreenedWord.get(word="arnaque")
    assert entry.target_id == "arnaque"
    removed = await mod.post(f"/moderation/words/{word.id}/remove", form={"csrf_token": token})
    assert removed.status_code == 303
    gone = await mod.post(f"/moderation/words/{word.id}/remove", form={"csrf_token": token})
    assert gone.status_code == 404
    assert "La liste est vide." in await _text(await mod.get("/moderation/words", headers=FR))
