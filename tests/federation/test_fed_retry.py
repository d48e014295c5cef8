"""Delivery retry policy: classification and schedule."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from email.utils import format_datetime

import httpx
import pytest
from conftest import NOW

from federation import errors
from federation.retry import (
    MAX_ATTEMPTS,
    RETRY_AFTER_CAP,
    Outcome,
    backoff_delay,
    classify,
    next_attempt_at,
    parse_retry_after,
    schedule,
)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, Outcome.DELIVERED),
        (202, Outcome.DELIVERED),
        (500, Outcome.RETRYABLE),
        (502, Outcome.RETRYABLE),
        (503, Outcome.RETRYABLE),
        (429, Outcome.RETRYABLE),
        (408, Outcome.RETRYABLE),
        (401, Outcome.RETRYABLE),
        (400, Outcome.PERMANENT),
        (403, Outcome.PERMANENT),
        (404, Outcome.PERMANENT),
        (410, Outcome.PERMANENT),
        (422, Outcome.PERMANENT),
    ],
)
def test_classify_status(status: int, outcome: Outcome) -> None:
    assert classify(httpx.Response(status)) is outcome


@pytest.mark.parametrize(
    ("exc", "outcome"),
    [
        (httpx.ConnectTimeout("t"), Outcome.RETRYABLE),
        (httpx.ReadTimeout("t"), Outcome.RETRYABLE),
        (httpx.ConnectError("connection refused"), Outcome.RETRYABLE),
        (httpx.RemoteProtocolError("eof"), Outcome.RETRYABLE),
        (httpx.ConnectError("[Errno -2] Name or service not known"), Outcome.PERMANENT),
        (errors.SSRFBlocked("10.0.0.1"), Outcome.PERMANENT),
        (errors.TooManyRedirects("x"), Outcome.PERMANENT),
    ],
)
def test_classify_exceptions(exc: BaseException, outcome: Outcome) -> None:
    assert classify(exc) is outcome


def test_schedule_spans_about_two_days_over_sixteen_tries() -> None:
    rng = random.Random(7)
    now, attempt, times = NOW, 1, [NOW]
    while (when := next_attempt_at(attempt, now, rng=rng)) is not None:
        times.append(when)
        now, attempt = when, attempt + 1
    assert len(times) == MAX_ATTEMPTS == 16
    span = times[-1] - times[0]
    assert dt.timedelta(days=1.5) < span < dt.timedelta(days=2.6), span
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert gaps[0] < dt.timedelta(minutes=1) and gaps[-1] > dt.timedelta(hours=8)


def test_backoff_grows_and_has_jitter() -> None:
    assert backoff_delay(5, rng=random.Random(1)) > backoff_delay(2, rng=random.Random(1))
    values = {backoff_delay(6, rng=random.Random(seed)) for seed in range(20)}
    assert len(values) > 10  # jittered, not one fixed time


def test_retry_after_seconds_and_date_honoured_up_to_cap() -> None:
    assert parse_retry_after("120", NOW) == dt.timedelta(seconds=120)
    later = format_datetime(NOW + dt.timedelta(minutes=30), usegmt=True)
    assert parse_retry_after(later, NOW) == dt.timedelta(minutes=30)
    assert parse_retry_after("soon", NOW) is None
    when = next_attempt_at(1, NOW, retry_after="600", rng=random.Random(0))
    assert when == NOW + dt.timedelta(seconds=600)  # longer than the 30 s backoff: wins
    capped = next_attempt_at(1, NOW, retry_after=str(10 * 86400), rng=random.Random(0))
    assert capped == NOW + RETRY_AFTER_CAP


def test_schedule_helper() -> None:
    outcome, when = schedule(httpx.Response(429, headers={"Retry-After": "90"}), 1, NOW)
    assert outcome is Outcome.RETRYABLE and when == NOW + dt.timedelta(seconds=90)
    assert schedule(httpx.Response(410), 1, NOW) == (Outcome.PERMANENT, None)
    assert schedule(httpx.Response(202), 3, NOW) == (Outcome.DELIVERED, None)
    assert schedule(httpx.Response(503), MAX_ATTEMPTS, NOW) == (Outcome.PERMANENT, None)
