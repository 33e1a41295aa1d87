"""Stage, flags and activity status stored on cycles and cooperatives, recomputed.

Three ways in, one rule (`domain.rat.recompute.plan_recompute`):

- `recompute_koperasi(uow, koperasi_id, …)`: inside the caller's transaction, after any change
  that affects one cooperative (a /lapor answer, a RAT date, a cooperative's fields);
- `recompute_after_import(uow, …)`: inside the import's transaction, for the cooperatives it
  touched (all when not told which), so the register's RAT history drives the flags at once;
- `recompute_all(uow_factory, …)`: the daily job (`recompute_daily`, for its due moment)
  and `bot.py recompute`; a batch of cooperatives per short transaction (SQLite has one
  write lock: other writers wait at most one batch), reading and writing in the same
  transaction so a change committed in between is never overwritten with a stale result.

Only rows whose stored values differ are written. Only `apply_config=True` (`bot.py
recompute`) gives open cycles the current configuration's deadlines and checklist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from itertools import islice
from typing import Self
from zoneinfo import ZoneInfo

from domain.rat.koperasi import local_date
from domain.rat.policy import RatPolicy
from domain.rat.recompute import RatPlan, StoredRat, plan_recompute
from storage.repositories.rat_cycle import Locked
from storage.uow import UnitOfWork

BATCH_SIZE = 1_000


@dataclass(frozen=True)
class RecomputeCounts:
    """What a recompute did."""

    koperasi: int = 0  # cooperatives recomputed
    koperasi_changed: int = 0  # whose stored standing changed
    cycles_created: int = 0  # current cycles that were missing
    cycles_changed: int = 0  # cycles whose stage, flags or rules changed
    rules_refreshed: int = 0  # open cycles given the current configuration's rules

    def __add__(self, other: RecomputeCounts) -> Self:
        sums = {f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        return type(self)(**sums)


@dataclass(frozen=True)
class RecomputeOptions:
    """The rules and the day of one recompute."""

    policy: RatPolicy
    today: date  # the region's calendar date (WIB)
    now: datetime  # the instant stored as `updated_at` / `created_at`
    apply_config: bool = False
    tahun_buku: int | None = None  # with apply_config: only that fiscal year's cycles


async def recompute_koperasi(
    uow: UnitOfWork, koperasi_id: int, policy: RatPolicy, today: date, *, now: datetime
) -> RecomputeCounts:
    """Recomputes one cooperative in the caller's transaction (the caller commits).

    The change's transaction calls `uow.rat_cycles.lock_koperasi(koperasi_id)` before it
    touches the cooperative's cycles (the daily recompute locks in that order too), and
    flushes its changes first (a query does). The cooperative and cycle objects the
    session holds are refreshed with what was stored.
    """
    rats = await uow.rat_cycles.load([koperasi_id])
    return await _recompute_batch(uow, rats, RecomputeOptions(policy, today, now))


async def recompute_one(
    uow: UnitOfWork,
    koperasi_id: int,
    policy: RatPolicy,
    today: date,
    *,
    now: datetime,
    locked: Locked | None = None,
    rat: StoredRat | None = None,
) -> tuple[StoredRat, RatPlan] | None:
    """`recompute_koperasi`, returning what it read (after the caller's change) and its plan:
    the cooperative's standing as the transaction leaves it, for the status card without a
    second read. None when the cooperative does not exist.

    `locked`: the cooperative's row as the change's lock read it (`lock_for_change`); only
    its cycles and states are read then. `rat`: the cooperative as the change left it, already
    in hand (`RatCycleRepository.read_for_change`, edited by the change): nothing is read.
    """
    if rat is not None:
        rats = [rat]
    elif locked is not None:
        rats = [await uow.rat_cycles.load_locked(locked)]
    else:
        rats = await uow.rat_cycles.load([koperasi_id])
    planned: list[tuple[StoredRat, RatPlan]] = []
    await _recompute_batch(uow, rats, RecomputeOptions(policy, today, now), planned)
    return planned[0] if planned else None


async def recompute_after_import(
    uow: UnitOfWork,
    policy: RatPolicy,
    today: date,
    *,
    now: datetime,
    koperasi_ids: Iterable[int] | None = None,
) -> RecomputeCounts:
    """Recomputes the imported cooperatives (every one when None) in the import's transaction.

    A batch at a time, so memory stays that of one batch however large the register.
    """
    options = RecomputeOptions(policy, today, now)
    counts = RecomputeCounts()
    if koperasi_ids is not None:
        ids = iter(sorted(set(koperasi_ids)))
        while batch := list(islice(ids, BATCH_SIZE)):
            counts += await _recompute_batch(uow, await uow.rat_cycles.load(batch), options)
        return counts
    after = 0
    while rats := await uow.rat_cycles.next_batch(after=after, limit=BATCH_SIZE):
        counts += await _recompute_batch(uow, rats, options)
        after = rats[-1].koperasi_id
    return counts


async def recompute_all(
    uow_factory: Callable[[], UnitOfWork],
    policy: RatPolicy,
    today: date,
    *,
    now: datetime,
    apply_config: bool = False,
    tahun_buku: int | None = None,
    batch_size: int = BATCH_SIZE,
) -> RecomputeCounts:
    """Recomputes every cooperative, one committed transaction per batch.

    `uow_factory` makes a writing unit of work; on SQLite give it the background engine's
    sessions (aiosqlite's threads) when the bot's event loop runs it. `apply_config` (only
    `bot.py recompute`) gives open cycles — those of `tahun_buku` only, when given — the
    current configuration's rules.
    """
    options = RecomputeOptions(policy, today, now, apply_config, tahun_buku)
    counts = RecomputeCounts()
    after = 0
    while True:
        async with uow_factory() as uow:
            rats = await uow.rat_cycles.next_batch(after=after, limit=batch_size)
            if not rats:
                return counts
            counts += await _recompute_batch(uow, rats, options)
            await uow.commit()
        after = rats[-1].koperasi_id


async def recompute_daily(
    uow_factory: Callable[[], UnitOfWork],
    policy: RatPolicy,
    due: datetime,
    tz: ZoneInfo,
    *,
    now: datetime,
) -> RecomputeCounts:
    """The daily job's body: every cooperative as of the due moment's date in the region
    (a run caught up late still judges the day it was due for), rules kept frozen."""
    return await recompute_all(uow_factory, policy, local_date(due, tz), now=now)


async def recompute_after_register_change(
    uow_factory: Callable[[], UnitOfWork], policy: RatPolicy, tz: ZoneInfo, *, now: datetime
) -> RecomputeCounts:
    """Right after an import committed: the register's RAT history drives stage, flags and
    activity from the first day. Short transactions, one per batch, so chats keep writing
    meanwhile; a crash in between is made good by the next daily run.
    """
    return await recompute_all(uow_factory, policy, local_date(now, tz), now=now)


async def _recompute_batch(
    uow: UnitOfWork,
    rats: Sequence[StoredRat],
    options: RecomputeOptions,
    planned: list[tuple[StoredRat, RatPlan]] | None = None,
) -> RecomputeCounts:
    """Plans and writes one batch of cooperatives, as read (and locked) in this transaction;
    `planned` gets each cooperative with its plan."""
    repository = uow.rat_cycles
    plans = [
        (
            rat,
            plan_recompute(
                rat,
                options.policy,
                options.today,
                apply_config=options.apply_config,
                tahun_buku=options.tahun_buku,
            ),
        )
        for rat in rats
    ]
    if planned is not None:
        planned.extend(plans)
    new = [(rat.koperasi_id, plan.new_cycle) for rat, plan in plans if plan.new_cycle]
    new_ids = await repository.insert_cycles(new, now=options.now)
    created = dict(zip((koperasi_id for koperasi_id, _ in new), new_ids, strict=True))
    cycle_changes = [change for _, plan in plans for change in plan.cycle_changes]
    await repository.update_cycles(cycle_changes, now=options.now)
    koperasi_changes = [
        (rat.koperasi_id, values)
        for rat, plan in plans
        if (values := _koperasi_changes(rat, plan, created.get(rat.koperasi_id)))
    ]
    await repository.update_koperasi(koperasi_changes, now=options.now)
    return RecomputeCounts(
        koperasi=len(rats),
        koperasi_changed=len(koperasi_changes),
        cycles_created=len(new),
        cycles_changed=len(cycle_changes),
        rules_refreshed=sum(plan.refreshed for _, plan in plans),
    )


def _koperasi_changes(rat: StoredRat, plan: RatPlan, created_id: int | None) -> dict[str, object]:
    """The cooperative's recomputed columns when any differs from the stored ones, else {}."""
    current = plan.state.current_tahun_buku
    if created_id is not None:
        current_id: int | None = created_id
    elif current is not None:
        current_id = rat.cycles[current].id
    else:
        current_id = None
    if not plan.koperasi_changed and current_id == rat.stored.get("current_rat_cycle_id"):
        return {}
    return {**plan.koperasi_values, "current_rat_cycle_id": current_id}
