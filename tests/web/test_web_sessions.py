"""Sessions that end: a web session is a row that log-out, a password change and "log out
everywhere" end on the server, so that a copied cookie stops working; sessions and tokens are
listed on the profile and in the API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from node.http_state import EntraideApp
from node.models import ApiToken, WebSession
from tests.conftest import MemberFactory
from tests.factories import PASSWORDS
from tests.web.conftest import csrf_of, log_in


@pytest.fixture(autouse=True)
def _database(app: EntraideApp) -> Iterator[None]:
    with app.node.db.activate():
        yield


def _session_cookie(client: Any) -> str:
    cookie = next(c for c in client.cookie_jar if c.name == "entraide_session")
    return str(cookie.value)


async def _with_cookie(app: EntraideApp, value: str, path: str = "/me") -> Any:
    """The request an attacker who copied the cookie makes, from another client."""
    return await app.test_client().get(path, headers={"Cookie": f"entraide_session={value}"})


async def _second_browser(app: EntraideApp, member: Any) -> Any:
    client = app.test_client()
    token = await csrf_of(client, "/login")
    response = await client.post(
        "/login", form={"csrf_token": token, "phone": member.phone, "password": "un mot de passe"}
    )
    assert response.status_code == 303
    return client


async def test_a_copied_cookie_stops_working_after_log_out(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    client = await log_in(app, make_member)
    copied = _session_cookie(client)
    assert (await _with_cookie(app, copied)).status_code == 200
    token = await csrf_of(client, "/")
    assert (await client.post("/logout", form={"csrf_token": token})).status_code == 303
    response = await _with_cookie(app, copied)
    assert response.status_code == 303 and response.headers["Location"].startswith("/login")


async def test_a_password_change_ends_the_other_sessions_and_tokens(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    client = await log_in(app, make_member)
    other = await _second_browser(app, client.member)
    token = await csrf_of(client, "/me")
    response = await client.post(
        "/me/password",
        form={
            "csrf_token": token,
            "current_password": "un mot de passe",
            "password": "un nouveau mot de passe",
        },
    )
    assert response.status_code == 303
    assert (await client.get("/me")).status_code == 200  # this browser stays logged in
    assert (await other.get("/me")).status_code == 303
    assert not await ApiToken.exists(member_id=client.member.id, revoked_at=None)


async def test_log_out_everywhere_from_the_profile(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    client = await log_in(app, make_member)
    other = await _second_browser(app, client.member)
    page = await (await client.get("/me")).get_data(as_text=True)
    assert "Où je suis connecté·e" in page and "ce navigateur" in page
    assert page.count("depuis ") >= 3  # two browsers and the API token
    token = await csrf_of(client, "/me")
    response = await client.post("/me/sessions/end", form={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    for browser in (client, other):
        assert (await browser.get("/me")).status_code == 303
    assert not await WebSession.exists(member_id=client.member.id, revoked_at=None)
    assert not await ApiToken.exists(member_id=client.member.id, revoked_at=None)


async def test_log_out_everywhere_needs_the_form_token(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    client = await log_in(app, make_member)
    assert (await client.post("/me/sessions/end", form={})).status_code == 403
    assert (await client.get("/me")).status_code == 200


async def test_the_api_lists_sessions_and_logs_out_everywhere(
    app: EntraideApp, make_member: MemberFactory
) -> None:
    member, headers = await make_member()
    member.password_hash = await PASSWORDS.hash("un mot de passe")
    await member.save(update_fields=["password_hash"])
    browser = await _second_browser(app, member)
    api = app.test_client()
    me = await (await api.get("/api/v1/me", headers=headers)).get_json()
    assert len(me["sessions"]) == 1 and "secret" not in str(me["sessions"])
    assert (await api.post("/api/v1/me/logout-everywhere", headers=headers)).status_code == 204
    assert (await api.get("/api/v1/me", headers=headers)).status_code == 401
    assert (await browser.get("/me")).status_code == 303


async def test_log_out_everywhere_needs_a_token(client: Any) -> None:
    assert (await client.post("/api/v1/me/logout-everywhere")).status_code == 401
