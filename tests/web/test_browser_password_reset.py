"""A forgotten password on a 375 px phone in Debian's Chromium: the link on the log-in page, the
texted code, the new password, then log-in with it; axe-core finds nothing serious on the pages.
No request leaves 127.0.0.1."""

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
PHONE = "+33633333331"
OLD = "un mot de passe solide"
NEW = "un tout nouveau mot de passe"


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    with running_node(tmp_path_factory.mktemp("reset-node")) as running:
        running.cli(
            "create-admin",
            "--phone",
            PHONE,
            "--email",
            "chloe@example.org",
            "--password",
            OLD,
            "--pseudonym",
            "Chloé",
        )
        yield running


def test_password_reset_on_a_phone(node: Node) -> None:
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
        page.get_by_role("link", name="Mot de passe oublié ?").click()
        page.wait_for_url("**/password/forgot")
        violations += _axe(page)
        page.get_by_label("Numéro de téléphone").fill("06 33 33 33 31")
        page.get_by_role("button", name="Recevoir un code").click()
        page.wait_for_url("**/password/reset")
        violations += _axe(page)
        # Nothing wider than the phone's screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.get_by_label("Code").fill(node.sms_code(PHONE))
        page.locator("#f-password").fill(NEW)
        page.get_by_label("Le nouveau mot de passe, encore une fois").fill(NEW)
        page.get_by_role("button", name="Enregistrer le mot de passe").click()
        page.wait_for_url("**/login")
        assert "Votre mot de passe est changé." in page.content()
        page.get_by_label("Numéro de téléphone").fill(PHONE)
        page.locator("#f-password").fill(NEW)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(f"{node.url}/")
        assert violations == []
        assert outside.requests == []
        context.close()
        browser.close()
