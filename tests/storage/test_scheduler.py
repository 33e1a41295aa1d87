"""The job registry on SQLite and PostgreSQL: each due moment once, recorded, raced, caught up."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.schedule import Daily, Every
from jobs.registry import DONE, FAILED, Job, JobRegistry
from storage.engine import create_engine, session_factory
from storage.tables import SchedulerRun
from storage.uow import UnitOfWork
from tests.helpers.clock import FrozenClock

WIB = ZoneInfo("Asia/Jakarta")
MONDAY_9_WIB = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)

Factory = async_sessionmaker[AsyncSession]


def wib(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant in January 2027 given in WIB, in UTC."""
    return datetime(2027, 1, day, hour, minute, tzinfo=WIB).astimezone(UTC)


@dataclass
class Work:
    """What the jobs of a test did: (job, due moment) per run, in order."""

    done: list[tuple[str, datetime]] = field(default_factory=list)
    # Set while a run is inside its work, so a racing registry meets a claimed moment.
    inside: asyncio.Event = field(default_factory=asyncio.Event)


async def record(work: Work, due: datetime) -> None:
    work.done.append(("daily", due))
    work.inside.set()
    await asyncio.sleep(0)  # let a racing registry try the same moment meanwhile


async def tick(work: Work, due: datetime) -> None:
    work.done.append(("minute", due))


async def broken(work: Work, due: datetime) -> None:
    raise RuntimeError("the job's own defect")


DAILY = Job("daily", Daily(time(7, 0)), record)
MINUTE = Job("minute", Every(timedelta(minutes=1)), tick)


def registry(
    factory: Factory, clock: FrozenClock, work: Work, jobs: tuple[Job[Work], ...] = (DAILY,)
) -> JobRegistry[Work]:
    return JobRegistry(jobs, work, sessions=factory, clock=clock, tz=WIB, holder="test")


async def runs(factory: Factory) -> list[tuple[str, datetime, str | None]]:
    """Every recorded run: (job, due moment, outcome), in order."""
    async with UnitOfWork(factory, write=False) as uow:
        rows = await uow.session.scalars(
            select(SchedulerRun).order_by(SchedulerRun.job, SchedulerRun.due_at)
        )
        return [(row.job, row.due_at, row.outcome) for row in rows]


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(MONDAY_9_WIB)


@pytest.fixture
async def other_engine(engine: AsyncEngine, migrated_url: str) -> AsyncIterator[AsyncEngine]:
    """A second engine on the same database: another process's connections."""
    other = create_engine(migrated_url)
    try:
        yield other
    finally:
        await other.dispose()


async def test_a_due_moment_runs_once_and_is_recorded(
    factory: Factory, clock: FrozenClock
) -> None:
    work = Work()
    jobs = registry(factory, clock, work, (DAILY, MINUTE))
    assert await jobs.run_due() == [("daily", wib(4, 7)), ("minute", wib(4, 9))]
    assert await jobs.run_due() == []
    # A restarted process (a new registry) finds the moments already run.
    assert await registry(factory, clock, work, (DAILY, MINUTE)).run_due() == []
    clock.advance(seconds=59)
    assert await jobs.run_due() == []
    clock.advance(seconds=1)
    assert await jobs.run_due() == [("minute", wib(4, 9, 1))]
    assert work.done == [("daily", wib(4, 7)), ("minute", wib(4, 9)), ("minute", wib(4, 9, 1))]
    assert await runs(factory) == [
        ("daily", wib(4, 7), DONE),
        ("minute", wib(4, 9), DONE),
        ("minute", wib(4, 9, 1), DONE),
    ]


async def test_after_three_days_down_a_daily_job_runs_once_for_the_latest_moment(
    factory: Factory, clock: FrozenClock
) -> None:
    work = Work()
    await registry(factory, clock, work).run_due()
    clock.advance(days=3, hours=1)  # down from Monday 09:00 to Thursday 10:00 WIB
    assert await registry(factory, clock, work).run_due() == [("daily", wib(7, 7))]
    assert work.done == [("daily", wib(4, 7)), ("daily", wib(7, 7))]
    assert [due for _, due, _ in await runs(factory)] == [wib(4, 7), wib(7, 7)]


async def test_two_processes_racing_for_a_moment_run_it_once(
    factory: Factory, other_engine: AsyncEngine, clock: FrozenClock
) -> None:
    work = Work()
    here = registry(factory, clock, work)
    there = registry(session_factory(other_engine), clock, work)
    ran = await asyncio.gather(here.run_due(), there.run_due())
    assert sorted(len(each) for each in ran) == [0, 1]
    assert work.done == [("daily", wib(4, 7))]
    assert await runs(factory) == [("daily", wib(4, 7), DONE)]


async def test_a_moment_older_than_one_run_never_runs(
    factory: Factory, other_engine: AsyncEngine, clock: FrozenClock
) -> None:
    work = Work()
    await registry(factory, clock, work).run_due()
    late = FrozenClock(clock.now() - timedelta(days=1))  # a process whose clock is behind
    assert await registry(session_factory(other_engine), late, work).run_due() == []
    assert work.done == [("daily", wib(4, 7))]


async def test_a_failing_job_is_recorded_and_the_others_still_run(
    factory: Factory, clock: FrozenClock
) -> None:
    work = Work()
    failing = Job("broken", Every(timedelta(minutes=1)), broken)
    jobs = registry(factory, clock, work, (failing, MINUTE))
    assert await jobs.run_due() == [("broken", wib(4, 9)), ("minute", wib(4, 9))]
    assert await runs(factory) == [("broken", wib(4, 9), FAILED), ("minute", wib(4, 9), DONE)]
    assert await jobs.run_due() == []  # at most once: the failed moment is not retried


async def test_old_runs_are_purged_but_each_jobs_latest_is_kept(
    factory: Factory, clock: FrozenClock
) -> None:
    work = Work()
    jobs = registry(factory, clock, work, (DAILY, MINUTE))
    await jobs.run_due()
    clock.advance(days=1)
    await jobs.run_due()
    async with UnitOfWork(factory) as uow:
        purged = await uow.scheduler_runs.purge_before(clock.now())
        await uow.commit()
    assert purged == 2  # Monday's daily run and Monday's minute
    assert await runs(factory) == [("daily", wib(5, 7), DONE), ("minute", wib(5, 9), DONE)]


async def test_a_started_registry_runs_what_is_due_and_stops_cleanly(
    factory: Factory, clock: FrozenClock
) -> None:
    work = Work()
    jobs = registry(factory, clock, work, (DAILY, MINUTE))
    jobs.start()
    try:
        for _ in range(1000):  # both are due at once: no schedule to wait for
            if [outcome for *_, outcome in await runs(factory)] == [DONE, DONE]:
                break
            await asyncio.sleep(0.01)
    finally:
        await jobs.stop()
    assert sorted(work.done) == [("daily", wib(4, 7)), ("minute", wib(4, 9))]


@pytest.mark.parametrize("at_once", [False, True])
async def test_stopping_lets_a_run_finish_unless_leadership_is_lost(
    factory: Factory, clock: FrozenClock, at_once: bool
) -> None:
    work, release = Work(), asyncio.Event()

    async def slow(work: Work, due: datetime) -> None:
        work.inside.set()
        await release.wait()
        work.done.append(("slow", due))

    jobs = registry(factory, clock, work, (Job("slow", Daily(time(7, 0)), slow),))
    jobs.start()
    await asyncio.wait_for(work.inside.wait(), 10)  # due at once: no schedule to wait for
    stopping = asyncio.create_task(jobs.stop(at_once=at_once))
    await asyncio.sleep(0)
    release.set()
    await stopping
    if at_once:  # cancelled: the moment stays claimed, without an end, and is not re-run
        assert (work.done, await runs(factory)) == ([], [("slow", wib(4, 7), None)])
    else:
        assert (work.done, await runs(factory)) == (
            [("slow", wib(4, 7))],
            [("slow", wib(4, 7), DONE)],
        )


def test_job_names_are_unique_and_jobs_run_in_the_leader(
    factory: Factory, clock: FrozenClock
) -> None:
    with pytest.raises(ValueError, match="unique"):
        registry(factory, clock, Work(), (DAILY, DAILY))
    anywhere = Job("anywhere", Every(timedelta(minutes=1)), tick, leader_only=False)
    with pytest.raises(ValueError, match="leader"):
        registry(factory, clock, Work(), (anywhere,))
    orphan = Job("plan", Daily(time(7, 0)), record, after=("recompute",))
    with pytest.raises(ValueError, match="same registry"):
        registry(factory, clock, Work(), (orphan, MINUTE))


async def test_only_a_finished_run_counts_as_what_a_job_covered(factory: Factory) -> None:
    """A run killed after its claim covered nothing for sure: the next run must cover its
    moment again, so `previous` skips it."""
    async with UnitOfWork(factory) as uow:
        runs = uow.scheduler_runs
        for day in (4, 5):
            assert await runs.claim("plan", wib(day, 7), holder="a", now=wib(day, 7))
        await runs.finish("plan", wib(4, 7), now=wib(4, 8), outcome=DONE)
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        assert await uow.scheduler_runs.previous("plan", wib(6, 7)) == wib(4, 7)


async def test_a_job_after_another_waits_for_its_run_of_the_day_when_both_are_due(
    factory: Factory, clock: FrozenClock
) -> None:
    """At start-up every job is due at once and each runs in its own loop: the planner
    (07:00) declared after the recompute (00:05) starts only once the recompute has ended."""
    work, release = Work(), asyncio.Event()

    async def recompute(work: Work, due: datetime) -> None:
        work.done.append(("recompute", due))
        work.inside.set()
        await release.wait()
        work.done.append(("recompute ended", due))

    async def plan(work: Work, due: datetime) -> None:
        work.done.append(("plan", due))

    jobs = registry(
        factory,
        clock,
        work,
        (
            Job("plan", Daily(time(7, 0)), plan, after=("recompute",)),
            Job("recompute", Daily(time(0, 5)), recompute),
        ),
    )
    jobs.start()
    try:
        await asyncio.wait_for(work.inside.wait(), 10)
        for _ in range(20):  # the planner's loop has had every chance to run meanwhile
            await asyncio.sleep(0.01)
        assert work.done == [("recompute", wib(4, 0, 5))]
        assert [job for job, *_ in await runs(factory)] == ["recompute"]  # not even claimed
        release.set()
        for _ in range(1000):  # woken by the recompute's end, not by its schedule
            if ("plan", wib(4, 7)) in work.done:
                break
            await asyncio.sleep(0.01)
    finally:
        await jobs.stop()
    assert work.done == [
        ("recompute", wib(4, 0, 5)),
        ("recompute ended", wib(4, 0, 5)),
        ("plan", wib(4, 7)),
    ]


async def test_a_job_is_not_held_up_by_a_run_another_process_left_unfinished(
    factory: Factory, clock: FrozenClock
) -> None:
    """A recompute claimed by a process that died mid-run is never finished nor re-run: the
    planner of that day does not wait for it forever."""
    work = Work()
    async with UnitOfWork(factory) as uow:
        await uow.scheduler_runs.claim("recompute", wib(4, 0, 5), holder="dead", now=wib(4, 1))
        await uow.commit()
    jobs = registry(
        factory,
        clock,
        work,
        (
            Job("plan", Daily(time(7, 0)), record, after=("recompute",)),
            Job("recompute", Daily(time(0, 5)), tick),
        ),
    )
    assert await jobs.run_due() == [("plan", wib(4, 7))]
    # The next day, declared first, it waits for the recompute that run_due runs after it.
    clock.advance(days=1)
    assert await jobs.run_due() == [("recompute", wib(5, 0, 5))]
    assert await jobs.run_due() == [("plan", wib(5, 7))]
