"""The verification mail goes through a real SMTP server (aiosmtpd) and its link works."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), message_from_bytes(envelope.content))
        )
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


async def test_sign_up_mails_a_working_link_over_smtp(
    node_factory: Any, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    node = await node_factory(
        "smtp", mail_backend=f"smtp://127.0.0.1:{port}", mail_from="Entraide <noreply@smtp.test>"
    )
    client = node.test_client()
    response = await client.post(
        "/api/v1/members",
        json={
            "phone": "0612345678",
            "email": "Zoe@Example.org",
            "password": "correct horse",
            "accept_charter": True,
        },
    )
    assert response.status_code == 201, await response.get_json()

    assert len(inbox.messages) == 1
    sender, recipients, message = inbox.messages[0]
    assert sender == "noreply@smtp.test"
    assert recipients == ["zoe@example.org"]
    assert message["Subject"].startswith("Entraide")
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    match = re.search(r"http://smtp\.test(/api/v1/members/verify-email\?token=\S+)", body)
    assert match, body

    response = await client.get(match.group(1))
    assert response.status_code == 200, await response.get_json()
    assert (await response.get_json())["email_verified"] is True
    assert urlsplit(match.group(0)).netloc == "smtp.test"


async def test_sign_up_survives_an_unreachable_smtp_server(node_factory: Any) -> None:
    """The account is created; the member can ask for the mail again by setting the address."""
    node = await node_factory("smtpdown", mail_backend=f"smtp://127.0.0.1:{_free_port()}")
    response = await node.test_client().post(
        "/api/v1/members",
        json={
            "phone": "0612345678",
            "email": "zoe@example.org",
            "password": "correct horse",
            "accept_charter": True,
        },
    )
    assert response.status_code == 201
