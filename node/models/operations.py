"""Operational state: which worker processes are alive (for ``/ready`` and ``/metrics``)."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class WorkerHeartbeat(Model):
    """One row per running worker loop, touched every few seconds while it runs.

    ``/ready`` answers 503 when no loop has beaten recently: deliveries and inbox rows would then
    wait forever although the web part looks fine."""

    id = fields.CharField(primary_key=True, max_length=200)  # host:pid:role
    role = fields.CharField(max_length=40)
    started_at = fields.DatetimeField()
    beat_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "worker_heartbeat"
        table_description = "Worker loops alive, for readiness and metrics."


class PartnerFigures(Model):
    """The last usage figures a partner node published in its NodeInfo, for the federation-wide
    figures page. Refreshed by a periodic job; a failed refresh keeps the last good figures."""

    domain = fields.CharField(primary_key=True, max_length=255)
    name = fields.CharField(max_length=200, default="")
    figures: dict[str, Any] = fields.JSONField(default=dict)
    fetched_at = fields.DatetimeField(null=True)
    tried_at = fields.DatetimeField()
    error = fields.CharField(max_length=300, null=True)

    class Meta:
        table = "partner_figures"
        table_description = "Usage figures of partner nodes, from their NodeInfo."


class PeriodicRun(Model):
    """When each periodic job may run next. A worker runs a job only after moving its
    ``next_run_at`` forward in one ``UPDATE … WHERE next_run_at <= now``: of several processes
    racing for the same period exactly one changes the row (PostgreSQL re-checks the condition
    on the row it waited for; SQLite has one writer), so each job runs once per period."""

    name = fields.CharField(primary_key=True, max_length=100)
    next_run_at = fields.DatetimeField()
    last_run_at = fields.DatetimeField(null=True)

    class Meta:
        table = "periodic_run"
        table_description = "Next run of each periodic job, claimed by one worker per period."
