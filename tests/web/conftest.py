"""Fixtures of the web tests: a cheap password hasher, and helpers to read CSRF tokens."""

from __future__ import annotations

import re
from typing import Any

import pytest
from argon2 import PasswordHasher

from node.services import passwords

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _cheap_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        passwords, "hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


async def csrf_of(client: Any, path: str) -> str:
    response = await client.get(path)
    match = CSRF.search(await response.get_data(as_text=True))
    assert match, f"no CSRF field on {path}"
    return match.group(1)
