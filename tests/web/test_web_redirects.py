"""Where the log-in form sends the browser afterwards: local paths only, whatever ``next`` holds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from node.http_state import EntraideApp
from node.web.forms import safe_next
from tests.conftest import MemberFactory
from tests.web.conftest import csrf_of, log_in

UNSAFE = [
    "//evil.example/",
    "/\t/evil.example/x",  # browsers drop the tab: //evil.example/x
    "/\n/evil.example/x",  # a newline in a Location header
    "/\r\n/x",
    "/ /evil.example",
    "/\\evil.example",
    "/\x00/x",
    "/\x7f/x",
    "/é",
    "https://evil.example/",
    "evil.example",
    "/" + "a" * 3000,
]


@pytest.fixture(autouse=True)
def _database(app: EntraideApp) -> Iterator[None]:
    with app.node.db.activate():
        yield


@pytest.mark.parametrize("target", UNSAFE)
def test_unsafe_targets_fall_back_to_the_home_page(target: str) -> None:
    assert safe_next(target) == "/"


@pytest.mark.parametrize("target", ["/me", "/actions/12?tab=chat", "/search?q=caf%C3%A9"])
def test_local_paths_are_kept(target: str) -> None:
    assert safe_next(target) == target


@pytest.mark.parametrize("target", ["/\n/x", "/\t/evil.example/x", "/é"])
async def test_log_in_with_a_hostile_next_redirects_home(
    app: EntraideApp, make_member: MemberFactory, target: str
) -> None:
    client = await log_in(app, make_member)  # a session exists: log in again on top of it
    member = client.member
    token = await csrf_of(client, "/login")
    response = await client.post(
        "/login",
        form={
            "csrf_token": token,
            "phone": member.phone,
            "password": "un mot de passe",
            "next": target,
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


async def test_log_in_page_with_a_hostile_next_is_not_an_error(client: Any) -> None:
    response = await client.get("/login", query_string={"next": "/\n/x"})
    assert response.status_code == 200
    assert "evil" not in await response.get_data(as_text=True)
