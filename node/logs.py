"""The node's log lines: plain text or JSON (``log_format``), each with the request id.

A request gets an id (the proxy's ``X-Request-Id`` when it is a plain token, else a new one),
answered in ``X-Request-Id`` and put on every line logged while serving it. Requests are logged
by route *template* (``GET /actions/<uuid:action_id> 200 3.1 ms``), never by path or query string:
paths and queries carry positions (``/coordination?lat=…``), tokens and codes, and the privacy
rules keep those out of logs (DESIGN §5).

Database drivers log their SQL *with the values* (phone numbers, emails) at DEBUG, and httpx
logs whole URLs: their loggers are held at WARNING whatever ``log_level`` says.
"""

from __future__ import annotations

import logging
import re
import sys
from contextvars import ContextVar
from typing import Literal

from pythonjsonlogger.json import JsonFormatter

LogFormat = Literal["text", "json"]

# The id of the request (or of the job) being handled, read by every log record's filter. A
# context variable, so concurrent requests and worker tasks each see their own.
current_request_id: ContextVar[str | None] = ContextVar("entraide_request_id", default=None)

_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# httpx logs every URL it requests, and an SMS gateway's URL may carry its API key.
_QUIET = ("tortoise", "tortoise.db_client", "aiosqlite", "asyncpg", "pypika", "httpx", "httpcore")
_TEXT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def accepted_request_id(header: str | None) -> str | None:
    """A request id from a proxy, when it is a short plain token (else a new one is made)."""
    return header if header and _SAFE_ID.fullmatch(header) else None


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get() or "-"
        return True


def formatter(log_format: LogFormat) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            json_ensure_ascii=False,
        )
    return logging.Formatter(_TEXT)


def configure_logging(level: str, log_format: LogFormat) -> None:
    """Send the process's log records to standard error in the chosen format (entry points call
    it once per process: ``entraide serve`` workers, ``entraide worker``)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(log_format))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "entraide", False)]:
        root.removeHandler(old)
    handler.entraide = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in _QUIET:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    # The servers' own access logs print raw paths and queries: the node logs requests itself.
    for name in ("uvicorn.access", "granian.access", "hypercorn.access"):
        logging.getLogger(name).disabled = True
