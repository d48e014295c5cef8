"""Report and moderation on a 375 px phone in Debian's Chromium: a member reports an action as
"someone in danger" and sees the emergency numbers at once; a moderator opens the queue, hides
the action and closes the report; the reporter sees the outcome and the action is gone for
them. axe-core finds nothing serious, nothing is wider than the screen, and no request leaves
127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import playwright.sync_api as playwright_sync
import pytest

from tests.factories import need_body
from tests.web.browser import AXE, CHROMIUM, LAUNCH_ARGS, Node, running_node
from tests.web.test_browser import LABELS, PASSWORD, Outside, _axe, _sign_up

assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
pytestmark = [pytest.mark.slow]
AUTHOR = "+33655555501"
TITLE = "Cherche un lit ce soir"


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    with running_node(tmp_path_factory.mktemp("moderation-node")) as running:
        running.cli(
            "create-admin",
            "--phone",
            AUTHOR,
            "--email",
            "marc@example.org",
            "--password",
            PASSWORD,
            "--pseudonym",
            "Marc",
        )
        yield running


def _post_action(node: Node) -> str:
    token = httpx.post(
        f"{node.url}/api/v1/auth/token", json={"phone": AUTHOR, "password": PASSWORD}
    ).json()["access_token"]
    response = httpx.post(
        f"{node.url}/api/v1/actions",
        json=need_body(TITLE),
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _phone_page(browser: Any, outside: Outside) -> tuple[Any, Any]:
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 375, "height": 740}, bypass_csp=True
    )
    context.route("**/*", outside)
    context.set_default_timeout(10_000)
    return context, context.new_page()


def _fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{page.url} is {width} px wide"


def test_report_moderate_and_see_the_outcome_on_a_phone(node: Node) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: npm ci --prefix tests/web")
    action_id = _post_action(node)
    violations: list[str] = []
    outside = Outside()
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        reporter_context, reporter = _phone_page(browser, outside)
        _sign_up(reporter, node, "06 55 55 55 02", "Nadia", LABELS["fr"])
        reporter.goto(f"{node.url}/actions/{action_id}")
        reporter.get_by_role("link", name="Signaler", exact=True).click()
        reporter.wait_for_url("**/report?target=action*")
        reporter.get_by_role("radio", name="Une personne en danger").check()
        # The numbers are on the form: no script and no round trip needed to see them.
        for number in ("115", "15", "17", "112", "119"):
            assert reporter.locator(f'a[href="tel:{number}"]').is_visible()
        violations += _axe(reporter)
        _fits(reporter)
        reporter.get_by_label("Dites-nous en plus (facultatif)").fill("Il dort dehors, il a froid.")
        reporter.get_by_role("button", name="Envoyer le signalement").click()
        reporter.get_by_role("heading", name="Signalement envoyé").wait_for()
        assert reporter.locator('a[href="tel:115"]').is_visible()
        violations += _axe(reporter)
        _fits(reporter)

        moderator_context, moderator = _phone_page(browser, outside)
        _sign_up(moderator, node, "06 55 55 55 03", "Modé", LABELS["fr"])
        node.cli("moderator", "grant", "--phone", "+33655555503")
        moderator.reload()
        moderator.get_by_role("link", name="Modération", exact=True).click()
        moderator.wait_for_url("**/moderation")
        violations += _axe(moderator)
        _fits(moderator)
        moderator.get_by_role("link", name="Une personne en danger").click()
        moderator.wait_for_url("**/moderation/reports/*")
        assert moderator.get_by_text("Il dort dehors, il a froid.").is_visible()
        assert moderator.get_by_text(TITLE).first.is_visible()
        violations += _axe(moderator)
        _fits(moderator)
        moderator.locator("#hide-reason").fill("Demande d'argent cachée")
        moderator.get_by_role("button", name="Le masquer").click()
        moderator.get_by_text("C'est fait : Masquer le contenu.").wait_for()
        moderator.get_by_role("radio", name="Clore : c'est réglé").check()
        moderator.locator("#close-reason").fill("Action masquée")
        moderator.get_by_role("button", name="Clore le signalement").click()
        moderator.get_by_text("C'est fait : Clore : c'est réglé.").wait_for()
        violations += _axe(moderator)
        _fits(moderator)

        reporter.goto(f"{node.url}/me")
        reporter.get_by_role("link", name="Mes signalements").click()
        reporter.wait_for_url("**/me/reports")
        assert reporter.get_by_text("La modération a agi").is_visible()
        assert "Marc" not in reporter.content()
        violations += _axe(reporter)
        _fits(reporter)
        gone = reporter.goto(f"{node.url}/actions/{action_id}")
        assert gone is not None and gone.status == 404

        assert violations == []
        assert outside.requests == []
        reporter_context.close()
        moderator_context.close()
        browser.close()
