"""From the web queue, a moderator sends a report about a partner's action to that partner as a
``Flag`` carrying only the text they keep; it lands in the partner's queue and acts on nothing."""

from __future__ import annotations

import html
from typing import Any

from node.http_state import EntraideApp
from node.models import Action, Member, Report
from tests.conftest import NodeFactory
from tests.factories import make_member
from tests.fedtools import federated_nodes, settle
from tests.node.fed_support import feed, member, need, ok, partner
from tests.web.conftest import csrf_of, log_in

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}


async def _members(target: EntraideApp, **fields: Any) -> Any:
    return await make_member(target, **fields)


async def test_a_report_about_a_partners_action_is_sent_there_by_choice(
    node_factory: NodeFactory,
) -> None:
    paris, lyon = await federated_nodes(node_factory, "paris", "lyon")
    _, paris_admin = await member(paris, "Admin Paris", admin=True)
    _, lyon_admin = await member(lyon, "Admin Lyon", admin=True)
    await partner(lyon, lyon_admin, paris, paris_admin, paris, lyon)
    _, sara = await member(lyon, "Sara")
    await ok(lyon, "POST", "/api/v1/actions", sara, json=need("Travail au noir bien payé"))
    await settle(paris, lyon)
    (remote,) = [a for a in await feed(paris) if a["title"] == "Travail au noir bien payé"]
    _, nadia = await member(paris, "Nadia")
    body = {"target": f"action:{remote['id']}", "category": "fraud", "text": "Nadia pense que…"}
    report = await ok(paris, "POST", "/api/v1/reports", nadia, json=body)

    mod = await log_in(paris, _members, pseudonym="Modé")
    with paris.node.db.activate():
        await Member.filter(id=mod.member.id).update(is_moderator=True)
    page = f"/moderation/reports/{report['id']}"
    text = html.unescape(await (await mod.get(page, headers=FR)).get_data(as_text=True))
    assert "Envoyer à l'autre serveur" in text and "Agir sur la personne" not in text
    token = await csrf_of(mod, page)
    kept = "Offre d'emploi frauduleuse signalée chez nous."
    sent = await mod.post(f"{page}/flag", form={"csrf_token": token, "text": kept})
    assert sent.status_code == 303
    text = html.unescape(await (await mod.get(page, headers=FR)).get_data(as_text=True))
    assert "Envoyé à l'autre serveur le" in text
    again = await mod.post(f"{page}/flag", form={"csrf_token": token, "text": kept}, headers=FR)
    assert again.status_code == 422
    assert "Ce signalement a déjà été transmis." in html.unescape(
        await again.get_data(as_text=True)
    )
    await settle(paris, lyon)

    with lyon.node.db.activate():
        received = await Report.get()
        assert received.origin_domain == "paris.test" and received.text == kept
        assert received.reporter_id is None  # type: ignore[attr-defined]
        assert await Action.filter(hidden_at=None).count() == 1  # nothing acted by itself
    lyon_mod = await log_in(lyon, _members, pseudonym="Modé Lyon")
    with lyon.node.db.activate():
        await Member.filter(id=lyon_mod.member.id).update(is_moderator=True)
    queue = html.unescape(
        await (await lyon_mod.get("/moderation", headers=FR)).get_data(as_text=True)
    )
    assert "de paris.test" in queue
    detail = html.unescape(
        await (await lyon_mod.get(f"/moderation/reports/{received.id}", headers=FR)).get_data(
            as_text=True
        )
    )
    assert kept in detail and "Travail au noir bien payé" in detail
    assert "Nadia" not in detail
