"""A call for help in Debian's Chromium on a 375 px phone: a coordinator posts a donations call
from the association's space, a resident pledges on the call page, the coordinator sees the
count change; axe-core finds nothing serious on the pages, and nothing leaves 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import playwright.sync_api as playwright_sync
import pytest

from tests.web.browser import CHROMIUM, LAUNCH_ARGS, Node, running_node
from tests.web.test_browser import LABELS, PASSWORD, Outside, _axe, _log_in, _sign_up

assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
pytestmark = [pytest.mark.slow]
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    with running_node(tmp_path_factory.mktemp("browser-calls")) as running:
        running.cli(
            "create-admin",
            "--phone",
            "+33611111111",
            "--email",
            "admin@example.org",
            "--password",
            PASSWORD,
            "--pseudonym",
            "Coordinatrice",
        )
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_sync.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()


def _phone(browser: Any, outside: Outside) -> Any:
    # bypass_csp: only so that axe-core can be injected; the pages themselves run under CSP.
    context = browser.new_context(
        locale="fr-FR", viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True
    )
    context.route("**/*", outside)
    context.set_default_timeout(10_000)
    return context


def _fits(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def test_coordinator_posts_resident_pledges_count_changes(node: Node, browser: Any) -> None:
    outside = Outside()
    problems: list[str] = []
    coordinator_context = _phone(browser, outside)
    coordinator = coordinator_context.new_page()
    _log_in(coordinator, node, "0611111111")
    coordinator.goto(f"{node.url}/associations")
    coordinator.get_by_label("Nom").fill("Chaleur Humaine")
    coordinator.get_by_role("button", name="Envoyer la demande").click()
    coordinator.wait_for_url("**/associations/*")
    coordinator.get_by_role("link", name="Lancer un appel").click()
    coordinator.wait_for_url("**/calls/new")
    _fits(coordinator)
    problems += _axe(coordinator)
    coordinator.get_by_label("Type d'appel").select_option("donations")
    coordinator.get_by_label("Titre").fill("Grand froid : duvets et chaussures")
    coordinator.get_by_label("Objets demandés (dons)").fill("Duvets: 20\nChaussures 42-44: 10")
    coordinator.get_by_label("Où venir ou déposer").fill("12 rue des Lilas")
    coordinator.get_by_role("button", name="Publier l'appel").click()
    coordinator.wait_for_url("**/calls/*")
    coordinator.get_by_text("Votre appel est publié.").wait_for()
    call_url = coordinator.url
    assert coordinator.locator("#answer-count").inner_text() == "0"
    _fits(coordinator)
    problems += _axe(coordinator)

    resident_context = _phone(browser, outside)
    resident = resident_context.new_page()
    _sign_up(resident, node, "06 40 00 00 01", "Léa", LABELS["fr"])
    resident.goto(call_url)
    resident.get_by_label("Duvets").fill("5")
    resident.get_by_role("button", name="Je m'engage").click()
    resident.get_by_text("Merci ! L'association compte sur vous.").wait_for()
    assert resident.get_by_role("button", name="Retirer ma réponse").count() == 1
    _fits(resident)
    problems += _axe(resident)

    coordinator.reload()
    assert coordinator.locator("#answer-count").inner_text() == "1"
    needs = coordinator.locator("#needs").inner_text()
    assert "15" in needs and "Duvets" in needs
    assert coordinator.locator("#manage").get_by_text("Léa").count() == 1
    assert problems == []
    assert outside.requests == []
    resident_context.close()
    coordinator_context.close()


def test_a_call_with_listed_words_is_posted_once_the_box_is_ticked(
    node: Node, browser: Any
) -> None:
    outside = Outside()
    context = _phone(browser, outside)
    page = context.new_page()
    _log_in(page, node, "0611111111")
    page.goto(f"{node.url}/moderation/words")
    page.get_by_label("Un mot ou une courte expression").fill("argent liquide")
    page.get_by_role("button", name="Ajouter à la liste").click()
    page.goto(f"{node.url}/associations")
    page.get_by_label("Nom").fill("Les Paniers du Canal")
    page.get_by_role("button", name="Envoyer la demande").click()
    page.wait_for_url("**/associations/*")
    page.get_by_role("link", name="Lancer un appel").click()
    page.get_by_label("Titre").fill("Paniers contre argent liquide")
    page.get_by_label("Objets demandés (dons)").fill("Paniers: 5")
    page.get_by_role("button", name="Publier l'appel").click()
    warning = page.get_by_role("alert")
    warning.get_by_text("argent liquide").wait_for()
    assert "mots que la modération demande d'éviter" in warning.inner_text()
    assert page.get_by_label("Titre").input_value() == "Paniers contre argent liquide"
    _fits(page)
    assert _axe(page) == []
    page.get_by_label("J'ai vérifié : mon texte peut être publié").check()
    page.get_by_role("button", name="Publier l'appel").click()
    page.get_by_text("Votre appel est publié.").wait_for()
    assert outside.requests == []
    context.close()
