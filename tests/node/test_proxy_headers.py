"""Behind a trusted reverse proxy, rate limits count the client, not the proxy."""

from __future__ import annotations

from tests.conftest import NodeFactory


async def _signups(app, forwarded_for: str, n: int) -> list[int]:  # type: ignore[no-untyped-def]
    client = app.test_client()
    codes = []
    for i in range(n):
        response = await client.post(
            "/api/v1/auth/token",
            json={"phone": f"+3361111{i:04d}", "password": "wrong password"},
            headers={"X-Forwarded-For": forwarded_for},
            scope_base={"client": ("127.0.0.1", 1234)},
        )
        codes.append(response.status_code)
    return codes


async def test_forwarded_for_is_believed_from_a_trusted_proxy(node_factory: NodeFactory) -> None:
    app = await node_factory("proxied", trusted_proxies="127.0.0.1", rate_limit_per_minute=2)
    first = await _signups(app, "203.0.113.5", 3)
    assert first[-1] == 429
    # Another client behind the same proxy still has its own allowance.
    assert (await _signups(app, "203.0.113.6", 1)) == [401]


async def test_forwarded_for_is_ignored_without_trusted_proxies(node_factory: NodeFactory) -> None:
    app = await node_factory("direct", rate_limit_per_minute=2)
    await _signups(app, "203.0.113.5", 3)
    # All requests came from 127.0.0.1: a forged header does not buy a fresh allowance.
    assert (await _signups(app, "203.0.113.6", 1)) == [429]
