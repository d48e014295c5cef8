"""The street committee in Debian's Chromium against a real node: a committee member on a
375 px phone, JavaScript off, votes from the link of an SMS (no password, no log-in); the link
then no longer works; axe-core finds nothing serious on the committee's pages (empty, with
members, a proposal, the vote link's pages, meetings with a vote to confirm, the decisions)."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import playwright.sync_api as playwright_sync
import pytest

from tests.web.browser import AXE, CHROMIUM, LAUNCH_ARGS, Node, running_node
from tests.web.test_browser import LABELS, PASSWORD, Outside, _axe, _context, _log_in, _sign_up

pytestmark = [pytest.mark.slow]
ADMIN = "+33611119999"
AWA = "06 40 00 00 01"
# The worker's closing job, run once in the node's environment.
CLOSE = (
    "from node.cli_common import run_on_node, settings_or_exit\n"
    "from node.services.committee.closing import close_due_proposals\n"
    "print(run_on_node(settings_or_exit(), close_due_proposals))\n"
)


def _close_votes_now(node: Node) -> None:
    """Move every open vote's deadline into the past and close them as the worker would."""
    with sqlite3.connect(node.data_dir / "node.sqlite3") as db:
        db.execute("UPDATE committee_proposal SET deadline = ?", ("2000-01-01 00:00:00+00:00",))
    done = subprocess.run(
        [sys.executable, "-c", CLOSE], env=node.env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "1", done.stdout + done.stderr


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    with running_node(tmp_path_factory.mktemp("committee-node")) as running:
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


# Created before the browser (module order): it migrates with asyncio.run, which cannot run
# while Playwright's own loop is set up.
@pytest.fixture(scope="module")
def browser(node: Node) -> Iterator[Any]:
    with playwright_sync.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()


def _vote_link(node: Node, phone_e164: str) -> str:
    lines = (node.data_dir / "sms.jsonl").read_text().splitlines()
    for line in reversed(lines):
        message = json.loads(line)
        found = re.search(r"(http://\S+/v/\S+)", message["body"])
        if message["to"] == phone_e164 and found:
            return found.group(1)
    raise AssertionError(f"no vote link sent to {phone_e164}")


def test_a_member_votes_from_an_sms_link_on_a_basic_phone(node: Node, browser: Any) -> None:
    if not AXE.exists():
        pytest.fail("axe-core is missing: npm ci --prefix tests/web")
    outside = Outside()
    desk = _context(browser, "fr-FR", outside, bypass_csp=True).new_page()
    _sign_up(desk, node, AWA, "Awa", LABELS["fr"])
    desk.context.clear_cookies()
    # The committee's page before it has a member: the admin names the first ones there.
    _log_in(desk, node, ADMIN.replace("+33", "0"))
    desk.goto(f"{node.url}/committee")
    desk.get_by_role("heading", name="Nommer un membre").wait_for()
    violations = [f"(empty committee) {v}" for v in _axe(desk)]
    desk.context.clear_cookies()
    node.cli("committee", "add", "+33640000001")
    assert "Waiting for the street committee" in node.cli(
        "federation", "block", "spam.example", "--reason", "Messages en masse"
    )

    # The admin (who may help the facilitator) texts the vote links from the proposal's page.
    _log_in(desk, node, ADMIN.replace("+33", "0"))
    desk.goto(f"{node.url}/committee")
    violations += _axe(desk)
    desk.get_by_role("link", name=re.compile("Bloquer spam.example")).click()
    desk.get_by_role("heading", name="Bloquer spam.example").wait_for()
    violations += _axe(desk)
    desk.get_by_role("button", name=re.compile("Envoyer le lien de vote par SMS")).click()
    desk.get_by_text("Liens de vote envoyés par SMS : 1.").wait_for()
    link = _vote_link(node, "+33640000001")

    # Awa's phone: a small screen, no JavaScript, never logged in.
    phone = browser.new_context(
        locale="fr-FR",
        viewport={"width": 375, "height": 740},
        java_script_enabled=False,
        is_mobile=True,
    )
    phone.route("**/*", outside)
    page = phone.new_page()
    page.goto(link)
    page.get_by_role("heading", name="Bloquer spam.example").wait_for()
    assert page.get_by_text("Bonjour Awa").count() == 1
    assert page.get_by_text("Nous refuserions tout ce qui vient de spam.example.").count() == 1
    buttons = [
        page.get_by_role("button", name=name, exact=True)
        for name in ("Pour", "Contre", "Abstention")
    ]
    for button in buttons:
        box = button.bounding_box()
        assert box is not None and box["height"] >= 48 and box["x"] + box["width"] <= 375
    page.get_by_label("Un commentaire (facultatif)").fill("Ils envoient des insultes.")
    buttons[0].click()
    page.get_by_role("heading", name="Merci, votre vote est enregistré.").wait_for()
    assert page.get_by_text("Vous avez voté : Pour.").count() == 1
    # axe needs JavaScript: it reads the exact page Awa got, in the desk's browser at her size.
    recorded = page.content()
    # The same link, once more: it has been used.
    page.goto(link)
    page.get_by_role("heading", name="Ce lien de vote ne marche plus").wait_for()
    assert page.get_by_text("Ce lien de vote a déjà servi.").count() == 1

    # The facilitator sees the vote; axe on the vote link pages and the public record.
    desk.reload()
    assert desk.get_by_text("Awa · Pour").count() == 1
    violations += _axe(desk)
    for path in (link.replace(node.url, ""), "/v/not-a-code", "/decisions", "/committee/meetings"):
        desk.goto(f"{node.url}{path}")
        violations += _axe(desk)
    # The admin records a meeting for the facilitator: axe on the meeting's page as well.
    desk.locator('input[name="held_at"]').fill("2026-12-01T18:00")
    desk.get_by_label("Awa", exact=True).check()
    desk.locator('form[action$="/committee/meetings"] button[type="submit"]').click()
    desk.wait_for_url(re.compile(r"/committee/meetings/[0-9a-f-]{36}$"))
    violations += _axe(desk)
    # A vote taken in the meeting, waiting for Awa's confirmation (code or in person).
    desk.get_by_role("group", name="Awa").get_by_role("button", name="Pour", exact=True).click()
    desk.get_by_label("Le code reçu par SMS par Awa").wait_for()
    violations += [f"(vote to confirm) {v}" for v in _axe(desk)]
    desk.set_viewport_size({"width": 375, "height": 740})
    desk.goto(f"{node.url}/decisions")
    desk.set_content(recorded)
    desk.get_by_role("heading", name="Merci, votre vote est enregistré.").wait_for()
    violations += [f"(vote recorded) {v}" for v in _axe(desk)]
    desk.set_viewport_size({"width": 1280, "height": 900})
    # The vote closes: axe on the decision's public page.
    _close_votes_now(node)
    desk.goto(f"{node.url}/decisions")
    desk.get_by_role("link", name=re.compile("Bloquer spam.example")).first.click()
    desk.wait_for_url(re.compile(r"/decisions/[0-9a-f-]{36}$"))
    violations += _axe(desk)
    desk.set_viewport_size({"width": 375, "height": 740})
    desk.goto(f"{node.url}/committee")
    violations += _axe(desk)
    assert violations == []
    assert outside.requests == []
    phone.close()
    desk.context.close()
