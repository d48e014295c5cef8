"""Operational state: which worker processes are alive (for ``/ready`` and ``/metrics``)."""

from __future__ import annotations

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
