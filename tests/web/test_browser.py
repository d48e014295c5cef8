"""The web interface in Debian's Chromium, driven by Playwright, against a real node.

Flow (in French, then in English): sign-up → SMS code → post a need → a second member finds it
in the list and on the map → asks to join → the author accepts → they chat. Then the admin
approves an association request, axe-core checks the main pages, and screenshots are taken.
No request may leave 127.0.0.1.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import playwright.sync_api as playwright_sync
import pytest

from tests.web.browser import AXE, CHROMIUM, LAUNCH_ARGS, Node, running_node

# Browser tests fail loudly without Debian's Chromium: `make test` installs it.
assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
pytestmark = [pytest.mark.slow]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "un mot de passe solide"
WEEKDAYS = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    with running_node(tmp_path_factory.mktemp("browser-node")) as running:
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
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_sync.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()


class Outside:
    """Records (and blocks) every request that would leave the node."""

    def __init__(self) -> None:
        self.requests: list[str] = []

    def __call__(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()


def _context(browser: Any, locale: str, outside: Outside, **options: Any) -> Any:
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900}, **options)
    context.route("**/*", outside)
    context.set_default_timeout(10_000)
    return context


def _sign_up(page: Any, node: Node, phone: str, pseudonym: str, labels: dict[str, str]) -> None:
    page.goto(f"{node.url}/signup")
    page.get_by_label(labels["phone"]).fill(phone)
    page.get_by_label(labels["email"]).fill(f"{pseudonym.lower()}@example.org")
    page.get_by_label(labels["pseudonym"]).fill(pseudonym)
    page.locator("#f-password").fill(PASSWORD)  # the label is also a prefix of the next one
    page.get_by_label(labels["password_again"]).fill(PASSWORD)
    page.locator("#f-accept_charter").check()
    page.get_by_role("button", name=labels["create"]).click()
    page.wait_for_url("**/verify")
    e164 = "+33" + phone.replace(" ", "")[1:]
    page.get_by_label(labels["code"]).fill(node.sms_code(e164))
    page.get_by_role("button", name=labels["check"]).click()
    page.wait_for_url(f"{node.url}/")


LABELS = {
    "fr": {
        "phone": "Numéro de téléphone",
        "email": "Adresse e-mail",
        "pseudonym": "Pseudonyme",
        "password": "Mot de passe",
        "password_again": "Mot de passe (encore)",
        "create": "Créer mon compte",
        "code": "Code",
        "check": "Vérifier",
        "post": "Publier",
        "title": "Titre",
        "details": "Détails",
        "join": "Participer à cette action",
        "accept": "Accepter",
        "message": "Votre message",
        "send": "Envoyer",
        "heading": "Demandes et contributions près de chez vous",
        "no_place": "Indiquez le lieu : touchez la carte",
        "outing": "Sortie",
        "starts": "Début",
        "ends": "Fin",
        "meeting_point": "Point de rendez-vous",
        "places": "Nombre de places",
        "at_two": "à 14 h",
        "at_half_past_four": "à 16 h 30",
        "now": "maintenant",
        "centre": "Autour du centre d'Entraide Paris.",
        "place": "Lieu",
    },
    "en": {
        "phone": "Phone number",
        "email": "Email address",
        "pseudonym": "Pseudonym",
        "password": "Password",
        "password_again": "Password again",
        "create": "Create my account",
        "code": "Code",
        "check": "Check",
        "post": "Publish",
        "title": "Title",
        "details": "Details",
        "join": "Join this action",
        "accept": "Accept",
        "message": "Your message",
        "send": "Send",
        "heading": "Needs and offers near you",
        "no_place": "Choose a place: tap the map",
        "outing": "Outing",
        "starts": "Starts",
        "ends": "Ends",
        "meeting_point": "Meeting point",
        "places": "Number of places",
        "at_two": "at 2 PM",
        "at_half_past_four": "at 4:30 PM",
        "now": "now",
        "centre": "Around the centre of Entraide Paris.",
        "place": "Place",
    },
}


@pytest.mark.parametrize(
    ("language", "locale", "phones"),
    [
        ("fr", "fr-FR", ("06 10 00 00 01", "06 10 00 00 02")),
        ("en", "en-GB", ("06 20 00 00 01", "06 20 00 00 02")),
    ],
)
def test_need_join_and_chat(
    node: Node, browser: Any, language: str, locale: str, phones: tuple[str, str]
) -> None:
    labels = LABELS[language]
    outside = Outside()
    author_context = _context(browser, locale, outside)
    helper_context = _context(browser, locale, outside)
    author, helper = author_context.new_page(), helper_context.new_page()
    title = "Chaussures pointure 43" if language == "fr" else "Winter shoes, size 43"

    _sign_up(author, node, phones[0], f"Lea{language}", labels)
    assert author.locator("html").get_attribute("lang") == language
    author.goto(f"{node.url}/post")
    author.get_by_label(labels["title"]).fill(title)
    author.get_by_label(labels["details"]).fill("Pour cet hiver, merci !")
    # Without a place the form comes back and says what to do; nothing is published.
    author.get_by_role("button", name=labels["post"], exact=True).click()
    author.locator(".errors").get_by_text(labels["no_place"]).wait_for()
    assert author.locator("#f-lat").input_value() == ""
    if language == "fr":  # a tap on the map gives the point
        author.locator("#pick-map").click()
        assert author.locator("#f-lat").input_value() != ""
    else:  # a place of the list, typed
        author.get_by_label(labels["place"], exact=True).fill("Gare du Nord")
        author.get_by_label(labels["place"], exact=True).dispatch_event("change")
        assert author.locator("#f-lat").input_value() == "48.88090"
    author.get_by_role("button", name=labels["post"], exact=True).click()
    author.wait_for_url("**/actions/*")
    action_url = author.url

    _sign_up(helper, node, phones[1], f"Sam{language}", labels)
    helper.get_by_role("heading", name=labels["heading"]).wait_for()
    # The node's name with the right article: "d'Entraide Paris" in French.
    assert helper.get_by_text(labels["centre"], exact=True).count() == 1
    link = helper.locator(".cards").get_by_role("link", name=title)
    assert link.count() == 1
    helper.locator(f'.leaflet-marker-icon[title="{title}"]').wait_for()
    link.click()
    helper.wait_for_url(action_url)
    helper.get_by_role("button", name=labels["join"]).click()
    helper.wait_for_url(action_url)

    author.reload()
    author.get_by_role("button", name=labels["accept"]).click()
    author.wait_for_url("**#participants")

    helper.reload()
    helper.get_by_label(labels["message"]).fill("Bonjour, je les apporte samedi.")
    helper.get_by_role("button", name=labels["send"]).click()
    helper.locator(".messages").get_by_text("je les apporte samedi").wait_for()
    author.reload()
    author.locator(".messages").get_by_text("je les apporte samedi").wait_for()
    author.get_by_label(labels["message"]).fill("Merci beaucoup !")
    author.get_by_role("button", name=labels["send"]).click()
    helper.reload()
    helper.locator(".messages").get_by_text("Merci beaucoup").wait_for()

    assert outside.requests == []
    author_context.close()
    helper_context.close()


@pytest.mark.parametrize(
    ("language", "locale", "phone"),
    [("fr", "fr-FR", "06 40 00 00 01"), ("en", "en-GB", "06 40 00 00 02")],
)
def test_posting_without_javascript_takes_a_typed_place(
    node: Node, browser: Any, language: str, locale: str, phone: str
) -> None:
    labels = LABELS[language]
    outside = Outside()
    context = _context(browser, locale, outside, java_script_enabled=False)
    page = context.new_page()
    _sign_up(page, node, phone, f"Nojs{language}", labels)
    page.goto(f"{node.url}/post")
    page.get_by_label(labels["outing"], exact=True).check()
    page.get_by_label(labels["title"]).fill(f"Sans carte ({language})")
    starts = (date.today() + timedelta(days=3)).isoformat()
    page.get_by_label(labels["starts"], exact=True).fill(f"{starts}T14:00")
    page.get_by_label(labels["ends"], exact=True).fill(f"{starts}T16:30")
    page.get_by_label(labels["meeting_point"], exact=True).fill("Le square")
    page.get_by_label(labels["places"], exact=True).fill("12")
    page.get_by_role("button", name=labels["post"], exact=True).click()
    page.locator(".errors").get_by_text(labels["no_place"]).wait_for()
    if language == "fr":
        page.get_by_label(labels["place"], exact=True).fill("gare de lyon")
    else:
        page.get_by_label("Latitude").fill("48.8443")
        page.get_by_label("Longitude").fill("2.3744")
    page.get_by_role("button", name=labels["post"], exact=True).click()
    page.wait_for_url("**/actions/*")
    assert page.get_by_role("heading", name=f"Sans carte ({language})").count() == 1
    # Times in words, in the node's time zone, never with seconds.
    weekday = WEEKDAYS[language][(date.today() + timedelta(days=3)).weekday()]
    facts = page.locator(".facts").inner_text().replace("\xa0", " ").replace("\u202f", " ")
    assert weekday in facts and labels["at_two"] in facts and labels["at_half_past_four"] in facts
    assert page.locator(".action .muted").get_by_text(labels["now"]).count() == 1
    assert re.search(r"\d:\d\d:\d\d", page.content()) is None
    assert outside.requests == []
    context.close()


def _log_in(page: Any, node: Node, phone: str) -> None:
    page.goto(f"{node.url}/login?lang=fr")
    page.get_by_label("Numéro de téléphone").fill(phone)
    page.locator("#f-password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{node.url}/")


def test_admin_approves_an_association_request(node: Node, browser: Any) -> None:
    outside = Outside()
    context = _context(browser, "fr-FR", outside)
    page = context.new_page()
    _sign_up(page, node, "06 30 00 00 01", "Asso", LABELS["fr"])
    page.goto(f"{node.url}/associations")
    page.get_by_label("Nom").fill("Les Maraudeurs du 11e")
    page.get_by_role("button", name="Envoyer la demande").click()
    page.wait_for_url("**/associations/*")
    context.close()

    context = _context(browser, "fr-FR", outside)
    admin = context.new_page()
    _log_in(admin, node, "0611111111")
    admin.goto(f"{node.url}/admin")
    row = admin.locator("li", has_text="Les Maraudeurs du 11e")
    row.get_by_role("button", name="Approuver").click()
    admin.get_by_text("L'association Les Maraudeurs du 11e est approuvée.").wait_for()
    admin.goto(f"{node.url}/associations")
    assert admin.get_by_role("link", name="Les Maraudeurs du 11e").count() == 1
    assert outside.requests == []
    context.close()


def _axe(page: Any) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{page.url}: {v['id']} ({v['impact']}) {v['nodes'][0]['target']}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_main_pages_pass_axe_and_screenshots(node: Node, browser: Any, tmp_path: Path) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: npm ci --prefix tests/web")
    outside = Outside()
    context = _context(browser, "fr-FR", outside, bypass_csp=True)
    page = context.new_page()
    violations: list[str] = []
    for path in ("/", "/signup", "/login", "/associations", "/nothing-here"):
        page.goto(f"{node.url}{path}")
        violations += _axe(page)
    _log_in(page, node, "0611111111")
    page.goto(f"{node.url}/post?kind=offer")
    page.get_by_label("Titre").fill("Café et croissants le dimanche matin")
    page.get_by_label("Lieu", exact=True).fill("République")
    page.get_by_role("button", name="Publier", exact=True).click()
    page.wait_for_url("**/actions/*")
    action = page.url.removeprefix(node.url)
    for path in ("/", action, "/post", "/me", "/admin", "/associations"):
        page.goto(f"{node.url}{path}")
        violations += _axe(page)
    assert violations == []

    target = SCREENSHOTS if os.environ.get("ENTRAIDE_SCREENSHOTS") == "docs" else tmp_path
    target.mkdir(parents=True, exist_ok=True)
    for width, height in ((375, 800), (1280, 860)):
        page.set_viewport_size({"width": width, "height": height})
        for name, path in (("home", "/?lang=fr"), ("action", action), ("post", "/post")):
            page.goto(f"{node.url}{path}")
            page.screenshot(path=str(target / f"{name}-{width}.png"))
    assert (target / "home-375.png").stat().st_size > 1000
    assert outside.requests == []
    context.close()
