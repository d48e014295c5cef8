"""The street committee's pages: every gated admin form opens a proposal instead of acting,
members vote with large buttons, a vote link from an SMS works once and expires, and the
decisions are readable by anyone."""

from __future__ import annotations

import asyncio
import html
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from node import clock
from node.http_state import EntraideApp
from node.models import (
    Association,
    CommitteeMember,
    CommitteeProposal,
    CommitteeRole,
    DomainBlock,
    Member,
    Partnership,
    PartnershipDirection,
    PartnershipStatus,
    Vote,
)
from node.services.committee import seats
from tests.conftest import MemberFactory, read_jsonl
from tests.node.committee_support import reach_deadline, seat
from tests.web.conftest import csrf_of, log_in

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}
PROPOSAL_PATH = re.compile(r"^/committee/proposals/([0-9a-f-]{36})$")


async def _text(response: Any) -> str:
    return html.unescape(str(await response.get_data(as_text=True)))


async def _post(client: Any, page: str, path: str, form: dict[str, str] | None = None) -> Any:
    token = await csrf_of(client, page)
    return await client.post(path, form={"csrf_token": token, **(form or {})})


def _proposal_id(response: Any) -> str:
    assert response.status_code == 303, response.status_code
    match = PROPOSAL_PATH.match(response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


async def _partnership(app: EntraideApp, status: PartnershipStatus, domain: str) -> Partnership:
    with app.node.db.activate():
        return await Partnership.create(
            remote_domain=domain,
            active_domain=domain,
            remote_actor_iri=f"http://{domain}/actor",
            direction=PartnershipDirection.INCOMING,
            scopes="calls",
            status=status,
            offer_activity_id=f"http://{domain}/offers/1",
            object_iri=f"http://{domain}/partnerships/1",
            created_at=clock.now(),
        )


async def test_every_gated_admin_form_opens_a_proposal(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    admin = await log_in(app, make_member, admin=True)
    with app.node.db.activate():
        await DomainBlock.create(domain="old.example", reason="", created_at=clock.now())
    [(sitting, _)] = await seat(app, 1, quorum=1)
    pending = await _partnership(app, PartnershipStatus.PENDING, "lyon.test")
    accepted = await _partnership(app, PartnershipStatus.ACCEPTED, "nantes.test")
    with app.node.db.activate():
        association = await Association.create(name="La Cloche", slug="la-cloche")
    candidate, _ = await make_member()

    fed, partners = "/admin/federation", "/admin/partnerships"
    opened = [
        _proposal_id(await _post(admin, fed, f"{fed}/blocks", {"domain": "spam.example"})),
        _proposal_id(await _post(admin, fed, f"{fed}/blocks/remove", {"domain": "old.example"})),
        _proposal_id(
            await _post(
                admin, fed, f"{fed}/policy", {"allowlist_mode": "on", "allowed_domains": ""}
            )
        ),
        _proposal_id(await _post(admin, partners, f"{partners}/{pending.id}/accept")),
        _proposal_id(await _post(admin, partners, f"{partners}/{accepted.id}/end")),
        _proposal_id(await _post(admin, "/admin", f"/admin/associations/{association.id}/approve")),
        _proposal_id(
            await _post(admin, "/committee", "/committee/members", {"phone": candidate.phone})
        ),
        _proposal_id(await _post(admin, "/committee", f"/committee/members/{sitting.id}/remove")),
        _proposal_id(
            await _post(
                admin,
                "/committee",
                "/committee/rules",
                {"quorum": "3", "voting_days": "5", "gates": "partnerships"},
            )
        ),
    ]
    with app.node.db.activate():
        kinds = [(await CommitteeProposal.get(id=pid)).kind for pid in opened]
        assert kinds == [
            "federation.block",
            "federation.unblock",
            "federation.allowlist",
            "partnership.accept",
            "partnership.end",
            "association.approve",
            "committee.seat_add",
            "committee.seat_remove",
            "committee.gates",
        ]
        assert await CommitteeProposal.filter(kind="committee.rules").exists()
        # Nothing took effect.
        assert not await DomainBlock.filter(domain="spam.example").exists()
        assert await DomainBlock.filter(domain="old.example").exists()
        assert (await Partnership.get(id=pending.id)).status == PartnershipStatus.PENDING
        assert (await Partnership.get(id=accepted.id)).status == PartnershipStatus.ACCEPTED
        assert (await Association.get(id=association.id)).status.value == "pending"
        assert await CommitteeMember.filter(active_member_id=sitting.id).exists()
    page = await _text(await admin.get(f"/committee/proposals/{opened[0]}", headers=FR))
    assert "Ce changement doit passer par le comité de la rue" in page
    assert "Bloquer spam.example" in page and "Ce qui changerait" in page
    assert "Nous refuserions tout ce qui vient de spam.example." in page
    english = {"Accept-Language": "en"}
    page = await _text(await admin.get(f"/committee/proposals/{opened[0]}", headers=english))
    assert "We would refuse everything from spam.example." in page
    assert "What would change" in page and "Before" in page and "After" in page


async def test_a_member_votes_on_the_page_and_changes_their_vote(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    voter = await log_in(app, make_member)
    with app.node.db.activate():
        await seats.name_first_members(app.node, [(voter.member, CommitteeRole.MEMBER, None)])
    admin = await log_in(app, make_member, admin=True)
    proposal_id = _proposal_id(
        await _post(admin, "/admin/federation", "/admin/federation/blocks", {"domain": "x.example"})
    )
    page = f"/committee/proposals/{proposal_id}"
    body = await _text(await voter.get(page, headers=FR))
    assert 'name="choice" value="for"' in body and "Votre vote" in body
    for choice in ("against", "for"):
        response = await _post(voter, page, f"{page}/vote", {"choice": choice, "comment": "OK"})
        assert response.status_code == 303
    with app.node.db.activate():
        [row] = await Vote.all()
        assert row.choice.value == "for" and row.comment == "OK"
    response = await _post(voter, page, f"{page}/vote", {"choice": "maybe"})
    assert response.status_code == 422
    # Not on the committee: no buttons, and a vote is refused.
    outsider = await log_in(app, make_member)
    assert 'name="choice"' not in await _text(await outsider.get(page))
    assert (await _post(outsider, page, f"{page}/vote", {"choice": "for"})).status_code == 403
    # The committee page is for its members and admins; anonymous visitors log in first.
    assert (await app.test_client().get("/committee")).status_code == 303
    assert "Comité de la rue" in await _text(await voter.get("/committee", headers=FR))


def _links(app: EntraideApp) -> list[str]:
    path = Path(app.node.settings.sms_backend[len("file:") :])
    return [m["body"].rsplit(" ", 1)[-1] for m in read_jsonl(path) if "/v/" in m["body"]]


async def test_sms_vote_link_works_once_and_expires(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    people = await seat(app, 2, quorum=1)
    admin = await log_in(app, make_member, admin=True)
    proposal_id = _proposal_id(
        await _post(admin, "/admin/federation", "/admin/federation/blocks", {"domain": "x.example"})
    )
    page = f"/committee/proposals/{proposal_id}"
    response = await _post(admin, page, f"{page}/sms-links")
    assert response.status_code == 303
    links = _links(app)
    assert len(links) == 2 and all(link.startswith("http://node.test/v/") for link in links)
    path = links[0].removeprefix("http://node.test")
    phone = await app.test_client().get(path, headers=FR)  # no log-in
    body = await _text(phone)
    assert phone.status_code == 200 and "Bonjour Comité 0" in body and "Bloquer x.example" in body
    anonymous = app.test_client()
    token = await csrf_of(anonymous, path)
    done = await anonymous.post(path, form={"csrf_token": token, "choice": "against"}, headers=FR)
    assert done.status_code == 200 and "Merci, votre vote est enregistré" in await _text(done)
    with app.node.db.activate():
        [row] = await Vote.all().select_related("member")
        assert row.member.id == people[0][0].id and row.channel.value == "sms"
    again = await anonymous.post(path, form={"csrf_token": token, "choice": "for"}, headers=FR)
    assert again.status_code == 410 and "déjà servi" in await _text(again)
    assert (await anonymous.get(path)).status_code == 410
    assert (await anonymous.get("/v/not-a-real-code")).status_code == 404
    # The second member's link expires after three days.
    app.node.clock.advance(timedelta(days=3, minutes=1))
    late = links[1].removeprefix("http://node.test")
    assert (await anonymous.get(late, headers=FR)).status_code == 410
    with app.node.db.activate():
        assert await Vote.all().count() == 1


async def test_a_vote_link_spent_twice_at_once_counts_once_and_ends_at_the_deadline(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    await seat(app, 2, quorum=1)
    with app.node.db.activate():
        from node.services.committee.rules import get_committee

        committee = await get_committee()
        committee.voting_days = 1  # the deadline comes before the links' three days
        await committee.save()
    admin = await log_in(app, make_member, admin=True)
    proposal_id = _proposal_id(
        await _post(admin, "/admin/federation", "/admin/federation/blocks", {"domain": "x.example"})
    )
    page = f"/committee/proposals/{proposal_id}"
    await _post(admin, page, f"{page}/sms-links")
    first, second = (link.removeprefix("http://node.test") for link in _links(app))
    # The same link sent twice at once (a double tap on a slow network): one vote, one refusal.
    phone = app.test_client()
    token = await csrf_of(phone, first)
    answers = await asyncio.gather(
        *(phone.post(first, form={"csrf_token": token, "choice": c}) for c in ("for", "against"))
    )
    assert sorted(a.status_code for a in answers) == [200, 410]
    # The other member opened their link, then the vote closed before they chose.
    late = app.test_client()
    token = await csrf_of(late, second)
    app.node.clock.advance(timedelta(days=1, minutes=1))
    refused = await late.post(second, form={"csrf_token": token, "choice": "for"}, headers=FR)
    assert refused.status_code == 410
    assert (await late.get(second)).status_code == 410
    with app.node.db.activate():
        assert await Vote.all().count() == 1


async def test_decisions_are_readable_anonymously(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    voter = await log_in(app, make_member)
    with app.node.db.activate():
        await seats.name_first_members(app.node, [(voter.member, CommitteeRole.MEMBER, None)])
        from node.services.committee.rules import get_committee

        committee = await get_committee()
        committee.quorum = 1
        await committee.save()
    admin = await log_in(app, make_member, admin=True)
    proposal_id = _proposal_id(
        await _post(admin, "/admin/federation", "/admin/federation/blocks", {"domain": "x.example"})
    )
    page = f"/committee/proposals/{proposal_id}"
    await _post(voter, page, f"{page}/vote", {"choice": "for"})
    await reach_deadline(app)
    anonymous = app.test_client()
    listing = await _text(await anonymous.get("/decisions", headers=FR))
    assert "Décisions du comité de la rue" in listing and "Bloquer x.example" in listing
    assert "Pour 1" in listing and "Fait" in listing
    link = re.search(r'href="(/decisions/[0-9a-f-]{36})"', listing)
    assert link
    one = await _text(await anonymous.get(link.group(1), headers=FR))
    assert "Approuvée" in one or "Approuvé" in one
    assert "Pour : <strong>1</strong>" in one and "Contre : <strong>0</strong>" in one
    english = await _text(await anonymous.get(link.group(1), headers={"Accept-Language": "en"}))
    assert "For: <strong>1</strong>" in english and "Abstain: <strong>0</strong>" in english
    with app.node.db.activate():
        phones = [m.phone for m in await Member.all() if m.phone]
    assert not any(phone in listing + one for phone in phones)
    assert (
        await anonymous.get("/decisions/00000000-0000-0000-0000-000000000000")
    ).status_code == 404


async def test_the_facilitator_records_a_meeting_and_members_confirm(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    facilitator = await log_in(app, make_member)
    awa, _ = await make_member(pseudonym="Awa")
    bruno, _ = await make_member(pseudonym="Bruno")
    with app.node.db.activate():
        await seats.name_first_members(
            app.node,
            [
                (facilitator.member, CommitteeRole.FACILITATOR, None),
                (awa, CommitteeRole.MEMBER, None),
                (bruno, CommitteeRole.MEMBER, None),
            ],
        )
    admin = await log_in(app, make_member, admin=True)
    proposal_id = _proposal_id(
        await _post(admin, "/admin/federation", "/admin/federation/blocks", {"domain": "x.example"})
    )
    pages = "/committee/meetings"
    token = await csrf_of(facilitator, pages)
    earlier = (clock.now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = await facilitator.post(
        pages,
        form=[  # type: ignore[arg-type]
            ("csrf_token", token),
            ("held_at", earlier),
            ("place", "Accueil de jour"),
            ("present", str(awa.id)),
            ("present", str(bruno.id)),
        ],
    )
    assert response.status_code == 303, await _text(response)
    meeting = response.headers["Location"]
    body = await _text(await facilitator.get(meeting, headers=FR))
    assert "Accueil de jour" in body and "Bloquer x.example" in body
    for who in (awa, bruno):
        response = await _post(
            facilitator,
            meeting,
            f"{meeting}/votes",
            {"proposal_id": proposal_id, "member_id": str(who.id), "choice": "for"},
        )
        assert response.status_code == 303
    with app.node.db.activate():
        rows = {v.member_id: v for v in await Vote.all()}  # type: ignore[attr-defined]
    assert all(v.confirmed_at is None for v in rows.values())
    awa_vote, bruno_vote = rows[awa.id], rows[bruno.id]
    # Awa in person; Bruno with his code (a wrong one first).
    response = await _post(
        facilitator, meeting, f"{meeting}/votes/{awa_vote.id}/confirm", {"in_person": "1"}
    )
    assert response.status_code == 303
    response = await _post(
        facilitator, meeting, f"{meeting}/votes/{bruno_vote.id}/confirm", {"code": "12345x"}
    )
    assert response.status_code == 422
    sms = read_jsonl(Path(app.node.settings.sms_backend[len("file:") :]))
    code = re.search(r"\b(\d{6})\b", [m["body"] for m in sms if m["to"] == bruno.phone][-1])
    assert code
    response = await _post(
        facilitator, meeting, f"{meeting}/votes/{bruno_vote.id}/confirm", {"code": code.group(1)}
    )
    assert response.status_code == 303
    with app.node.db.activate():
        assert await Vote.filter(confirmed_at__not_isnull=True).count() == 2
    # Only facilitators (and admins) use these pages.
    assert (await _someone_opens_the_meetings(app, make_member)).status_code == 403


async def _someone_opens_the_meetings(app: EntraideApp, make_member: MemberFactory) -> Any:
    someone = await log_in(app, make_member)
    return await someone.get("/committee/meetings")


def test_every_gate_has_words_on_the_rules_form() -> None:
    """An unlabelled checkbox is unusable with a screen reader (and axe-core's "label" rule)."""
    from node.services.committee.rules import Gate
    from node.web.routes.committee import GATE_LABELS

    assert set(GATE_LABELS) == {gate.value for gate in Gate}
