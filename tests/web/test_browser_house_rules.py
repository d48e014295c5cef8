"""The house rules page in Debian's Chromium at 375 px with JavaScript off: a visitor reads the
rules; an admin changes a rule's words with the forms; axe-core finds nothing serious, in either
view, and on the report form with its rule picker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import playwright.sync_api as playwright_sync
import pytest

from tests.factories import need_body
from tests.web.browser import AXE, CHROMIUM, LAUNCH_ARGS, Node, running_node
from tests.web.test_browser import PASSWORD, Outside, _axe, _log_in

assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
pytestmark = [pytest.mark.slow]
ADMIN = "+33611111111"


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    with running_node(tmp_path_factory.mktemp("rules-node")) as running:
        running.cli(
            "create-admin",
            "--phone",
            ADMIN,
            "--email",
            "admin@example.org",
            "--password",
            PASSWORD,
            "--pseudonym",
            "Admin",
        )
        yield running


def _phone(browser: Any, outside: Outside) -> tuple[Any, Any]:
    context = browser.new_context(
        locale="fr-FR",
        viewport={"width": 375, "height": 740},
        java_script_enabled=False,
        bypass_csp=True,
    )
    context.route("**/*", outside)
    context.set_default_timeout(10_000)
    return context, context.new_page()


def _fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{page.url} is {width} px wide"


def _action(node: Node) -> str:
    token = httpx.post(
        f"{node.url}/api/v1/auth/token", json={"phone": ADMIN, "password": PASSWORD}
    ).json()["access_token"]
    response = httpx.post(
        f"{node.url}/api/v1/actions",
        json=need_body("Cherche un duvet"),
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_the_rules_page_on_a_phone_without_javascript(node: Node) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: npm ci --prefix tests/web")
    violations: list[str] = []
    outside = Outside()
    action_id = _action(node)
    with playwright_sync.sync_playwright() as p:
        # axe-core is a script: it runs in a context of its own, on the pages the phone saw.
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        checker = browser.new_context(
            locale="fr-FR", viewport={"width": 375, "height": 740}, bypass_csp=True
        )
        checker.route("**/*", outside)
        audit = checker.new_page()

        context, visitor = _phone(browser, outside)
        visitor.goto(f"{node.url}/")
        visitor.get_by_role("link", name="Règles de vie").click()
        visitor.wait_for_url("**/rules")
        assert visitor.locator("ol.rules li").count() == 6
        assert visitor.locator("#rule-1").inner_text() == "Pas d'insultes ni de menaces."
        _fits(visitor)
        audit.goto(f"{node.url}/rules")
        violations += _axe(audit)
        context.close()

        context, admin = _phone(browser, outside)
        _log_in(admin, node, "0611111111")
        admin.goto(f"{node.url}/rules")
        _fits(admin)
        admin.locator("#rule-admin-1 + details summary").click()
        admin.locator("#r1-text_fr").fill("Ni insulte, ni menace.")
        admin.locator("#r1-text_en").fill("No insult, no threat.")
        admin.get_by_role("button", name="Changer cette règle").first.click()
        admin.wait_for_url("**/rules")
        assert "La règle est modifiée." in admin.content()
        assert admin.locator("#rule-1").inner_text() == "Ni insulte, ni menace."
        admin.goto(f"{node.url}/report?target=action:{action_id}")
        admin.get_by_label(
            "Quelle règle de vie n'a pas été respectée ? (facultatif)"
        ).select_option("1")
        _fits(admin)
        # The same pages for axe, logged in as the admin (the forms are what it checks).
        _log_in(audit, node, "0611111111")
        for path in ("/rules", f"/report?target=action:{action_id}"):
            audit.goto(f"{node.url}{path}")
            violations += _axe(audit)
        context.close()
        checker.close()
        browser.close()
    assert violations == [], violations
    assert outside.requests == []
