"""The guide's import and print pages in Debian's Chromium on a 375 px phone: the node admin
uploads data·inclusion files (structures and services together) and reads the report; anyone
fills the print form, whose link answers a PDF. axe-core finds nothing serious, the pages fit
the screen, and nothing leaves 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import playwright.sync_api as playwright_sync
import pytest

from node.services.guide_data import datainclusion
from tests.factories import datainclusion_rows
from tests.web.browser import CHROMIUM, LAUNCH_ARGS, Node, running_node
from tests.web.test_browser import PASSWORD, Outside, _axe, _log_in

assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
pytestmark = [pytest.mark.slow]
PHONE = {"width": 375, "height": 740}
ADMIN = "+33611111111"


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    with running_node(tmp_path_factory.mktemp("browser-guide-data")) as running:
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


def _fits(page: playwright_sync.Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def test_import_then_print_on_a_phone(node: Node, tmp_path: Path) -> None:
    data = datainclusion_rows(12)
    structures = tmp_path / "structures.csv"
    structures.write_bytes(datainclusion.to_csv("structure", data.structures))
    services = tmp_path / "services.json"
    services.write_text(json.dumps(data.services))
    outside = Outside()
    with playwright_sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        context = browser.new_context(
            locale="fr-FR", viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True
        )
        context.route("**/*", outside)
        context.set_default_timeout(10_000)
        page = context.new_page()
        _log_in(page, node, ADMIN)
        page.goto(f"{node.url}/admin?lang=fr")
        page.get_by_role("link", name="Importer des lieux").click()
        page.wait_for_url("**/admin/places/import*")
        _fits(page)
        problems = _axe(page)
        page.get_by_label("Fichiers").set_input_files([str(structures), str(services)])
        page.get_by_role("button", name="Importer", exact=True).click()
        page.wait_for_load_state()
        report = page.locator("section[aria-labelledby=report-title]").inner_text()
        assert "Lieux créés" in report and str(len(data.kept)) in report
        assert "Lignes refusées et pourquoi" in page.content()
        _fits(page)
        problems += _axe(page)

        page.goto(f"{node.url}/guide/print?lang=fr")
        _fits(page)
        problems += _axe(page)
        page.locator("#f-where").fill("Paris 4e")
        page.get_by_label("A5").check()
        # The form's own link (GET with its fields), fetched with the page's cookies: Chromium
        # headless would download the PDF rather than show it.
        url = page.evaluate(
            """() => {
                const form = document.querySelector('form[action$="/guide/print"]');
                return form.action + '?' + new URLSearchParams(new FormData(form)).toString();
            }"""
        )
        assert "where=Paris+4e" in url and "size=A5" in url
        pdf = context.request.get(url)
        assert pdf.status == 200
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.body()[:4] == b"%PDF"
        browser.close()
    assert problems == []
    assert outside.requests == []
