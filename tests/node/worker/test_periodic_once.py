"""Periodic jobs run once per period however many workers run them: two workers racing on the
same database (on PostgreSQL, through separate pooled connections) never both run a job."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from node.http_state import EntraideApp
from node.models import PeriodicRun
from node.worker.periodic import Job, run_due_jobs
from tests.conftest import NodeFactory

EVERY = timedelta(minutes=1)


def _counting_jobs(runs: Counter[str]) -> dict[str, Job]:
    def job(name: str) -> Job:
        async def run() -> int:
            runs[name] += 1
            await asyncio.sleep(0.005)  # still running when the other worker tries
            return 1

        return run

    return {name: job(name) for name in ("expire_actions", "close_rounds", "reminders")}


async def test_two_racing_workers_run_each_job_once_per_period(
    node_factory: NodeFactory,
) -> None:
    app: EntraideApp = await node_factory("node")
    runs: Counter[str] = Counter()
    jobs = _counting_jobs(runs)
    with app.node.db.activate():
        for period in range(1, 6):
            done = await asyncio.gather(
                *(run_due_jobs(app.node, EVERY, jobs) for _ in range(2)),
                run_due_jobs(app.node, EVERY, jobs),
            )
            # Each job ran in exactly one of the racing workers.
            assert sorted(name for result in done for name in result) == sorted(jobs)
            assert runs == Counter(dict.fromkeys(jobs, period))
            # Later in the same period nobody runs them again.
            app.node.clock.advance(EVERY / 2)
            assert await run_due_jobs(app.node, EVERY, jobs) == {}
            app.node.clock.advance(EVERY / 2)
        assert await PeriodicRun.all().count() == len(jobs)


async def test_a_failing_job_does_not_stop_the_others_and_waits_for_its_next_period(
    node_factory: NodeFactory,
) -> None:
    app: EntraideApp = await node_factory("node")
    runs: Counter[str] = Counter()

    async def broken() -> int:
        runs["broken"] += 1
        raise RuntimeError("database hiccup")

    jobs = {"broken": broken, **_counting_jobs(runs)}
    with app.node.db.activate():
        assert set(await run_due_jobs(app.node, EVERY, jobs)) == set(jobs) - {"broken"}
        assert await run_due_jobs(app.node, EVERY, jobs) == {}
        app.node.clock.advance(EVERY)
        await run_due_jobs(app.node, EVERY, jobs)
    assert runs["broken"] == 2 and runs["reminders"] == 2
