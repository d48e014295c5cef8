"""Times in words, as people say them, in the node's time zone and both languages; never with
seconds."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from node import clock
from node.http_state import EntraideApp
from node.models import ActionCategory, ActionKind
from node.services.actions import create_action
from node.services.moments import describe
from tests.conftest import MemberFactory
from tests.web.conftest import log_in

NOW = datetime(2026, 12, 1, 13, 0, tzinfo=UTC)  # a Tuesday, 14 h in Paris
SECONDS = re.compile(r"\d:\d\d:\d\d")


def _spaced(text: str) -> str:
    """CLDR's non-breaking and narrow spaces as plain ones, to compare with readable text."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.mark.parametrize(
    ("delta", "fr", "en"),
    [
        (timedelta(seconds=-20), "maintenant", "now"),
        (timedelta(minutes=-5), "il y a 5 min", "5 min. ago"),
        (timedelta(minutes=40), "dans 40 min", "in 40 min."),
        (timedelta(hours=-3), "aujourd’hui à 11 h", "today at 11 AM"),
        (timedelta(hours=-3, minutes=-30), "aujourd’hui à 10 h 30", "today at 10:30 AM"),
        (timedelta(hours=-20), "hier à 18 h", "yesterday at 6 PM"),
        (timedelta(hours=21), "demain à 11 h", "tomorrow at 11 AM"),
        (timedelta(days=2), "jeudi 3 déc. à 14 h", "Thursday, Dec 3 at 2 PM"),
        (timedelta(days=40), "dimanche 10 janv. 2027 à 14 h", "Sunday, Jan 10, 2027 at 2 PM"),
    ],
)
def test_moments_in_both_languages(delta: timedelta, fr: str, en: str) -> None:
    moment = NOW + delta
    assert _spaced(describe(moment, now=NOW, timezone="Europe/Paris", language="fr")) == fr
    assert _spaced(describe(moment, now=NOW, timezone="Europe/Paris", language="en")) == en


def test_moments_follow_the_node_time_zone() -> None:
    moment = NOW + timedelta(hours=-3)  # 10:00 UTC
    assert _spaced(describe(moment, now=NOW, timezone="UTC", language="fr")) == (
        "aujourd’hui à 10 h"
    )
    # The same moment is "tomorrow" in Paris and already "today" in Nouméa (UTC+11).
    moment = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    assert _spaced(describe(moment, now=NOW, timezone="Europe/Paris", language="en")) == (
        "tomorrow at 1 PM"
    )
    assert _spaced(describe(moment, now=NOW, timezone="Pacific/Noumea", language="en")) == (
        "today at 11 PM"
    )


@pytest.mark.parametrize(
    ("language", "created", "starts"),
    [("fr", "il y a 5 min", "à 18 h"), ("en", "5 min. ago", "at 6 PM")],
)
async def test_pages_show_times_in_words(
    app: EntraideApp, make_member: MemberFactory, language: str, created: str, starts: str
) -> None:
    client = await log_in(app, make_member)
    paris = clock.now().astimezone(ZoneInfo("Europe/Paris"))
    start = (paris + timedelta(days=3)).replace(hour=18, minute=0, second=0, microsecond=0)
    with app.node.db.activate():
        action = await create_action(
            client.member,
            kind=ActionKind.OUTING,
            category=ActionCategory.SOCIAL,
            title="Soirée jeux",
            lat=48.85,
            lon=2.35,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            place_name="Le local",
            capacity=10,
            node=app.node,
        )
    app.node.clock.advance(timedelta(minutes=5))
    body = html.unescape(
        await (await client.get(f"/actions/{action.id}?lang={language}")).get_data(as_text=True)
    )
    assert created in _spaced(body) and starts in _spaced(body)
    assert SECONDS.search(body) is None
