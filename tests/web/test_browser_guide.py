"""The solidarity guide in Debian's Chromium on a 375 px phone, not logged in: from the home
page to the guide, "open now" near the node's centre shows the place that is open and leaves out
the one closed for a while; the place's page gives its hours in words; a member suggests new
hours from it and a coordinator accepts them; axe-core finds nothing serious, and nothing leaves
127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import playwright.sync_api as playwright_sync
import pytest

from node import clock
from tests.web.browser import CHROMIUM, LAUNCH_ARGS, Node, running_node
from tests.web.test_browser import PASSWORD, Outside, _axe, _log_in

assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
pytestmark = [pytest.mark.slow]
PHONE = {"width": 375, "height": 740}
CENTRE = (48.8566, 2.3522)


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    with running_node(tmp_path_factory.mktemp("browser-guide")) as running:
        running.cli(
            "create-admin",
            "--phone",
            "+33611111111",
            "--email",
            "admin@example.org",
            "--password",
            PASSWORD,
            "--pseudonym",
            "Admin",
        )
        token = httpx.post(
            f"{running.url}/api/v1/auth/token",
            json={"phone": "+33611111111", "password": PASSWORD},
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        today = clock.now().date()
        for name, extra in (
            ("Bains-douches du Marais", {}),
            (
                "Laverie solidaire",
                {
                    "closed_from": str(today - timedelta(days=1)),
                    "closed_to": str(today + timedelta(days=5)),
                },
            ),
        ):
            body = {
                "name": name,
                "categories": ["shower", "laundry"],
                "lat": CENTRE[0] + 0.003,
                "lon": CENTRE[1],
                "address": "12 rue des Archives",
                "opening_hours": "24/7",
                **extra,
            }
            made = httpx.post(f"{running.url}/api/v1/places", json=body, headers=headers)
            assert made.status_code == 201, made.text
        yield running


def test_open_now_near_the_centre_on_a_phone(node: Node) -> None:
    outside = Outside()
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        context = browser.new_context(
            locale="fr-FR", viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True
        )
        context.route("**/*", outside)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto(f"{node.url}/?lang=fr")
        page.get_by_role("link", name="Guide solidaire").first.click()
        page.wait_for_url("**/guide*")
        places = page.locator("#guide-places")
        assert "Laverie solidaire" in places.inner_text()
        page.get_by_label("Ouvert maintenant seulement").check()
        page.get_by_role("button", name="Chercher").click()
        page.wait_for_url("**open_now=1*")
        listed = page.locator("#guide-places").inner_text()
        assert "Bains-douches du Marais" in listed and "ouvert 24 h/24" in listed
        assert "Laverie solidaire" not in listed
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the guide is {width}px wide"
        problems = _axe(page)
        page.get_by_role("link", name="Bains-douches du Marais").click()
        page.wait_for_url("**/guide/*")
        assert page.locator("#hours-now").inner_text() == "ouvert 24 h/24"
        problems += _axe(page)
        browser.close()
    assert problems == []
    assert outside.requests == []


def test_a_suggested_change_on_a_phone(node: Node) -> None:
    """From a place's page: "Proposer une modification", a new phone, sent; then the list of
    suggestions, where the node admin (who edits the node's places) accepts it."""
    outside = Outside()
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        context = browser.new_context(
            locale="fr-FR", viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True
        )
        context.route("**/*", outside)
        context.set_default_timeout(10_000)
        page = context.new_page()
        _log_in(page, node, "+33611111111")
        page.goto(f"{node.url}/guide?lang=fr")
        page.locator("#guide-places").get_by_role("link", name="Bains-douches du Marais").click()
        page.wait_for_url("**/guide/*")
        page.get_by_role("link", name="Quelque chose ne va pas ? Proposer une modification").click()
        page.wait_for_url("**/suggest")
        problems = _axe(page)
        # The phone, not the hours: the other test of this module reads them.
        page.get_by_label("Téléphone", exact=True).fill("01 42 00 00 00")
        page.get_by_role("button", name="Envoyer ma proposition").click()
        page.wait_for_url("**/guide/*")
        assert "Merci" in page.locator(".flash").inner_text()
        page.get_by_role("link", name="1 modification proposée attend").click()
        page.wait_for_url("**/guide/suggestions")
        assert "01 42 00 00 00" in page.locator("#suggestions").inner_text()
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the suggestions are {width}px wide"
        problems += _axe(page)
        page.get_by_role("button", name="Accepter la modification").click()
        page.wait_for_url("**/guide/suggestions")
        assert "Aucune proposition n'attend." in page.content().replace("&#39;", "'")
        browser.close()
    assert problems == []
    assert outside.requests == []
