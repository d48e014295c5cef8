"""A worker loop's sign of life (``worker_heartbeat`` rows), read by ``/ready`` and ``/metrics``."""

from __future__ import annotations

import logging
from datetime import datetime

from node import clock
from node.services.operations import HEARTBEAT_EVERY, beat, worker_id

log = logging.getLogger("entraide.worker")


class Heartbeat:
    """Writes at most one row update every ``HEARTBEAT_EVERY`` however often the loop turns."""

    def __init__(self, role: str) -> None:
        self.role = role
        self.worker = worker_id(role)
        self.last: datetime | None = None

    async def beat(self) -> None:
        now = clock.now()
        if self.last is not None and now - self.last < HEARTBEAT_EVERY:
            return
        try:
            await beat(self.worker, self.role, now)
        except Exception:  # a missed beat must not stop the loop's real work
            log.warning("could not record the %s worker's heartbeat", self.role, exc_info=True)
            return
        self.last = now
