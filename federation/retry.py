"""Delivery retry policy: pure functions, the node stores the rows (DESIGN §4).

Classification follows what a receiving server means: 2xx delivered; network errors, timeouts,
5xx, 429 (rate limited), 408 (timeout) and 401 (often a key we have not yet published, or the
remote's clock/cache) are worth retrying; any other 4xx means "this will never be accepted"
(GoToSocial's transport does the same). The schedule is exponential with jitter and spans about
two days over 16 attempts, like Mastodon's Sidekiq retries for ``DeliveryWorker``.
"""

from __future__ import annotations

import datetime as dt
import enum
import random
from email.utils import parsedate_to_datetime

import httpx

from federation.errors import FetchError, ResponseTooLarge, SSRFBlocked, TooManyRedirects

MAX_ATTEMPTS = 16
BASE_DELAY = dt.timedelta(seconds=30)
MAX_DELAY = dt.timedelta(hours=12)
RETRY_AFTER_CAP = dt.timedelta(hours=6)
_FACTOR = 1.82  # with 30 s base and the 12 h cap, the 15 waits add up to ≈ 2 days
_RETRYABLE_4XX = frozenset({401, 408, 429})


class Outcome(enum.StrEnum):
    DELIVERED = "delivered"
    RETRYABLE = "retryable"
    PERMANENT = "permanent"


def classify_status(status: int) -> Outcome:
    if 200 <= status < 300:
        return Outcome.DELIVERED
    if status >= 500 or status in _RETRYABLE_4XX:
        return Outcome.RETRYABLE
    # 3xx (we do not follow redirects for deliveries) and other 4xx: the remote refuses.
    return Outcome.PERMANENT


def classify_exception(exc: BaseException) -> Outcome:
    """Classify a failed attempt that raised instead of answering."""
    if isinstance(exc, SSRFBlocked | TooManyRedirects | ResponseTooLarge):
        return Outcome.PERMANENT
    if isinstance(exc, httpx.ConnectError) and _is_unknown_host(exc):
        return Outcome.PERMANENT
    if isinstance(exc, httpx.TransportError | TimeoutError | OSError | FetchError):
        return Outcome.RETRYABLE
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return Outcome.PERMANENT
    return Outcome.RETRYABLE


def _is_unknown_host(exc: BaseException) -> bool:
    text = str(exc).lower()
    markers = (
        "name or service not known",
        "nodename nor servname",
        "no address associated",
        "cannot resolve",
        "no address for",
        "name resolution",
    )
    return any(m in text for m in markers)


def classify(result: httpx.Response | BaseException) -> Outcome:
    if isinstance(result, httpx.Response):
        return classify_status(result.status_code)
    return classify_exception(result)


def backoff_delay(attempt: int, *, rng: random.Random | None = None) -> dt.timedelta:
    """Delay before retry number ``attempt`` (1 = the wait after the first failure).

    Exponential, capped at :data:`MAX_DELAY`, with ±20 % jitter so that a node coming back
    does not receive every pending delivery in the same second.
    """
    raw = min(BASE_DELAY.total_seconds() * _FACTOR ** (attempt - 1), MAX_DELAY.total_seconds())
    jitter = (rng or random).uniform(0.8, 1.2)
    return dt.timedelta(seconds=raw * jitter)


def parse_retry_after(value: str | None, now: dt.datetime) -> dt.timedelta | None:
    """RFC 9110 §10.2.3: delay-seconds or an HTTP-date; None when absent or unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return dt.timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(when - now, dt.timedelta(0))


def next_attempt_at(
    attempt: int,
    now: dt.datetime,
    *,
    retry_after: str | None = None,
    rng: random.Random | None = None,
    max_attempts: int = MAX_ATTEMPTS,
) -> dt.datetime | None:
    """When to try again after failed attempt number ``attempt``; None once attempts are spent.

    A ``Retry-After`` from the remote wins over the backoff when it asks for longer, up to
    :data:`RETRY_AFTER_CAP` (a remote must not park our queue for a week).
    """
    if attempt >= max_attempts:
        return None
    delay = backoff_delay(attempt, rng=rng)
    asked = parse_retry_after(retry_after, now)
    if asked is not None:
        delay = max(delay, min(asked, RETRY_AFTER_CAP))
    return now + delay


def schedule(
    result: httpx.Response | BaseException,
    attempt: int,
    now: dt.datetime,
    *,
    rng: random.Random | None = None,
) -> tuple[Outcome, dt.datetime | None]:
    """One call for the worker: the outcome, and the next attempt time when it should retry."""
    outcome = classify(result)
    if outcome is not Outcome.RETRYABLE:
        return outcome, None
    retry_after = result.headers.get("retry-after") if isinstance(result, httpx.Response) else None
    when = next_attempt_at(attempt, now, retry_after=retry_after, rng=rng)
    return (outcome, when) if when is not None else (Outcome.PERMANENT, None)
