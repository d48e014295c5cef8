"""Helpers of the web tests: a logged-in client, CSRF tokens."""

from __future__ import annotations

import re
from typing import Any

from node.http_state import EntraideApp
from node.models import Member
from tests.factories import PASSWORDS

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


async def csrf_of(client: Any, path: str) -> str:
    response = await client.get(path)
    match = CSRF.search(await response.get_data(as_text=True))
    assert match, f"no CSRF field on {path}"
    return match.group(1)


async def log_in(app: EntraideApp, make_member: Any, **kwargs: Any) -> Any:
    """A test client of ``app`` with a logged-in member (kwargs: admin, verified, …)."""
    member, _ = await make_member(target=app, **kwargs)
    with app.node.db.activate():
        await Member.filter(id=member.id).update(
            password_hash=await PASSWORDS.hash("un mot de passe")
        )
    client = app.test_client()
    token = await csrf_of(client, "/login")
    response = await client.post(
        "/login", form={"csrf_token": token, "phone": member.phone, "password": "un mot de passe"}
    )
    assert response.status_code == 303
    client.member = member
    return client
