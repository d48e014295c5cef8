"""The mailed verification link: a browser gets a page in its reader's language, API clients
get JSON from the same address."""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any

import pytest

from node.http_state import EntraideApp
from node.models import Member
from tests.node.services.test_members import PHONE, Outbox, link_token, sign_up

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


async def _open_in_browser(client: Any, token: str, language: str) -> Any:
    """Follow the mailed link as a browser does: the API answers 303 to the page."""
    headers = {"Accept": BROWSER, "Accept-Language": language}
    response = await client.get(
        "/api/v1/members/verify-email", query_string={"token": token}, headers=headers
    )
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/email/verify?token=")
    return await client.get(response.headers["Location"], headers=headers)


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("fr-FR,fr;q=0.9", "Votre adresse est confirmée"),
        ("en-GB,en;q=0.8", "Your address is confirmed"),
    ],
)
async def test_a_browser_gets_a_page_in_its_language(
    app: EntraideApp, client: Any, mail_outbox: Outbox, language: str, heading: str
) -> None:
    await sign_up(client)
    page = await _open_in_browser(client, link_token(mail_outbox()[-1]["body"]), language)
    body = html.unescape(await page.get_data(as_text=True))
    assert page.status_code == 200 and page.content_type.startswith("text/html")
    assert f"<h1>{heading}</h1>" in body and "email_verified" not in body
    with app.node.db.activate():
        assert (await Member.get(phone=PHONE)).email_verified_at is not None


@pytest.mark.parametrize("accept", [None, "*/*", "application/json"])
async def test_api_clients_still_get_json(
    client: Any, mail_outbox: Outbox, accept: str | None
) -> None:
    await sign_up(client)
    token = link_token(mail_outbox()[-1]["body"])
    headers = {"Accept": accept} if accept else {}
    response = await client.get(
        "/api/v1/members/verify-email", query_string={"token": token}, headers=headers
    )
    assert response.status_code == 200
    assert (await response.get_json())["email_verified"] is True


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fr-FR", "Ce lien a expiré ; demandez-en un nouveau."),
        ("en-GB", "This link has expired; ask for a new one."),
    ],
)
async def test_an_expired_link_says_so_on_the_page(
    app: EntraideApp, client: Any, mail_outbox: Outbox, language: str, message: str
) -> None:
    await sign_up(client)
    token = link_token(mail_outbox()[-1]["body"])
    app.node.clock.advance(timedelta(hours=49))
    page = await _open_in_browser(client, token, language)
    assert page.status_code == 400
    assert message in html.unescape(await page.get_data(as_text=True))


async def test_a_bad_or_missing_token_on_the_page_is_400(client: Any) -> None:
    for query in ({"token": "garbage"}, {}):
        page = await client.get(
            "/email/verify", query_string=query, headers={"Accept-Language": "fr"}
        )
        assert page.status_code == 400
        assert "Ce lien n'est pas valable." in html.unescape(await page.get_data(as_text=True))
