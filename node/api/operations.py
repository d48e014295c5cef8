"""For load balancers and monitoring: ``/health``, ``/ready`` and ``/metrics``.

- ``/health`` answers 200 as long as the process serves requests (liveness).
- ``/ready`` answers 200 when the database is reachable, every migration is applied and a worker
  loop beat recently, 503 with the failing checks otherwise (readiness: take the node out of a
  load balancer, or alert).
- ``/metrics`` is the Prometheus text format (``prometheus-client``), for a node admin's bearer
  token or the ``metrics_token`` setting. Request counts and latencies are per route template
  (``/actions/<uuid:action_id>``, never the ids or query strings: no positions or tokens leak
  into monitoring). Queue figures are read from the database at scrape time, so every process
  reports the same. With several server processes the request metrics are summed across them
  (prometheus-client's multi-process mode, ``PROMETHEUS_MULTIPROC_DIR``, set by
  ``entraide serve --workers N``).
"""

from __future__ import annotations

import hmac
import logging
import os
import time
import uuid
from collections.abc import Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from quart import Blueprint, Quart, Response, current_app, g, request

from node import clock
from node.api.deps import require_node_admin
from node.http_state import current_node
from node.logs import accepted_request_id, current_request_id
from node.services.operations import QueueFigures, queue_figures, readiness

blueprint = Blueprint("operations", __name__)
access_log = logging.getLogger("entraide.access")

METRICS_EXTENSION = "entraide.metrics"
# Latency buckets in seconds: most routes answer in a few milliseconds; the slow tail matters.
_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class RequestMetrics:
    """Counters of one app (one registry per app: several test nodes live in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "entraide_http_requests",
            "HTTP requests answered, by route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "entraide_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template.",
            ["method", "route"],
            buckets=_BUCKETS,
            registry=self.registry,
        )

    def exposition(self) -> bytes:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            return generate_latest(registry)
        return generate_latest(self.registry)


class _QueueCollector(Collector):
    """The queue figures of one scrape as gauges."""

    def __init__(self, figures: QueueFigures) -> None:
        self.figures = figures

    def collect(self) -> Iterator[GaugeMetricFamily]:
        inbox = GaugeMetricFamily(
            "entraide_inbox_items", "Inbound activities by state.", labels=["state"]
        )
        for state, count in sorted(self.figures.inbox.items()):
            inbox.add_metric([state], count)
        yield inbox
        deliveries = GaugeMetricFamily(
            "entraide_deliveries",
            "Outgoing deliveries not yet delivered, by partner host and state "
            "(queued, retrying, abandoned).",
            labels=["host", "state"],
        )
        for (host, state), count in sorted(self.figures.deliveries.items()):
            deliveries.add_metric([host, state], count)
        yield deliveries
        yield GaugeMetricFamily(
            "entraide_worker_lag_seconds",
            "How overdue the oldest due inbox row or delivery is (0 when the worker keeps up).",
            value=self.figures.oldest_due_seconds,
        )
        workers = GaugeMetricFamily(
            "entraide_worker_loops", "Worker loops seen alive recently, by role.", labels=["role"]
        )
        for role, count in sorted(self.figures.workers.items()):
            workers.add_metric([role], count)
        yield workers


def _route() -> str:
    rule = request.url_rule
    return rule.rule if rule is not None else "(unmatched)"


def install_request_hooks(app: Quart) -> None:
    """Give every request of ``app`` an id, log it once by route template, and count it."""
    metrics = RequestMetrics()
    app.extensions[METRICS_EXTENSION] = metrics

    @app.before_request
    async def _started() -> None:
        g.request_started = time.perf_counter()
        request_id = accepted_request_id(request.headers.get("X-Request-Id")) or uuid.uuid4().hex
        g.request_id = request_id
        g.request_id_token = current_request_id.set(request_id)

    @app.after_request
    async def _answered(response: Response) -> Response:
        started = g.get("request_started")
        if started is None:
            return response
        route = _route()
        elapsed = time.perf_counter() - started
        metrics.requests.labels(request.method, route, str(response.status_code)).inc()
        metrics.latency.labels(request.method, route).observe(elapsed)
        response.headers["X-Request-Id"] = g.request_id
        access_log.info(
            "%s %s %d %.1f ms", request.method, route, response.status_code, elapsed * 1000
        )
        return response

    @app.teardown_request
    async def _done(_: BaseException | None) -> None:
        token = g.pop("request_id_token", None)
        if token is not None:
            current_request_id.reset(token)


@blueprint.get("/health")
async def health() -> tuple[dict[str, str], int]:
    """Liveness: the process answers."""
    return {"status": "ok"}, 200


@blueprint.get("/ready")
async def ready() -> tuple[dict[str, object], int]:
    """Readiness: database, migrations and a live worker loop; 503 with the reasons otherwise."""
    result = await readiness(clock.now())
    return {"ready": result.ready, "checks": result.checks}, 200 if result.ready else 503


async def _may_read_metrics() -> None:
    token = current_node().settings.metrics_token
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if token is not None and scheme.lower() == "bearer":
        expected = token.get_secret_value().encode()
        if hmac.compare_digest(secret.strip().encode(), expected):
            return
    await require_node_admin()  # 401 without a token, 403 for a member who is not an admin


@blueprint.get("/metrics")
async def metrics() -> Response:
    await _may_read_metrics()
    own: RequestMetrics = current_app.extensions[METRICS_EXTENSION]
    snapshot = CollectorRegistry()
    snapshot.register(_QueueCollector(await queue_figures(clock.now())))
    body = own.exposition() + generate_latest(snapshot)
    return Response(body, content_type=CONTENT_TYPE_LATEST)
