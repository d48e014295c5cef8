"""My data on a 375 px phone in Debian's Chromium: from my page to the readable export in one
tap, nothing wider than the screen, the menus left out on paper, then deletion with one
confirmation; axe-core finds nothing serious. No request leaves 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import playwright.sync_api as playwright_sync
import pytest

from tests.web.browser import AXE, CHROMIUM, LAUNCH_ARGS, Node, running_node
from tests.web.test_browser import Outside, _axe

assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
pytestmark = [pytest.mark.slow]
PHONE = "+33633333341"
PASSWORD = "un mot de passe solide"


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    with running_node(tmp_path_factory.mktemp("data-node")) as running:
        running.cli(
            "create-admin",
            "--phone",
            PHONE,
            "--email",
            "ines@example.org",
            "--password",
            PASSWORD,
            "--pseudonym",
            "Inès",
        )
        yield running


def test_my_data_then_deletion_on_a_phone(node: Node) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: npm ci --prefix tests/web")
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        outside = Outside()
        context = browser.new_context(
            locale="fr-FR", viewport={"width": 375, "height": 740}, bypass_csp=True
        )
        context.route("**/*", outside)
        context.set_default_timeout(10_000)
        page: Any = context.new_page()
        violations: list[str] = []
        page.goto(f"{node.url}/login?lang=fr")
        page.get_by_label("Numéro de téléphone").fill(PHONE)
        page.locator("#f-password").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(f"{node.url}/")
        page.goto(f"{node.url}/me")
        page.get_by_role("link", name="Voir mes données").click()
        page.wait_for_url("**/me/data")
        violations += _axe(page)
        assert page.get_by_role("heading", name="Mon compte").is_visible()
        assert "Inès" in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.emulate_media(media="print")
        assert not page.locator("header.site").is_visible()
        assert page.get_by_role("heading", name="Mon compte").is_visible()
        page.emulate_media(media="screen")
        page.get_by_role("link", name="Supprimer mon compte").first.click()
        page.wait_for_url("**/me/delete")
        violations += _axe(page)
        page.get_by_label("Mot de passe, pour confirmer").fill(PASSWORD)
        page.get_by_role("button", name="Oui, supprimer mon compte").click()
        page.wait_for_url(f"{node.url}/")
        page.goto(f"{node.url}/me/data")
        page.wait_for_url("**/login**")
        assert violations == []
        assert outside.requests == []
        context.close()
        browser.close()
