"""/health, /ready and /metrics as a load balancer and a Prometheus server use them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from node import clock
from node.http_state import EntraideApp
from node.models import Delivery, DeliveryStatus, OutboxActivity, WorkerHeartbeat
from node.worker.heartbeat import Heartbeat
from tests.conftest import MemberFactory


async def test_health_answers_while_the_process_serves(client: Any) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert await response.get_json() == {"status": "ok"}


async def test_ready_needs_a_live_worker_loop(app: EntraideApp, client: Any) -> None:
    response = await client.get("/ready")
    assert response.status_code == 503
    body = await response.get_json()
    assert body["ready"] is False
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"] == "ok"
    assert "no worker loop" in body["checks"]["worker"]

    with app.node.db.activate():
        await Heartbeat("federation").beat()
    response = await client.get("/ready")
    assert response.status_code == 200
    assert await response.get_json() == {
        "ready": True,
        "checks": {"database": "ok", "migrations": "ok", "worker": "ok"},
    }

    app.node.clock.advance(timedelta(minutes=5))  # the loop died: its row goes stale
    response = await client.get("/ready")
    assert response.status_code == 503


async def test_ready_names_migrations_not_applied(app: EntraideApp, client: Any) -> None:
    with app.node.db.activate():
        await Heartbeat("periodic").beat()
        connection = WorkerHeartbeat._meta.db
        _, rows = await connection.execute_query(
            "SELECT name FROM tortoise_migrations ORDER BY name DESC"
        )
        latest = rows[0]["name"]
        await connection.execute_query(
            "DELETE FROM tortoise_migrations WHERE name = "
            + ("$1" if connection.capabilities.dialect == "postgres" else "?"),
            [latest],
        )
    response = await client.get("/ready")
    assert response.status_code == 503
    assert (await response.get_json())["checks"]["migrations"] == f"not applied: {latest}"


async def test_heartbeat_writes_at_most_every_few_seconds(app: EntraideApp) -> None:
    with app.node.db.activate():
        heartbeat = Heartbeat("federation")
        await heartbeat.beat()
        first = (await WorkerHeartbeat.get(id=heartbeat.worker)).beat_at
        app.node.clock.advance(timedelta(seconds=5))
        await heartbeat.beat()
        assert (await WorkerHeartbeat.get(id=heartbeat.worker)).beat_at == first
        app.node.clock.advance(timedelta(seconds=20))
        await heartbeat.beat()
        assert (await WorkerHeartbeat.get(id=heartbeat.worker)).beat_at > first


async def test_metrics_refused_to_anonymous_and_to_members(
    client: Any, make_member: MemberFactory
) -> None:
    assert (await client.get("/metrics")).status_code == 401
    wrong = {"Authorization": "Bearer not-the-metrics-token"}
    assert (await client.get("/metrics", headers=wrong)).status_code == 401
    _, member = await make_member()
    assert (await client.get("/metrics", headers=member)).status_code == 403


async def test_metrics_token_setting_reads_metrics(node_factory: Any) -> None:
    app = await node_factory("monitored", metrics_token="scrape-me-0123456789")
    client = app.test_client()
    response = await client.get(
        "/metrics", headers={"Authorization": "Bearer scrape-me-0123456789"}
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")


async def test_metrics_count_requests_by_route_template(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    _, admin = await make_member(admin=True)
    await client.get("/api/v1/node")
    unknown = "0b4c1a8e-6f0e-4f55-9f43-1c2d3e4f5a6b"
    await client.get(f"/api/v1/actions/{unknown}")
    await client.get("/api/v1/actions?lat=48.85&lon=2.35&radius_km=2")
    text = (await (await client.get("/metrics", headers=admin)).get_data()).decode()
    assert (
        'entraide_http_requests_total{method="GET",route="/api/v1/node",status="200"} 1.0' in text
    )
    assert 'route="/api/v1/actions/<uuid:action_id>",status="404"' in text
    assert "entraide_http_request_duration_seconds_bucket" in text
    # Ids, positions and query strings never reach monitoring.
    assert unknown not in text
    assert "48.85" not in text


async def test_metrics_show_queues_per_partner_host(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    _, admin = await make_member(admin=True)
    now = clock.now()
    with app.node.db.activate():
        activity = await OutboxActivity.create(
            ap_id="http://node.test/activities/1",
            actor_iri="http://node.test/actor",
            type="Create",
            body={},
            created_at=now,
        )
        for n, (host, attempts, status) in enumerate(
            [
                ("lyon.example", 0, DeliveryStatus.QUEUED),
                ("lyon.example", 3, DeliveryStatus.QUEUED),
                ("lille.example", 16, DeliveryStatus.ABANDONED),
                ("lille.example", 1, DeliveryStatus.DELIVERED),
            ]
        ):
            await Delivery.create(
                activity=activity,
                inbox_url=f"https://{host}/inbox/{n}",
                host=host,
                status=status,
                attempts=attempts,
                next_attempt_at=now - timedelta(seconds=30),
                created_at=now,
            )
    text = (await (await client.get("/metrics", headers=admin)).get_data()).decode()
    assert 'entraide_deliveries{host="lyon.example",state="queued"} 1.0' in text
    assert 'entraide_deliveries{host="lyon.example",state="retrying"} 1.0' in text
    assert 'entraide_deliveries{host="lille.example",state="abandoned"} 1.0' in text
    assert 'host="lille.example",state="delivered"' not in text
    lag = next(line for line in text.splitlines() if line.startswith("entraide_worker_lag"))
    assert float(lag.split()[-1]) >= 30
    assert 'entraide_inbox_items{state="queued"} 0.0' in text
