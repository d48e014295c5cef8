"""Round summaries: the JSON counts, the mail to the association's coordinators (through a real
SMTP server on 127.0.0.1), the periodic mailing of auto-closed rounds, and the CSV export."""

from __future__ import annotations

import csv
import email
import email.policy
import io
import re
import socket
from collections.abc import Iterator
from datetime import time, timedelta
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from node.http_state import EntraideApp
from node.models import Round
from node.worker.periodic import run_jobs_once
from tests.factories import Cast, advance_to_local, make_cast, record, started_round
from tests.node.services.test_rounds import make_cast_for

NOTE = "très fatigué, proposer le 115"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[int, _Inbox]]:
    inbox = _Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


async def _run_a_round(app: EntraideApp, client: Any, cast: Cast) -> str:
    round_ = await started_round(client, cast)
    rid = str(round_["id"])
    await record(client, cast, rid, items=["meal", "water"], asleep=True, note=NOTE)
    await record(client, cast, rid, lat=48.8760, lon=2.3590, items=["meal"], needs_follow_up=True)
    app.node.clock.advance(timedelta(minutes=75))
    return rid


async def test_the_summary_counts_the_round(
    client: Any, app: EntraideApp, make_member: Any
) -> None:
    cast = await make_cast(app)
    rid = await _run_a_round(app, client, cast)
    await client.post(f"/api/v1/rounds/{rid}/end", headers=cast.h("vol"))
    response = await client.get(f"/api/v1/rounds/{rid}/report", headers=cast.h("vol2"))
    summary = await response.get_json()
    assert response.status_code == 200
    assert summary["encounters"] == 2 and summary["asleep"] == 1 and summary["needs_follow_up"] == 1
    assert summary["items"]["meal"] == 2 and summary["items"]["water"] == 1
    assert summary["items"]["blanket"] == 0
    assert len(summary["cells"]) == 2 and summary["duration_minutes"] == 75
    assert NOTE not in str(summary)


async def test_the_summary_is_mailed_to_coordinators_over_smtp(
    node_factory: Any, make_member: Any, smtp: tuple[int, _Inbox]
) -> None:
    port, inbox = smtp
    app = await node_factory("mailing", mail_backend=f"smtp://127.0.0.1:{port}")
    cast = await make_cast_for(app, make_member)
    client = app.test_client()
    rid = await _run_a_round(app, client, cast)
    ended = await client.post(f"/api/v1/rounds/{rid}/end", headers=cast.h("vol"))
    assert ended.status_code == 200
    recipients = sorted(str(m["To"]) for m in inbox.messages)
    coordinators = [cast.people[w][0].email for w in ("admin", "coord")]
    assert recipients == sorted(str(e) for e in coordinators)  # not the volunteers
    body = inbox.messages[0].get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "Maraude Nord" in body
    assert "Rencontres : 2" in body and "Durée : 75 min" in body
    # Words, not codes: "Type : Alimentation, à pied", "Repas : 2".
    assert "Type : Alimentation, à pied" in body and "  - Repas : 2" in body
    assert "meal" not in body and "food" not in body and "foot" not in body
    assert not re.search(r"\d\d:\d\d", body)  # "à 14 h", never "14:00:00 UTC"
    assert "Gare du Nord" in str(inbox.messages[0]["Subject"])
    assert NOTE not in body and "48.88" not in body
    with app.node.db.activate():
        assert (await Round.get(id=rid)).report_mailed_at is not None
        assert (await run_jobs_once(app.node))["mail_round_summaries"] == 0  # sent once only
    assert len(inbox.messages) == 2


async def test_a_failed_mail_is_retried_by_the_worker(node_factory: Any, make_member: Any) -> None:
    app = await node_factory("nomail", mail_backend=f"smtp://127.0.0.1:{free_port()}")
    cast = await make_cast_for(app, make_member)
    client = app.test_client()
    rid = await _run_a_round(app, client, cast)
    ended = await client.post(f"/api/v1/rounds/{rid}/end", headers=cast.h("vol"))
    assert ended.status_code == 200  # the round ends even when the mail server is down
    with app.node.db.activate():
        assert (await Round.get(id=rid)).report_mailed_at is None


async def test_the_worker_mails_the_summaries_of_auto_closed_rounds(
    client: Any, app: EntraideApp, make_member: Any, mail_outbox: Any
) -> None:
    cast = await make_cast(app)
    rid = await _run_a_round(app, client, cast)
    app.node.clock.advance(timedelta(hours=4))
    with app.node.db.activate():
        results = await run_jobs_once(app.node)
        assert results["close_overdue_rounds"] == 1
        assert results["mail_round_summaries"] == 2  # closed and summarised in the same pass
        assert (await run_jobs_once(app.node))["mail_round_summaries"] == 0
    mails = mail_outbox()
    assert len(mails) == 2 and "clôturée automatiquement" in mails[0]["body"]
    assert "Durée : 240 min" in mails[0]["body"]
    assert rid


@pytest.mark.parametrize("local_start", [time(10), time(0, 30)])
async def test_activity_csv(
    client: Any, app: EntraideApp, make_member: Any, local_start: time
) -> None:
    # Days are the node's local days: rounds begun at half past midnight in Paris (still the
    # day before in UTC) count on that Paris day.
    started = advance_to_local(app, local_start)
    cast = await make_cast(app)
    rid = await _run_a_round(app, client, cast)
    await client.post(f"/api/v1/rounds/{rid}/end", headers=cast.h("vol"))
    second = await started_round(client, cast)
    await record(client, cast, second["id"], items=["blanket"])
    await client.post(f"/api/v1/rounds/{second['id']}/end", headers=cast.h("vol"))
    await started_round(client, cast)  # still open: not counted
    path = f"/api/v1/rounds/activity.csv?association_id={cast.assoc.id}&period=day"
    response = await client.get(path, headers=cast.h("coord"))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(await response.get_data(as_text=True))))
    assert len(rows) == 1
    [row] = rows
    assert row["period_start"] == started.date().isoformat()
    assert row["rounds"] == "2" and row["encounters"] == "3" and row["meal"] == "2"
    assert row["blanket"] == "1" and row["asleep"] == "1" and row["cells_visited"] == "2"
    assert NOTE not in await response.get_data(as_text=True)
    for period in ("week", "month"):
        response = await client.get(path.replace("day", period), headers=cast.h("admin"))
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("vol", 403),
        ("other_coord", 404),
        ("pending_coord", 403),
        ("resident", 403),
        ("node_admin", 403),
        ("unverified", 403),
    ],
)
async def test_who_may_not_export(
    client: Any, app: EntraideApp, make_member: Any, who: str, status: int
) -> None:
    cast = await make_cast(app)
    path = f"/api/v1/rounds/activity.csv?association_id={cast.assoc.id}"
    assert (await client.get(path, headers=cast.h(who))).status_code == status


async def test_export_validation(client: Any, app: EntraideApp, make_member: Any) -> None:
    cast = await make_cast(app)
    base = f"/api/v1/rounds/activity.csv?association_id={cast.assoc.id}"
    h = cast.h("coord")
    assert (await client.get(base)).status_code == 401
    for extra in (
        "&period=year",
        "&since=2026-13-01",
        "&since=2026-06-01&until=2026-01-01",
        "&since=2000-01-01&until=2026-01-01",
        "&zip=1",
    ):
        assert (await client.get(base + extra, headers=h)).status_code == 422, extra
    assert (await client.get("/api/v1/rounds/activity.csv", headers=h)).status_code == 422
    unknown = "/api/v1/rounds/activity.csv?association_id=00000000-0000-4000-8000-000000000000"
    assert (await client.get(unknown, headers=h)).status_code == 404


async def test_a_separate_worker_process_mails_summaries(
    client: Any, app: EntraideApp, make_member: Any, mail_outbox: Any
) -> None:
    """``entraide worker`` runs the same jobs with the node it built: no request, no app
    context, and the summaries still go out."""
    from node.worker.periodic import default_jobs

    jobs = list(default_jobs(app.node))
    outreach = ["close_overdue_rounds", "purge_encounter_details", "mail_round_summaries"]
    assert [name for name in jobs if name in outreach] == outreach  # in this order
    assert jobs.index("expire_actions") < jobs.index("close_overdue_rounds")
    cast = await make_cast(app)
    await _run_a_round(app, client, cast)
    app.node.clock.advance(timedelta(hours=4))
    with app.node.db.activate():
        assert (await run_jobs_once(app.node))["mail_round_summaries"] == 2
    assert len(mail_outbox()) == 2
