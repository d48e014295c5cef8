"""The guide by SMS, below the webhook: where a question points, the answer sent through the
node's SMS backend, the per-number cap, and no phone number kept past its window. The places
lookup is the service's parameter; here a finder records where it was asked and answers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta
from typing import Any

import pytest

from node.errors import TooManyRequests, Unprocessable
from node.http_state import EntraideApp
from node.models import RateCounter
from node.services import guide_sms
from node.services.guide_data.sms_text import NearbyPlace
from node.state import NodeState
from node.worker.periodic import run_jobs_once
from tests.factories import NORTH

SENDER = "+33612345678"


class Finder:
    """Answers the places lookup with fixed places and remembers each question."""

    def __init__(self, places: list[NearbyPlace]) -> None:
        self.places = places
        self.asked: list[tuple[str, float, float]] = []

    async def __call__(
        self, node: NodeState, category: str, lat: float, lon: float
    ) -> list[NearbyPlace]:
        self.asked.append((category, lat, lon))
        return self.places


SHOWERS = [NearbyPlace("Bains-douches Nord", "5 rue de Dunkerque", 0.2, time(19, 0))]


@pytest.fixture
async def app(node_factory: Any) -> EntraideApp:
    return await node_factory("node", guide_sms_per_hour=3)  # type: ignore[no-any-return]


async def test_a_question_is_located_and_answered_by_sms(
    app: EntraideApp, sms_outbox: Callable[[], list[dict[str, Any]]]
) -> None:
    finder = Finder(SHOWERS)
    with app.node.db.activate():
        answer = await guide_sms.answer_sms(
            app.node, "06 12 34 56 78", "Douche gare du Nord", finder
        )
        assert finder.asked == [("shower", *NORTH)]
        await guide_sms.answer_sms(app.node, SENDER, "manger 75011", finder)
        assert finder.asked[1][0] == "food" and finder.asked[1][1:] == (
            48.8590,
            2.3800,
        )  # Paris 11e
        # No place named: around the centre of the node's area.
        await guide_sms.answer_sms(app.node, SENDER, "toilettes", finder)
        assert finder.asked[2] == (
            "toilets",
            app.node.settings.area_lat,
            app.node.settings.area_lon,
        )
    assert (
        answer
        == "Douche ouvert maintenant:\n1 Bains-douches Nord, 5 rue de Dunkerque, 200 m, ferme 19h"
    )
    assert [m["to"] for m in sms_outbox()] == [SENDER] * 3
    assert sms_outbox()[0]["body"] == answer


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("aide", "Envoyez un mot + code postal ou gare"),
        ("help", "Send a word + postcode or station"),
        ("vélo", "Mot non compris. Envoyez un mot"),
        ("douche Tombouctou", "Lieu inconnu"),
    ],
)
async def test_questions_the_guide_cannot_answer_get_help_and_no_lookup(
    app: EntraideApp, text: str, start: str
) -> None:
    finder = Finder(SHOWERS)
    with app.node.db.activate():
        answer = await guide_sms.answer_sms(app.node, SENDER, text, finder)
    assert answer.startswith(start) and len(answer) <= 160
    assert finder.asked == []


async def test_nothing_open_nearby_says_so(app: EntraideApp) -> None:
    with app.node.db.activate():
        answer = await guide_sms.answer_sms(app.node, SENDER, "dormir gare du nord", Finder([]))
    assert answer == "Dormir: aucun lieu ouvert maintenant près de Gare du Nord. Urgence: 115"


async def test_a_sender_that_is_no_phone_number_is_refused(app: EntraideApp) -> None:
    with app.node.db.activate(), pytest.raises(Unprocessable):
        await guide_sms.answer_sms(app.node, "pas un numéro", "aide", Finder([]))


async def test_a_number_asking_too_often_is_capped_and_forgotten_after_the_window(
    app: EntraideApp, sms_outbox: Callable[[], list[dict[str, Any]]]
) -> None:
    finder = Finder(SHOWERS)
    with app.node.db.activate():
        for _ in range(3):
            await guide_sms.answer_sms(app.node, SENDER, "aide", finder)
        with pytest.raises(TooManyRequests) as capped:
            await guide_sms.answer_sms(app.node, "06 12 34 56 78", "aide", finder)
        assert int(capped.value.headers["Retry-After"]) > 0
        await guide_sms.answer_sms(app.node, "+33698765432", "aide", finder)
        assert len(sms_outbox()) == 4
        keys = [row.key for row in await RateCounter.filter(key__startswith="guide-sms:")]
        assert len(keys) == 2
        assert not any("612345678" in key or "698765432" in key for key in keys)
        assert guide_sms.number_key(app.node, SENDER) in keys

        # The next question after the window deletes the counters of the last one…
        app.node.clock.advance(timedelta(hours=1, minutes=1))
        await guide_sms.answer_sms(app.node, "+33698765432", "aide", finder)
        assert await RateCounter.filter(key__startswith="guide-sms:").count() == 1
        # …and the periodic job the rest: nothing about any number is left.
        app.node.clock.advance(timedelta(hours=1, minutes=1))
        results = await run_jobs_once(app.node)
        assert results["purge_guide_sms_counters"] == 1
        assert await RateCounter.filter(key__startswith="guide-sms:").count() == 0


async def test_the_node_wide_cap_holds_every_number(node_factory: Any) -> None:
    app = await node_factory("busy", guide_sms_per_node_per_hour=2)
    with app.node.db.activate():
        await guide_sms.answer_sms(app.node, "+33611111111", "aide", Finder([]))
        await guide_sms.answer_sms(app.node, "+33622222222", "aide", Finder([]))
        with pytest.raises(TooManyRequests):
            await guide_sms.answer_sms(app.node, "+33633333333", "aide", Finder([]))
