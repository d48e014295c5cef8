"""Live streams (Server-Sent Events): the unread count, an action's chat and its participants,
for API clients with a bearer token and for the pages; Last-Event-ID resumption."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from node.http_state import EntraideApp
from tests.conftest import MemberFactory
from tests.factories import post_action


class Events:
    """Reads SSE frames from a Quart test connection; frames of other types wait their turn."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.buffer = ""
        self.frames: list[dict[str, str]] = []

    async def next(self, wanted: str, within: float = 5.0) -> tuple[str | None, Any]:
        async def read() -> tuple[str | None, Any]:
            while True:
                while "\n\n" in self.buffer:
                    frame, self.buffer = self.buffer.split("\n\n", 1)
                    fields: dict[str, str] = {}
                    for line in frame.split("\n"):
                        name, _, value = line.partition(": ")
                        fields[name] = value
                    self.frames.append(fields)
                for fields in self.frames:
                    if fields.get("event") == wanted:
                        self.frames.remove(fields)
                        return fields.get("id"), json.loads(fields["data"])
                chunk = await self.connection.receive()
                self.buffer += chunk.decode()

        return await asyncio.wait_for(read(), within)


async def accepted_pair(client: Any, make_member: MemberFactory) -> tuple[Any, ...]:
    author, author_h = await make_member(pseudonym="Awa")
    member, member_h = await make_member(pseudonym="Basile")
    action = await post_action(client, author_h, title="Un café")
    url = f"/api/v1/actions/{action['id']}/participations"
    joined = await (await client.post(url, json={}, headers=member_h)).get_json()
    patch = await client.patch(
        f"{url}/{joined['id']}", json={"status": "accepted"}, headers=author_h
    )
    assert patch.status_code == 200
    return author, author_h, member, member_h, action


async def test_api_stream_carries_unread_messages_and_resumes(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    app.node.live.interval = 0.05
    _, author_h, _, member_h, action = await accepted_pair(client, make_member)
    chat = f"/api/v1/actions/{action['id']}/messages"
    path = f"/api/v1/stream?action={action['id']}"
    async with client.request(path, headers=author_h) as connection:
        await connection.send_complete()
        events = Events(connection)
        _, unread = await events.next("unread")
        assert unread == {"count": 1}  # the join request
        posted = await client.post(chat, json={"body": "J'arrive !"}, headers=member_h)
        assert posted.status_code == 201
        event_id, message = await events.next("message")
        assert message["body"] == "J'arrive !" and message["author"] == "Basile"
        assert "phone" not in message and "email" not in message
        assert event_id == str(message["id"])
        _, unread = await events.next("unread")
        assert unread == {"count": 2}
        await connection.disconnect()

    # Away for a while: two messages; the browser comes back with Last-Event-ID.
    for body in ("Un", "Deux"):
        await client.post(chat, json={"body": body}, headers=member_h)
    resumed_headers = {**author_h, "Last-Event-ID": event_id or ""}
    async with client.request(path, headers=resumed_headers) as connection:
        await connection.send_complete()
        events = Events(connection)
        seen = [(await events.next("message"))[1]["body"] for _ in range(2)]
        assert seen == ["Un", "Deux"]
        await connection.disconnect()
    assert app.node.live.open_streams == 0


async def test_participants_event_and_page_stream(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    app.node.live.interval = 0.05
    _, author_h, _, _, action = await accepted_pair(client, make_member)
    async with client.request(f"/api/v1/stream?action={action['id']}", headers=author_h) as c:
        await c.send_complete()
        events = Events(c)
        await events.next("unread")
        _, newcomer = await make_member()
        url = f"/api/v1/actions/{action['id']}/participations"
        assert (await client.post(url, json={}, headers=newcomer)).status_code == 201
        assert (await events.next("participants"))[1] == {}
        await c.disconnect()


async def test_stream_rejections(client: Any, make_member: MemberFactory) -> None:
    _, author_h, *_ = await accepted_pair(client, make_member)
    assert (await client.get("/api/v1/stream")).status_code == 401
    bad = {"Authorization": "Bearer nope"}
    assert (await client.get("/api/v1/stream", headers=bad)).status_code == 401
    response = await client.get("/api/v1/stream?action=nope", headers=author_h)
    assert response.status_code == 422
    missing = "/api/v1/stream?action=00000000-0000-4000-8000-000000000000"
    assert (await client.get(missing, headers=author_h)).status_code == 404
    assert (await client.get("/live")).status_code == 401  # the page stream needs a log-in
