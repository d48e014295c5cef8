"""Meeting minutes: the facilitator records who was there and the votes taken; each vote counts
once its member confirmed it, with the code texted to them or in person."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from node import clock
from node.http_state import EntraideApp
from node.models import ProposalState
from tests.conftest import read_jsonl
from tests.node.committee_support import decision_of, reach_deadline, seat
from tests.node.fed_support import call, member, ok

MEETINGS = "/api/v1/committee/meetings"


async def test_meeting_votes_count_once_confirmed(app: EntraideApp) -> None:
    people = await seat(app, 3, quorum=2)
    (_, fac), (awa, awa_h), (bruno, _) = people
    _, admin = await member(app, "Admin", admin=True)
    status, body = await call(
        app, "POST", "/api/v1/admin/federation/blocks", admin, json={"domain": "spam.example"}
    )
    proposal_id = body["proposal"]["id"]
    held_at = (clock.now() - timedelta(hours=1)).isoformat()
    present = [str(awa.id), str(bruno.id)]
    meeting = await ok(
        app,
        "POST",
        MEETINGS,
        fac,
        json={"held_at": held_at, "place": "Accueil de jour", "present": present},
    )
    assert sorted(p["pseudonym"] for p in meeting["present"]) == ["Comité 1", "Comité 2"]
    votes_path = f"{MEETINGS}/{meeting['id']}/votes"
    first = await ok(
        app,
        "POST",
        votes_path,
        fac,
        json={"proposal_id": proposal_id, "member_id": str(awa.id), "choice": "for"},
    )
    second = await ok(
        app,
        "POST",
        votes_path,
        fac,
        json={"proposal_id": proposal_id, "member_id": str(bruno.id), "choice": "for"},
    )
    assert first["counted"] is False and first["channel"] == "meeting"
    assert (await ok(app, "GET", f"/api/v1/committee/proposals/{proposal_id}", awa_h))[
        "votes_cast"
    ] == 0
    # Awa confirms in person at the facilitator's device; Bruno with the code he received.
    confirmed = await ok(
        app, "POST", f"{votes_path}/{first['id']}/confirm", fac, json={"in_person": True}
    )
    assert confirmed["counted"] is True and confirmed["confirmed_how"] == "in_person"
    sms = read_jsonl(Path(app.node.settings.sms_backend[len("file:") :]))
    [text] = [m["body"] for m in sms if m["to"] == bruno.phone]
    code = re.search(r"\b(\d{6})\b", text)
    assert code and "pour" in text
    wrong = "000000" if code.group(1) != "000000" else "111111"
    status, body = await call(
        app, "POST", f"{votes_path}/{second['id']}/confirm", fac, json={"code": wrong}
    )
    assert status == 422 and body["errors"][0]["field"] == "code"
    confirmed = await ok(
        app, "POST", f"{votes_path}/{second['id']}/confirm", fac, json={"code": code.group(1)}
    )
    assert confirmed["confirmed_how"] == "sms"
    status, _ = await call(
        app, "POST", f"{votes_path}/{second['id']}/confirm", fac, json={"code": code.group(1)}
    )
    assert status == 409  # already confirmed
    minutes = await ok(app, "GET", f"{MEETINGS}/{meeting['id']}", fac)
    assert minutes["place"] == "Accueil de jour" and all(v["counted"] for v in minutes["votes"])
    await reach_deadline(app)
    decision = await decision_of(app, proposal_id)
    assert decision.outcome == ProposalState.APPROVED and decision.votes_for == 2


async def test_unconfirmed_meeting_votes_do_not_count_and_rejections(app: EntraideApp) -> None:
    people = await seat(app, 3, quorum=1)
    (_, fac), (awa, awa_h), (bruno, _) = people
    _, admin = await member(app, "Admin", admin=True)
    _, body = await call(
        app, "POST", "/api/v1/admin/federation/blocks", admin, json={"domain": "spam.example"}
    )
    proposal_id = body["proposal"]["id"]
    earlier = (clock.now() - timedelta(hours=1)).isoformat()
    later = (clock.now() + timedelta(hours=1)).isoformat()
    # Only the facilitator (or an admin) records; the meeting took place; members sit.
    _, outsider = await member(app, "Pas au comité")
    json = {"held_at": earlier, "present": [str(awa.id)]}
    assert (await call(app, "POST", MEETINGS, awa_h, json=json))[0] == 403
    assert (await call(app, "POST", MEETINGS, fac, json={**json, "held_at": later}))[0] == 422
    assert (await call(app, "POST", MEETINGS, fac, json={**json, "present": []}))[0] == 422
    not_seated, _ = await member(app, "Invité")
    status, body = await call(
        app, "POST", MEETINGS, fac, json={**json, "present": [str(not_seated.id)]}
    )
    assert status == 422 and body["errors"][0]["field"] == "present"
    meeting = await ok(app, "POST", MEETINGS, admin, json=json)  # an admin may help
    votes_path = f"{MEETINGS}/{meeting['id']}/votes"
    vote = {"proposal_id": proposal_id, "member_id": str(bruno.id), "choice": "for"}
    status, body = await call(app, "POST", votes_path, fac, json=vote)
    assert status == 422 and body["errors"][0]["field"] == "member_id"  # not present
    recorded = await ok(app, "POST", votes_path, fac, json={**vote, "member_id": str(awa.id)})
    assert (await call(app, "POST", f"{votes_path}/{recorded['id']}/confirm", fac, json={}))[
        0
    ] == 422
    other = await ok(app, "POST", MEETINGS, fac, json=json)
    wrong_meeting = f"{MEETINGS}/{other['id']}/votes/{recorded['id']}/confirm"
    assert (await call(app, "POST", wrong_meeting, fac, json={"in_person": True}))[0] == 404
    assert (await call(app, "GET", f"{MEETINGS}/{meeting['id']}", outsider))[0] == 403
    assert (await call(app, "GET", MEETINGS, fac))[0] == 200
    missing = "00000000-0000-0000-0000-000000000000"
    assert (await call(app, "GET", f"{MEETINGS}/{missing}", fac))[0] == 404
    # Never confirmed: without quorum, nothing happens.
    await reach_deadline(app)
    assert (await decision_of(app, proposal_id)).outcome == ProposalState.EXPIRED
