"""What people send to prove who they are (a phone number, an email address, a password, a texted
code) and the limits on those requests: per client address and per number, counted before
anything else.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Annotated, ParamSpec, TypeVar

from pydantic import StringConstraints
from quart import request

from node.api.types import ONE_LINE
from node.http_state import current_node
from node.passwords import MAX_LENGTH, MIN_LENGTH
from node.services import members as service
from node.services import ratelimit

P = ParamSpec("P")


R = TypeVar("R")


Email = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=254), ONE_LINE
]


Password = Annotated[str, StringConstraints(min_length=MIN_LENGTH, max_length=MAX_LENGTH)]


AnyPassword = Annotated[str, StringConstraints(min_length=1, max_length=MAX_LENGTH)]


Code = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{6}$")]


def client_ip() -> str:
    return request.remote_addr or "unknown"


def rate_limited(name: str) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Count the request per client IP before anything else (even a malformed body counts)."""

    def decorate(func: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(func)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            limit = current_node().settings.rate_limit_per_minute
            await ratelimit.check(f"{name}:ip:{client_ip()}", limit)
            return await func(*args, **kwargs)

        return wrapper

    return decorate


async def limit_phone(name: str, raw_phone: str) -> str:
    """Normalise the phone (422 when impossible) and count the request against it."""
    phone = service.normalise_phone(raw_phone)
    await ratelimit.check(f"{name}:phone:{phone}", current_node().settings.rate_limit_per_minute)
    return phone
