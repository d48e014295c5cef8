"""The pages of partnerships, federation and outreach in Debian's Chromium, against real nodes.

- Two ``entraide serve`` processes (in-process workers): Paris's admin asks Lyon for a
  partnership on the admin page, Lyon's admin accepts it in the browser, and Paris's page shows it
  accepted once Lyon's worker delivered the Accept.
- On a 375 px wide phone, a volunteer starts a round and records an encounter where another
  association's team left a sleeping person an hour ago, and sees "asleep — do not wake".
- axe-core on every new page; screenshots of the coordination view and the federation page.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import playwright.sync_api as playwright_sync
import pytest

from tests.fedprocs import ENTRAIDE, ROOT, NodeProcess
from tests.web.browser import AXE, CHROMIUM, LAUNCH_ARGS, Node, running_node
from tests.web.seed_outreach import HOSTILE_NAME, PASSWORD, POINT
from tests.web.test_browser import SCREENSHOTS, Outside, _axe, _context

# Browser tests fail loudly without Debian's Chromium: `make test` installs it.
assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
pytestmark = [pytest.mark.slow]
PHONE = {"width": 375, "height": 800}
LOCAL_TILES = {"ENTRAIDE_MAP_TILE_URL": "/assets/img/blank-tile.png?z={z}&x={x}&y={y}"}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_sync.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()


def _screenshots(tmp_path: Path) -> Path:
    target = SCREENSHOTS if os.environ.get("ENTRAIDE_SCREENSHOTS") == "docs" else tmp_path
    target.mkdir(parents=True, exist_ok=True)
    return target


def _log_in(page: Any, base_url: str, phone: str) -> None:
    page.goto(f"{base_url}/login?lang=fr")
    page.get_by_label("Numéro de téléphone").fill(phone)
    page.locator("#f-password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base_url}/")


def _create_admin(node: NodeProcess, phone: str) -> None:
    subprocess.run(
        [
            *(ENTRAIDE, "create-admin", "--phone", phone, "--email", f"admin@{node.name}.example"),
            *("--password", PASSWORD, "--pseudonym", f"Admin {node.name}"),
        ],
        env={**os.environ, **node.env, "PYTHONPATH": str(ROOT)},
        check=True,
        capture_output=True,
    )


# Created before the browser (module order): it migrates with asyncio.run, which cannot run
# while Playwright's own loop is set up.
@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    with running_node(tmp_path_factory.mktemp("outreach-node")) as running:
        subprocess.run(
            [sys.executable, "-m", "tests.web.seed_outreach", "+33612000001"],
            env={**running.env, "PYTHONPATH": str(ROOT)},
            check=True,
            capture_output=True,
        )
        yield running


def test_a_volunteer_records_an_encounter_on_a_phone(
    node: Node, browser: Any, tmp_path: Path
) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: npm ci --prefix tests/web")
    outside = Outside()
    context = _context(browser, "fr-FR", outside, bypass_csp=True, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_viewport_size(PHONE)
    _log_in(page, node.url, "0612000001")
    page.get_by_role("link", name="Maraudes").click()
    violations = _axe(page)
    page.get_by_role("link", name="République et canal Saint-Martin").click()
    page.get_by_role("button", name="Démarrer la maraude").click()
    page.get_by_text("La maraude a commencé.").wait_for()

    # With JavaScript, a tap on the map fills the coordinates.
    page.locator("#pick-map .leaflet-tile-pane").wait_for(state="attached")
    page.locator("#pick-map").click()
    assert page.get_by_label("Latitude").input_value().startswith("48.8")
    violations += _axe(page)
    # Then the exact point of the other team's encounter, as typed without JavaScript.
    page.get_by_label("Latitude").fill(str(POINT[0]))
    page.get_by_label("Longitude").fill(str(POINT[1]))
    page.get_by_label("Boisson chaude").check()
    page.get_by_label("Conversation").check()
    page.get_by_label("Note privée").fill("Va bien, repasse demain.")
    page.get_by_role("button", name="Enregistrer la rencontre").click()
    warning = page.get_by_role("alert").filter(has_text="Déjà visité récemment")
    warning.wait_for()
    text = warning.inner_text()
    assert f"{HOSTILE_NAME} (Équipe 2)" in text and "repas, couverture" in text
    assert "Endormi·e — ne pas réveiller." in text
    assert warning.is_visible() and warning.bounding_box()["width"] <= 375
    page.get_by_text("Va bien, repasse demain.").wait_for()
    violations += _axe(page)

    page.get_by_role("link", name="Vue de coordination").click()
    page.get_by_label("Latitude").fill(str(POINT[0]))
    page.get_by_label("Longitude").fill(str(POINT[1]))
    page.get_by_role("button", name="Afficher").click()
    page.get_by_role("heading", name="2 passages").wait_for()
    assert "Sous le porche" not in page.content() and "Va bien" not in page.content()
    # Leaflet draws the areas after the page's script has run: wait for the second one.
    page.locator("#visits-map path.leaflet-interactive").nth(1).wait_for(state="attached")
    assert page.locator("#visits-map path.leaflet-interactive").count() >= 2
    areas = page.locator("#visits-map path.leaflet-interactive")
    for index in range(areas.count()):  # the visits share a cell: one is on top of the other
        areas.nth(index).dispatch_event("mouseover")
    labels = page.locator("#visits-map .leaflet-tooltip").all_inner_texts()
    assert any(HOSTILE_NAME in label for label in labels), labels
    assert page.locator("#injected").count() == 0
    coordination = page.url
    violations += _axe(page)

    page.goto(coordination.split("/coordination")[0] + "/rounds")
    page.get_by_role("link", name="République et canal Saint-Martin").click()
    page.get_by_role("button", name="Terminer la maraude").click()
    page.get_by_role(
        "heading", name="Compte rendu de la maraude : République et canal Saint-Martin"
    ).wait_for()
    violations += _axe(page)
    assert violations == []

    target = _screenshots(tmp_path)
    for width, height in ((375, 800), (1280, 860)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(coordination)
        page.locator("#visits-map .leaflet-tile-pane").wait_for(state="attached")
        page.screenshot(path=str(target / f"coordination-{width}.png"))
    assert outside.requests == []
    context.close()


def test_the_admin_accepts_a_partnership(browser: Any, tmp_path: Path) -> None:
    outside = Outside()
    with (
        NodeProcess.start(tmp_path, "paris", extra=LOCAL_TILES) as paris,
        NodeProcess.start(tmp_path, "lyon", extra=LOCAL_TILES) as lyon,
    ):
        _create_admin(paris, "0611000001")
        _create_admin(lyon, "0611000002")
        context = _context(browser, "fr-FR", outside, bypass_csp=True)
        asker, asked = context.new_page(), _context(browser, "fr-FR", outside).new_page()

        _log_in(asker, paris.base_url, "0611000001")
        asker.get_by_role("link", name="Administration").click()
        asker.get_by_role("link", name="Gérer les partenariats").click()
        asker.get_by_label("L'autre nœud").fill(lyon.domain)
        asker.get_by_label("Coordination des maraudes").check()
        asker.get_by_label("Demandes et contributions publiques").check()
        asker.get_by_label("Message à leurs administrateurs").fill(
            "Bonjour Lyon, travaillons ensemble."
        )
        asker.get_by_role("button", name="Envoyer la demande").click()
        asker.get_by_text(f"Votre demande est envoyée à {lyon.domain}.").wait_for()
        violations = _axe(asker)

        _log_in(asked, lyon.base_url, "0611000002")
        accept = asked.get_by_role("button", name=f"Accepter le partenariat avec {paris.domain}")
        for _ in range(60):  # Paris's worker delivers the Offer within a second or two
            asked.goto(f"{lyon.base_url}/admin/partnerships")
            if accept.count():
                break
            asked.wait_for_timeout(250)
        assert asked.get_by_text("Bonjour Lyon, travaillons ensemble.").count() == 1
        accept.click()
        asked.get_by_text(f"Le partenariat avec {paris.domain} est accepté.").wait_for()

        row = asker.locator("#outgoing li", has_text=lyon.domain)
        for _ in range(60):  # and Lyon's worker delivers the Accept
            asker.goto(f"{paris.base_url}/admin/partnerships")
            if "Acceptée" in row.inner_text():
                break
            asker.wait_for_timeout(250)
        assert "Acceptée" in row.inner_text()
        assert row.get_by_role("button", name="Terminer le partenariat").count() == 1
        violations += _axe(asker)
        # Sharing more, from the same row (a details element: no JavaScript needed).
        row.get_by_text(f"Changer ce que nous partageons avec {lyon.domain}").click()
        violations += _axe(asker)
        row.get_by_label("Appels à bénévoles").check()
        row.get_by_role("button", name="Changer ce que nous partageons").click()
        asker.get_by_text(f"Votre demande de partager plus est envoyée à {lyon.domain}.").wait_for()
        assert row.get_by_role("button", name="Retirer notre demande de partager plus").count() == 1
        violations += _axe(asker)

        asker.goto(f"{paris.base_url}/admin/federation")
        asker.get_by_role("heading", name="État de la fédération").wait_for()
        violations += _axe(asker)
        assert violations == []
        target = _screenshots(tmp_path)
        for width, height in ((375, 800), (1280, 860)):
            asker.set_viewport_size({"width": width, "height": height})
            asker.goto(f"{paris.base_url}/admin/federation")
            asker.screenshot(path=str(target / f"admin-federation-{width}.png"))
        assert outside.requests == []
        context.close()
