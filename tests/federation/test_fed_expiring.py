"""The expiring cache: entries live ``ttl`` seconds on the caller's clock, a load begun before a
change is not kept, an invalidation holds new entries back for a moment, the oldest go first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from federation.expiring import ExpiringCache


class FakeClock:
    def __init__(self) -> None:
        self.at = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


def test_an_entry_expires_when_the_given_clock_passes_its_ttl() -> None:
    clock = FakeClock()
    cache: ExpiringCache[str, int] = ExpiringCache(ttl=10, now=clock.now)
    assert cache.put("a", 1)
    clock.advance(9.9)
    assert cache.get("a") == 1
    clock.advance(0.1)
    assert cache.get("a") is None and len(cache) == 0


async def test_a_load_begun_before_a_change_is_not_kept() -> None:
    clock = FakeClock()
    cache: ExpiringCache[str, str] = ExpiringCache(ttl=10, now=clock.now)
    generation = cache.generation
    cache.forget("a")  # the source changed while the old value was being read
    assert not cache.put("a", "old", generation)
    assert cache.get("a") is None
    loads = []

    async def load() -> str:
        loads.append(1)
        return "new"

    assert await cache.load("a", load) == "new"
    assert await cache.load("a", load) == "new"
    assert len(loads) == 1


def test_an_invalidation_holds_new_entries_back_for_a_moment() -> None:
    clock = FakeClock()
    cache: ExpiringCache[str, int] = ExpiringCache(ttl=10, now=clock.now, hold=1)
    cache.put("a", 1)
    cache.invalidate()
    assert cache.get("a") is None
    assert not cache.put("a", 2, cache.generation)  # may have read the rows before the commit
    clock.advance(1)
    assert cache.put("a", 3, cache.generation) and cache.get("a") == 3


def test_the_oldest_entries_go_first_when_the_weight_is_reached() -> None:
    clock = FakeClock()
    cache: ExpiringCache[str, bytes] = ExpiringCache(
        ttl=10, now=clock.now, max_weight=10, weight=len
    )
    cache.put("a", b"1234")
    cache.put("b", b"1234")
    cache.put("a", b"12")  # replaced: now the newest
    cache.put("c", b"12345")
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (b"12", None, b"12345")
    assert not cache.put("d", b"x" * 11)  # heavier than the whole cache
