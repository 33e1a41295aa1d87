"""Roll-ups for /rekap and the snapshot job (docs/rules.md#roll-ups).

Counts come from `uow.rollup` (grouped SQL), ratios and targets from `domain.rollup`. The
snapshot job stores, at each cut-off and at the season's end, the counts of the regency, of
every kecamatan and of every officer's cooperatives, per segment (and their total), once.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from domain.rat.policy import RatPolicy
from domain.rollup import Counts, cutoffs_for
from domain.rollup.access import snapshot_scope
from domain.rollup.counts import with_total
from domain.rollup.period import Period, snapshot_years, snapshots_due
from domain.rollup.split import DrillLine, Measure, RollupFilter, Split
from storage.uow import UnitOfWork

logger = logging.getLogger(__name__)

REGENCY, KECAMATAN, PETUGAS = "regency", "kecamatan", "petugas"
# What a snapshot stores: the scope, and the split that gives one row per group of it.
SNAPSHOT_SCOPES = ((REGENCY, Split.NONE), (KECAMATAN, Split.KECAMATAN), (PETUGAS, Split.PETUGAS))

Grouped = dict[Any, dict[str, Counts]]


def _midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def period_of(tahun_buku: int, policy: RatPolicy, now: datetime, tz: tzinfo) -> Period:
    """The roll-up period of `tahun_buku` as of `now` (the regency's primary cut-offs)."""
    cutoffs = cutoffs_for(tahun_buku, policy.offsets["primer"], policy.late_rat_months)
    start, end = cutoffs.season
    return Period(
        cutoffs=cutoffs,
        today=now.astimezone(tz).date(),
        now=now,
        season_from=_midnight(start, tz),
        season_until=_midnight(end + timedelta(days=1), tz),
    )


async def rollup(uow: UnitOfWork, where: RollupFilter, split: Split, period: Period) -> Grouped:
    """Per split value: the counts of each segment and their total."""
    raw = await uow.rollup.counts(where, split, period)
    by_key: dict[Any, dict[str, Counts]] = defaultdict(dict)
    for (key, segment), counts in raw.items():
        by_key[key][segment] = counts
    return {key: with_total(segments) for key, segments in by_key.items()}


async def headline(uow: UnitOfWork, where: RollupFilter, period: Period) -> dict[str, Counts]:
    """The counts of the whole filter, per segment and total (zeros when nothing matches)."""
    grouped = await rollup(uow, where, Split.NONE, period)
    return next(iter(grouped.values()), with_total({}))


async def snapshots_for(
    uow: UnitOfWork, tahun_buku: int, where: RollupFilter
) -> dict[str, dict[str, Counts]]:
    """The stored counts matching a filter: by cut-off, by segment (none when not kept)."""
    scope = snapshot_scope(where)
    if scope is None:
        return {}
    out: dict[str, dict[str, Counts]] = defaultdict(dict)
    for row in await uow.rollup_lists.snapshots(tahun_buku, *scope):
        out[row.cutoff][row.segmen] = row.counts
    return dict(out)


@dataclass(frozen=True)
class PlannedSnapshot:
    """One cut-off's snapshot, computed and not yet stored: (scope, key, segment, counts)."""

    tahun_buku: int
    cutoff: str
    rows: list[tuple[str, str | None, str, Counts]]


async def compute_due_snapshots(
    uow: UnitOfWork, policy: RatPolicy, now: datetime, tz: tzinfo
) -> list[PlannedSnapshot]:
    """The snapshots due `now` and not stored yet, computed (reads only)."""
    today = now.astimezone(tz).date()
    years = snapshot_years(today)
    cutoffs = [cutoffs_for(y, policy.offsets["primer"], policy.late_rat_months) for y in years]
    taken = await uow.rollup_lists.snapshots_taken(years)
    planned = []
    for tahun_buku, cutoff in snapshots_due(today, cutoffs, taken):
        period = period_of(tahun_buku, policy, now, tz)
        rows: list[tuple[str, str | None, str, Counts]] = []
        for scope, split in SNAPSHOT_SCOPES:
            grouped = await rollup(uow, RollupFilter(), split, period)
            if scope == REGENCY and not grouped:
                grouped = {None: with_total({})}
            for key, segments in grouped.items():
                stored_key = None if scope == REGENCY or key is None else str(key)
                rows.extend(
                    (scope, stored_key, segment, counts) for segment, counts in segments.items()
                )
        planned.append(PlannedSnapshot(tahun_buku, cutoff, rows))
    return planned


async def store_snapshots(
    uow: UnitOfWork, planned: Sequence[PlannedSnapshot], now: datetime
) -> list[tuple[int, str]]:
    """Stores the planned snapshots that are still not stored; returns which were stored.

    The caller commits. Checked again here, in the writing transaction: a snapshot is
    stored once, whoever computed it.
    """
    years = sorted({p.tahun_buku for p in planned})
    taken = await uow.rollup_lists.snapshots_taken(years) if years else set()
    stored = []
    for snapshot in planned:
        if (snapshot.tahun_buku, snapshot.cutoff) in taken:
            continue
        await uow.rollup_lists.add_snapshot(
            snapshot.tahun_buku, snapshot.cutoff, now, snapshot.rows
        )
        stored.append((snapshot.tahun_buku, snapshot.cutoff))
        logger.info(
            "roll-up snapshot %s %s: %d rows",
            snapshot.tahun_buku,
            snapshot.cutoff,
            len(snapshot.rows),
        )
    return stored


async def take_due_snapshots(
    uow: UnitOfWork, policy: RatPolicy, now: datetime, tz: tzinfo
) -> list[tuple[int, str]]:
    """Computes and stores the snapshots due `now` in one unit of work (the caller commits)."""
    return await store_snapshots(uow, await compute_due_snapshots(uow, policy, now, tz), now)


async def drill_page(
    uow: UnitOfWork, where: RollupFilter, measure: Measure, period: Period, page: int
) -> tuple[int, list[DrillLine]]:
    """How many cooperatives stand behind a number, and one page of them."""
    return await uow.rollup_lists.page(where, measure, period, page)


async def drill_ids(
    uow: UnitOfWork, where: RollupFilter, measure: Measure, period: Period
) -> Sequence[int]:
    """Every cooperative behind a number (recomputed on the server for a reminder)."""
    return await uow.rollup_lists.ids(where, measure, period)


async def officer_names(uow: UnitOfWork, ids: Sequence[int]) -> dict[int, str | None]:
    """Officers' names for a split by officer."""
    return await uow.rollup_lists.officer_names(ids)
