"""Live pages in Debian's Chromium: two members in two browser contexts; one writes in the
chat and the other sees it and the unread badge change without reloading. With JavaScript
off, the same pages work by reloading. No request leaves 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import playwright.sync_api as playwright_sync
import pytest

from tests.web.browser import CHROMIUM, LAUNCH_ARGS, Node, running_node
from tests.web.test_browser import Outside, _context

assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
pytestmark = [pytest.mark.slow]
PASSWORD = "un mot de passe solide"
PEOPLE = {"Awa": "+33622222221", "Basile": "+33622222222"}


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    with running_node(tmp_path_factory.mktemp("live-node")) as running:
        for name, phone in PEOPLE.items():
            running.cli(
                "create-admin",
                "--phone",
                phone,
                "--email",
                f"{name.lower()}@example.org",
                "--password",
                PASSWORD,
                "--pseudonym",
                name,
            )
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_sync.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()


def token(node: Node, name: str) -> dict[str, str]:
    response = httpx.post(
        f"{node.url}/api/v1/auth/token", json={"phone": PEOPLE[name], "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def shared_action(node: Node) -> tuple[str, dict[str, str], dict[str, str]]:
    """Awa's need, Basile accepted in it: both are in its chat."""
    awa, basile = token(node, "Awa"), token(node, "Basile")
    body = {
        "kind": "need",
        "category": "food",
        "title": "Une soupe chaude",
        "lat": 48.85,
        "lon": 2.35,
    }
    action = httpx.post(f"{node.url}/api/v1/actions", json=body, headers=awa).json()
    parts = f"{node.url}/api/v1/actions/{action['id']}/participations"
    joined = httpx.post(parts, json={}, headers=basile).json()
    decided = httpx.patch(f"{parts}/{joined['id']}", json={"status": "accepted"}, headers=awa)
    assert decided.status_code == 200
    return action["id"], awa, basile


def log_in(page: Any, node: Node, name: str) -> None:
    page.goto(f"{node.url}/login?lang=fr")
    page.get_by_label("Numéro de téléphone").fill(PEOPLE[name])
    page.locator("#f-password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{node.url}/")


def test_chat_and_badge_update_without_reload(node: Node, browser: Any) -> None:
    action_id, _, _ = shared_action(node)
    outside = Outside()
    awa_context, basile_context = (
        _context(browser, "fr-FR", outside),
        _context(browser, "fr-FR", outside),
    )
    awa, basile = awa_context.new_page(), basile_context.new_page()
    log_in(awa, node, "Awa")
    log_in(basile, node, "Basile")
    page_url = f"{node.url}/actions/{action_id}"
    awa.goto(page_url)  # reading the page reads its notifications: the badge is hidden
    badge = awa.locator('[data-live="unread"]')
    assert badge.is_hidden()
    loaded = awa.evaluate("performance.timeOrigin")

    basile.goto(page_url)
    basile.get_by_label("Votre message").fill("J'arrive dans dix minutes.")
    basile.get_by_role("button", name="Envoyer").click()
    basile.wait_for_url(f"{page_url}**")

    # Awa's page, never reloaded: the message appears, the badge counts it.
    awa.locator('[data-live="messages"]').get_by_text("J'arrive dans dix minutes.").wait_for(
        timeout=8_000
    )
    awa.locator('[data-live="unread"]:not([hidden])').wait_for(timeout=8_000)
    assert badge.inner_text() == "1"
    assert awa.evaluate("performance.timeOrigin") == loaded  # same document: no reload
    assert outside.requests == []
    awa_context.close()
    basile_context.close()


def test_without_javascript_the_pages_still_work(node: Node, browser: Any) -> None:
    action_id, awa_token, _ = shared_action(node)
    outside = Outside()
    context = _context(browser, "fr-FR", outside, java_script_enabled=False)
    page = context.new_page()
    log_in(page, node, "Basile")
    page.goto(f"{node.url}/actions/{action_id}")
    page.get_by_label("Votre message").fill("Sans JavaScript aussi.")
    page.get_by_role("button", name="Envoyer").click()
    page.locator(".messages").get_by_text("Sans JavaScript aussi.").wait_for()
    # Awa answers; Basile sees it by reloading, and the badge in the navigation.
    chat = f"{node.url}/api/v1/actions/{action_id}/messages"
    assert httpx.post(chat, json={"body": "Bien reçu."}, headers=awa_token).status_code == 201
    page.goto(f"{node.url}/notifications")
    page.get_by_text("Nouveau message de Awa dans « Une soupe chaude ».").wait_for()
    assert page.locator('[data-live="unread"]').inner_text() != "0"
    page.get_by_role("button", name="Tout marquer comme lu").click()
    page.wait_for_url(f"{node.url}/notifications")
    assert page.locator('[data-live="unread"]').is_hidden()
    assert outside.requests == []
    context.close()
