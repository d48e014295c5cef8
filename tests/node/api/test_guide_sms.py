"""The guide by SMS: the inbound webhook a gateway posts to, end to end through the file SMS
backend; its shared secret; each gateway's shape; the per-number cap; no number kept."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from node import clock
from node.http_state import EntraideApp
from node.models import RateCounter
from node.services.guide_data.sms_text import to_gsm7
from node.worker.periodic import run_jobs_once
from tests.factories import NORTH, new_guide_place

SECRET = "gateway-secret-0123456789"
URL = "/api/v1/sms/inbound"
AUTH = {"Authorization": f"Bearer {SECRET}"}
SENDER = "+33612345678"


@pytest.fixture
async def app(node_factory: Any) -> EntraideApp:
    return await node_factory("node", guide_sms_secret=SECRET, guide_sms_per_hour=3)  # type: ignore[no-any-return]


async def test_the_webhook_is_off_while_no_secret_is_set(node_factory: Any) -> None:
    app = await node_factory("off")
    response = await app.test_client().post(
        URL, json={"from": SENDER, "text": "aide"}, headers=AUTH
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("headers", "query", "status"),
    [
        ({}, "", 401),
        ({"Authorization": "Bearer nope"}, "", 403),
        ({"Authorization": "Basic " + base64.b64encode(b"twilio:nope").decode()}, "", 403),
        ({"Authorization": "Basic !!!"}, "", 403),
        ({"X-Sms-Secret": "nope"}, "", 403),
        ({}, "?secret=nope", 403),
    ],
)
async def test_a_missing_or_wrong_secret_is_refused_and_nothing_is_sent(
    client: Any,
    sms_outbox: Callable[[], list[dict[str, Any]]],
    headers: dict[str, str],
    query: str,
    status: int,
) -> None:
    response = await client.post(
        URL + query, json={"from": SENDER, "text": "aide"}, headers=headers
    )
    assert response.status_code == status
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert sms_outbox() == []


@pytest.mark.parametrize(
    ("headers", "query"),
    [
        (AUTH, ""),
        ({"Authorization": "Basic " + base64.b64encode(f"twilio:{SECRET}".encode()).decode()}, ""),
        ({"X-Sms-Secret": SECRET}, ""),
        ({}, f"?secret={SECRET}"),
    ],
)
async def test_every_way_of_giving_the_secret_works(
    client: Any, sms_outbox: Callable[[], list[dict[str, Any]]], headers: dict[str, str], query: str
) -> None:
    response = await client.post(
        URL + query, json={"from": SENDER, "text": "aide"}, headers=headers
    )
    assert response.status_code == 200
    [sms] = sms_outbox()
    assert sms["to"] == SENDER and sms["body"].startswith("Envoyez un mot")


async def test_twilio_and_vonage_forms_are_understood(
    client: Any, sms_outbox: Callable[[], list[dict[str, Any]]]
) -> None:
    twilio = await client.post(
        URL, form={"From": SENDER, "Body": "help", "To": "+33700000000"}, headers=AUTH
    )
    assert twilio.status_code == 200
    assert twilio.content_type.startswith("text/xml")
    assert "<Response/>" in await twilio.get_data(as_text=True)
    vonage = await client.post(
        URL, json={"msisdn": "33698765432", "text": "aide", "to": "33700000000"}, headers=AUTH
    )
    assert vonage.status_code == 200
    vonage_form = await client.post(
        URL, form={"msisdn": "33698765432", "text": "aide"}, headers=AUTH
    )
    assert vonage_form.status_code == 200
    assert [(m["to"], m["body"][:6]) for m in sms_outbox()] == [
        (SENDER, "Send a"),
        ("+33698765432", "Envoye"),
        ("+33698765432", "Envoye"),
    ]


@pytest.mark.parametrize(
    "body",
    [
        {"json": {"text": "aide"}},
        {"json": {"from": SENDER}},
        {"json": {"from": "pas un numéro", "text": "aide"}},
        {"json": {"something": "else"}},
        {"json": ["from", "text"]},
        {"data": "not json", "headers": {"Content-Type": "application/json"}},
        {"data": "<xml/>", "headers": {"Content-Type": "application/xml"}},
    ],
)
async def test_a_body_that_is_no_sms_is_a_422(
    client: Any, sms_outbox: Callable[[], list[dict[str, Any]]], body: dict[str, Any]
) -> None:
    headers = {**AUTH, **body.pop("headers", {})}
    response = await client.post(URL, headers=headers, **body)
    assert response.status_code == 422
    assert sms_outbox() == []


async def test_a_body_past_16_kb_is_a_413(client: Any) -> None:
    response = await client.post(URL, json={"from": SENDER, "text": "a" * 20_000}, headers=AUTH)
    assert response.status_code == 413


async def test_a_number_asking_too_often_is_capped_then_forgotten(
    app: EntraideApp, client: Any, sms_outbox: Callable[[], list[dict[str, Any]]]
) -> None:
    for _ in range(3):
        assert (
            await client.post(URL, json={"from": SENDER, "text": "aide"}, headers=AUTH)
        ).status_code == 200
    capped = await client.post(URL, json={"from": "06 12 34 56 78", "text": "aide"}, headers=AUTH)
    assert capped.status_code == 429
    assert int(capped.headers["Retry-After"]) > 0
    # Another number is not held by the first one's cap.
    assert (
        await client.post(URL, json={"from": "+33698765432", "text": "aide"}, headers=AUTH)
    ).status_code == 200
    assert len(sms_outbox()) == 4
    with app.node.db.activate():
        keys = [row.key for row in await RateCounter.filter(key__startswith="guide-sms:")]
        assert len(keys) == 2
        assert not any("612345678" in key or "698765432" in key for key in keys)
    # Once the window has passed, the next question deletes the counters of the last one…
    app.node.clock.advance(timedelta(hours=1, minutes=1))
    assert (
        await client.post(URL, json={"from": "+33698765432", "text": "aide"}, headers=AUTH)
    ).status_code == 200
    with app.node.db.activate():
        assert await RateCounter.filter(key__startswith="guide-sms:").count() == 1
    # …and the periodic job deletes the rest: nothing about any number is left.
    app.node.clock.advance(timedelta(hours=1, minutes=1))
    with app.node.db.activate():
        results = await run_jobs_once(app.node)
        assert results["purge_guide_sms_counters"] == 1
        assert await RateCounter.filter(key__startswith="guide-sms:").count() == 0


async def test_douche_gare_du_nord_answers_the_three_nearest_showers_open_now(
    app: EntraideApp, client: Any, sms_outbox: Callable[[], list[dict[str, Any]]]
) -> None:
    north_lat, north_lon = NORTH
    paris_now = clock.now().astimezone(ZoneInfo("Europe/Paris"))
    not_now = "Mo-Su 13:00-14:00" if paris_now.hour < 12 else "Mo-Su 08:00-09:00"
    with app.node.db.activate():
        for n, (name, offset) in enumerate(
            [
                ("Bains-douches Nord", 0.002),
                ("Halte Magenta", 0.004),
                ("ESI Chapelle", 0.006),
                ("Douches Stalingrad", 0.009),
            ]
        ):
            await new_guide_place(
                name,
                north_lat + offset,
                north_lon,
                node=app.node,
                address=f"{n + 1} rue de Dunkerque",
            )
        await new_guide_place(
            "Douches fermées", north_lat + 0.001, north_lon, node=app.node, opening_hours=not_now
        )
        await new_guide_place(
            "Repas du Nord", north_lat, north_lon + 0.001, node=app.node, categories=["food"]
        )
        await new_guide_place("Douches de Lyon", 45.76, 4.84, node=app.node)
    response = await client.post(
        URL, json={"from": SENDER, "text": "Douche gare du Nord"}, headers=AUTH
    )
    assert response.status_code == 200
    [sms] = sms_outbox()
    assert sms["to"] == SENDER
    body = sms["body"]
    assert body.startswith("Douche ouvert maintenant:")
    assert "1 Bains-douches Nord" in body and "2 Halte Magenta" in body and "3 ESI Chapelle" in body
    assert "Stalingrad" not in body and "fermées" not in body and "Repas" not in body
    assert len(body) <= 160 and body == to_gsm7(body)
    english = await client.post(
        URL, json={"from": "+33698765432", "text": "food near gare du nord"}, headers=AUTH
    )
    assert (await english.get_json())["answer"].startswith("Food open now:\n1 Repas du Nord")
    unknown = await client.post(
        URL, json={"from": "+33698765432", "text": "douche Tombouctou"}, headers=AUTH
    )
    assert (await unknown.get_json())["answer"].startswith("Lieu inconnu")
