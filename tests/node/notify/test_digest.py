"""Digest mails through a real SMTP server (aiosmtpd): several unread notifications in one mail
after the delay, none for what was read, a daily cap, and the RFC 8058 one-click unsubscribe
that works without logging in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time, timedelta
from email.header import decode_header, make_header
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller

from bench.procs import free_port
from node import clock
from node.http_state import EntraideApp
from node.models import Member, Notification
from node.worker.digests import gather_digests, send_digests
from tests.conftest import MemberFactory, NodeFactory
from tests.factories import advance_to_local, post_action
from tests.node.test_mail_smtp import Inbox


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
async def app(node_factory: NodeFactory, smtp: tuple[Inbox, int]) -> EntraideApp:
    return await node_factory(
        "node", mail_backend=f"smtp://127.0.0.1:{smtp[1]}", digest_max_per_day=2
    )


async def verified(app: EntraideApp, member: Member) -> None:
    with app.node.db.activate():
        await Member.filter(id=member.id).update(email_verified_at=clock.now())


async def joined_by(
    client: Any, make_member: MemberFactory, action: dict[str, Any], name: str
) -> None:
    _, headers = await make_member(pseudonym=name)
    url = f"/api/v1/actions/{action['id']}/participations"
    assert (await client.post(url, json={}, headers=headers)).status_code == 201


async def digest_round(app: EntraideApp) -> tuple[int, int]:
    with app.node.db.activate():
        return await gather_digests(app.node), await send_digests(app.node)


async def test_one_digest_for_several_events_and_one_click_unsubscribe(
    app: EntraideApp, client: Any, make_member: MemberFactory, smtp: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp
    author, headers = await make_member(pseudonym="Awa")
    await verified(app, author)
    action = await post_action(client, headers, title="Un repas chaud")
    for name in ("Basile", "Chloé", "Dris"):
        await joined_by(client, make_member, action, name)
    assert await digest_round(app) == (0, 0)  # not before the delay: they may read it first
    app.node.clock.advance(timedelta(minutes=16))
    assert await digest_round(app) == (1, 1)
    assert await digest_round(app) == (0, 0)  # nothing twice

    [(_, to, mail)] = inbox.messages
    assert to == [author.email]
    subject = str(make_header(decode_header(mail["Subject"])))
    assert subject == "3 nouvelles notifications · Entraide node"
    body = mail.get_payload(decode=True).decode()
    for name in ("Basile", "Chloé", "Dris"):
        assert f"{name} demande à participer à « Un repas chaud »." in body
    assert f"http://node.test/actions/{action['id']}" in body
    with app.node.db.activate():
        others = await Member.exclude(id=author.id).values_list("phone", "email")
    for phone, email in others:
        assert phone not in body and email not in body
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = mail["List-Unsubscribe"].strip("<>")
    assert link in body

    # RFC 8058: the mail client POSTs, without any cookie or log-in.
    path = urlsplit(link).path
    anonymous = app.test_client()
    page = await anonymous.get(path)
    assert page.status_code == 200 and "Ne plus recevoir les mails" in await page.get_data(
        as_text=True
    )
    response = await anonymous.post(
        path,
        data="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200
    prefs = await (
        await client.get("/api/v1/notifications/preferences", headers=headers)
    ).get_json()
    assert all(not channels["email"] for channels in prefs.values())
    await joined_by(client, make_member, await post_action(client, headers), "Eve")
    app.node.clock.advance(timedelta(minutes=16))
    assert await digest_round(app) == (0, 0)
    assert len(inbox.messages) == 1


async def test_read_in_time_means_no_mail_and_daily_cap(
    app: EntraideApp, client: Any, make_member: MemberFactory, smtp: tuple[Inbox, int]
) -> None:
    inbox, _ = smtp
    # "A day" is the node's local day: start mid-morning so the rounds below stay in one day.
    advance_to_local(app, time(10))
    author, headers = await make_member()
    await verified(app, author)
    first = await post_action(client, headers, title="Premier")
    await joined_by(client, make_member, first, "Basile")
    read = await client.post("/api/v1/notifications/read", json={"all": True}, headers=headers)
    assert read.status_code == 200
    app.node.clock.advance(timedelta(minutes=16))
    assert await digest_round(app) == (0, 0)

    # At most two digests a day (this node's setting); the rest waits for the next day.
    for n in range(3):
        await joined_by(client, make_member, first, f"Membre {n}")
        app.node.clock.advance(timedelta(minutes=16))
        await digest_round(app)
    assert len(inbox.messages) == 2
    with app.node.db.activate():
        assert await Notification.filter(email_status="pending").count() == 1
    app.node.clock.advance(timedelta(days=1))
    assert await digest_round(app) == (1, 1)


async def test_unsubscribe_rejections(app: EntraideApp, make_member: MemberFactory) -> None:
    member, _ = await make_member()
    anonymous = app.test_client()
    for token in ("nope", f"{member.id.hex}.{'0' * 32}", "zz.zz"):
        path = f"/notifications/unsubscribe/{token}"
        assert (await anonymous.get(path)).status_code == 404
        assert (await anonymous.post(path, data="List-Unsubscribe=One-Click")).status_code == 404
