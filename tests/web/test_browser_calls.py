"""A call for help in Debian's Chromium on a 375 px phone: a coordinator posts a donations call
from the association's space, a resident pledges on the call page, the coordinator sees the
count change; a repeating volunteers call with skills and its audience, answered for a date, and
its messages between the coordinator and a respondent; axe-core finds nothing serious on the
pages (the call, the association, a partner's association), and nothing leaves 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import playwright.sync_api as playwright_sync
import pytest

from tests.web.browser import CHROMIUM, LAUNCH_ARGS, Node, running_node
from tests.web.test_browser import LABELS, PASSWORD, Outside, _axe, _log_in, _sign_up

assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
pytestmark = [pytest.mark.slow]
PHONE = {"width": 375, "height": 740}
ROOT = Path(__file__).resolve().parents[2]


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
def partner_page(node: Node) -> str:
    """The path of a partner's association page, with one of its calls relayed here."""
    seeded = subprocess.run(
        [sys.executable, "-m", "tests.web.seed_partner_call"],
        env={**node.env, "PYTHONPATH": str(ROOT)},
        check=True,
        capture_output=True,
        text=True,
    )
    return seeded.stdout.strip()


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


def test_a_repeating_volunteers_call_its_messages_and_association_pages(
    node: Node, browser: Any, partner_page: str
) -> None:
    outside = Outside()
    problems: list[str] = []
    coordinator_context = _phone(browser, outside)
    coordinator = coordinator_context.new_page()
    _log_in(coordinator, node, "0611111111")
    coordinator.goto(f"{node.url}/associations")
    coordinator.get_by_label("Nom").fill("Les Repas du Canal")
    coordinator.get_by_role("button", name="Envoyer la demande").click()
    coordinator.wait_for_url("**/associations/*")
    association_url = coordinator.url
    coordinator.get_by_role("link", name="Lancer un appel").click()
    coordinator.wait_for_url("**/calls/new")
    coordinator.get_by_label("Type d'appel").select_option("volunteers")
    coordinator.get_by_label("Titre").fill("Cuisine solidaire du mardi")
    coordinator.get_by_label("Combien de personnes (bénévoles)").fill("2")
    coordinator.get_by_label("Compétences recherchées (bénévoles)").fill("cuisine, hygiène")
    first = (datetime.now() + timedelta(days=2)).replace(hour=10, minute=0)
    coordinator.get_by_label("Date et heure (bénévoles)").fill(first.strftime("%Y-%m-%dT%H:%M"))
    coordinator.get_by_label("Répétition (bénévoles)").fill("FREQ=WEEKLY;COUNT=3")
    coordinator.get_by_label("Où venir ou déposer").fill("Local, 3 rue du Canal")
    # The audience: people living within 2 km of the association's coordinates.
    coordinator.get_by_label("Les personnes qui vivent à moins de").select_option("2")
    coordinator.get_by_label("Latitude").fill("48.8566")
    coordinator.get_by_label("Longitude").fill("2.3522")
    coordinator.get_by_label("Ouvert pendant").select_option("30")  # long enough for the 3 dates
    _fits(coordinator)
    coordinator.get_by_role("button", name="Publier l'appel").click()
    coordinator.get_by_text("Votre appel est publié.").wait_for()
    call_url = coordinator.url
    facts = coordinator.locator("dl.facts").inner_text()
    assert "cuisine, hygiène" in facts and "Local, 3 rue du Canal" in facts
    assert coordinator.locator("#date-list > li").count() == 3
    _fits(coordinator)
    problems += _axe(coordinator)

    resident_context = _phone(browser, outside)
    resident = resident_context.new_page()
    _sign_up(resident, node, "06 40 00 00 02", "Sami", LABELS["fr"])
    resident.goto(call_url)
    resident.locator("#date-list").get_by_role("checkbox").first.check()
    resident.get_by_role("button", name="Je viens aux dates cochées").click()
    resident.get_by_text("Merci ! L'association compte sur vous.").wait_for()
    assert "Pas encore de message." in resident.locator("#messages").inner_text()

    # The coordinator writes to everyone who answered, through the node.
    coordinator.reload()
    assert coordinator.locator("#manage").get_by_text("Sami").count() == 1
    messages = coordinator.locator("#messages")
    assert messages.get_by_label("Envoyer à").input_value() == ""  # everyone who answered
    messages.get_by_label("Écrire aux personnes qui ont répondu").fill(
        "Rendez-vous à 9h45 devant le local, avec un tablier."
    )
    messages.get_by_role("button", name="Envoyer").click()
    coordinator.get_by_text("Votre message est envoyé.").wait_for()

    # The respondent reads it on the call page and answers the association.
    resident.reload()
    assert "Rendez-vous à 9h45 devant le local" in resident.locator("#messages").inner_text()
    resident.locator("#messages").get_by_label("Écrire à l'association").fill("J'y serai !")
    resident.locator("#messages").get_by_role("button", name="Envoyer").click()
    resident.get_by_text("Votre message est envoyé.").wait_for()
    _fits(resident)
    problems += _axe(resident)
    coordinator.reload()
    assert "J'y serai !" in coordinator.locator("#messages").inner_text()

    # The association's page and a partner node's association, as the resident sees them.
    resident.goto(association_url)
    assert "Cuisine solidaire du mardi" in resident.content()
    _fits(resident)
    problems += _axe(resident)
    resident.goto(f"{node.url}{partner_page}")
    resident.get_by_role("heading", name="Les Amis de Lyon").wait_for()
    assert "Couvertures pour la gare" in resident.locator("#calls").inner_text()
    assert resident.get_by_role("button", name="Suivre cette association").count() == 1
    _fits(resident)
    problems += _axe(resident)
    assert problems == []
    assert outside.requests == []
    resident_context.close()
    coordinator_context.close()
