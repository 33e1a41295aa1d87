"""Stage, flags and activity stored by the recompute, against the sample register's history.

The register is imported through the real import; the recompute's result is compared with
every cooperative judged again from scratch (`tests.helpers.rat`).
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from config import DEFAULT_KECAMATAN, RatConfig
from domain.rat.calendar import Offsets
from domain.register_rows import RowRules
from sample.register import SAMPLE_TODAY, generate_register, write_register
from services.rat_recompute import (
    RecomputeCounts,
    recompute_after_import,
    recompute_all,
    recompute_daily,
    recompute_koperasi,
)
from services.register_files import open_table
from services.register_import import import_table
from storage.tables import Koperasi, RatCycle
from storage.uow import UnitOfWork
from tests.helpers.clock import FrozenClock
from tests.helpers.rat import expected_standing, stored_standing
from tests.helpers.seed import add_koperasi

NOW = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
TODAY = SAMPLE_TODAY  # 1 November 2026: fiscal year 2025's statutory limit (30 June) has passed
POLICY = RatConfig().policy()
RULES = RowRules(tuple(DEFAULT_KECAMATAN), SAMPLE_TODAY)
COUNT = 300


async def _import_sample(
    factory: async_sessionmaker[AsyncSession], tmp_path: Path, *, recompute: bool = False
) -> list[dict[str, object]]:
    """The generated register through the real import; recomputed in its transaction if asked."""
    rows = list(generate_register(COUNT, 7))
    path = tmp_path / "contoh.csv"
    write_register(path, rows)
    table = open_table(await asyncio.to_thread(path.read_bytes), path.name)
    async with UnitOfWork(factory) as uow:
        result = await import_table(
            uow, table, RULES, actor_person_id=None, channel="cli", now=NOW
        )
        if recompute:
            await recompute_after_import(uow, POLICY, TODAY, now=NOW)
        await uow.commit()
    assert (result.added, result.invalid_rows) == (COUNT, 0)
    return rows


def _without_2025(rows: list[dict[str, object]]) -> set[str]:
    """Legal numbers of the cooperatives with a calendar fiscal year, owing 2025, with no RAT."""
    return {
        str(row["no_badan_hukum"])
        for row in rows
        if row["rat_2025"] is None
        and row["akhir_tahun_buku"] == "31-12"
        and row["kelompok"] != "KDKMP"
    }


async def _flagged(factory: async_sessionmaker[AsyncSession], column: str) -> set[str]:
    async with UnitOfWork(factory, write=False) as uow:
        found = await uow.session.scalars(
            select(Koperasi.no_badan_hukum).where(getattr(Koperasi, column).is_(True))
        )
        return {str(number) for number in found}


async def test_every_stored_standing_equals_a_recompute_from_scratch(
    factory: async_sessionmaker[AsyncSession],
    background_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    rows = await _import_sample(background_factory, tmp_path)
    counts = await recompute_all(
        lambda: UnitOfWork(background_factory), POLICY, TODAY, now=NOW, batch_size=64
    )
    assert counts.koperasi == COUNT
    assert counts.cycles_created > 0
    async with UnitOfWork(factory, write=False) as uow:
        stored = await stored_standing(uow)
        expected = await expected_standing(uow, POLICY, TODAY)
    assert stored == expected
    # The symptom: no RAT for 2025 past its statutory limit, and "no flags".
    missed = _without_2025(rows)
    assert len(missed) > 10
    flagged = await _flagged(factory, "flag_lewat_batas_uu")
    assert missed <= flagged
    statuses = {s.koperasi["status_aktivitas"] for s in stored.values()}
    assert {"BARU", "AKTIF_RAT", "AKTIF_BELUM_RAT", "RAWAN", "TIDAK_AKTIF"} <= statuses


async def test_a_second_run_the_same_day_writes_nothing(
    factory: async_sessionmaker[AsyncSession],
    background_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    await _import_sample(background_factory, tmp_path)
    await recompute_all(lambda: UnitOfWork(background_factory), POLICY, TODAY, now=NOW)
    again = await recompute_all(lambda: UnitOfWork(background_factory), POLICY, TODAY, now=LATER)
    assert again == RecomputeCounts(koperasi=COUNT)
    async with UnitOfWork(factory, write=False) as uow:
        touched = await uow.session.scalars(
            select(Koperasi.id).where(Koperasi.updated_at == LATER)
        )
        assert list(touched) == []


async def test_the_import_recomputed_in_its_transaction_flags_the_missed_year(
    factory: async_sessionmaker[AsyncSession],
    background_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    rows = await _import_sample(background_factory, tmp_path, recompute=True)
    assert _without_2025(rows) <= await _flagged(factory, "flag_lewat_batas_uu")
    async with UnitOfWork(factory, write=False) as uow:
        assert await stored_standing(uow) == await expected_standing(uow, POLICY, TODAY)


async def test_a_held_rat_recorded_later_moves_stage_flags_and_activity_in_one_transaction(
    factory: async_sessionmaker[AsyncSession],
    background_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    rows = await _import_sample(background_factory, tmp_path, recompute=True)
    number = sorted(_without_2025(rows))[0]
    async with UnitOfWork(factory) as uow:
        koperasi = (
            await uow.session.scalars(select(Koperasi).where(Koperasi.no_badan_hukum == number))
        ).one()
        assert koperasi.flag_lewat_batas_uu
        assert koperasi.current_rat_cycle_id is not None
        cycle = await uow.session.get(RatCycle, koperasi.current_rat_cycle_id)
        assert cycle is not None
        assert (cycle.tahun_buku, cycle.tahap) == (2025, "BELUM_MULAI")
        await uow.rat_cycles.lock_koperasi(koperasi.id)  # first, as a change must
        cycle.held_date = date(2026, 10, 20)  # a late RAT, as /lapor would record it
        await recompute_koperasi(uow, koperasi.id, POLICY, TODAY, now=LATER)
        # The objects the change holds show the stored result (the card is rendered next).
        assert (koperasi.tahap, cycle.tahap) == ("RAT_TERLAKSANA", "RAT_TERLAKSANA")
        assert koperasi.updated_at == LATER
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        stored = await uow.session.get(Koperasi, koperasi.id)
        assert stored is not None
        assert stored.tahap == "RAT_TERLAKSANA"
        assert stored.status_aktivitas == "AKTIF_RAT"
        assert (stored.last_rat_tahun_buku, stored.last_rat_date) == (2025, date(2026, 10, 20))
        # Held after the statutory limit: LEWAT_BATAS_UU stays, as the rules say.
        assert stored.flag_lewat_batas_uu
        assert await stored_standing(uow) == await expected_standing(uow, POLICY, TODAY)


async def test_only_the_explicit_recompute_gives_open_cycles_the_new_deadlines(
    factory: async_sessionmaker[AsyncSession],
    background_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    await _import_sample(background_factory, tmp_path, recompute=True)
    offsets = {**POLICY.offsets, "primer": Offsets(2, 4, 6)}
    changed = replace(POLICY, offsets=offsets)
    daily = await recompute_all(lambda: UnitOfWork(background_factory), changed, TODAY, now=LATER)
    assert daily.rules_refreshed == 0
    assert await _targets(factory) == {date(2026, 3, 31)}
    other_year = await recompute_all(
        lambda: UnitOfWork(background_factory),
        changed,
        TODAY,
        now=LATER,
        apply_config=True,
        tahun_buku=2024,
    )
    assert other_year.rules_refreshed == 0
    explicit = await recompute_all(
        lambda: UnitOfWork(background_factory), changed, TODAY, now=LATER, apply_config=True
    )
    assert explicit.rules_refreshed > 0
    assert await _targets(factory) == {date(2026, 2, 28)}
    # Cycles seeded from the register's history keep the deadlines they were imported with.
    async with UnitOfWork(factory, write=False) as uow:
        history = await uow.session.scalars(
            select(RatCycle.target_date).where(
                RatCycle.tahun_buku == 2024, RatCycle.fiscal_year_end == date(2024, 12, 31)
            )
        )
        assert set(history) <= {date(2025, 3, 31), date(2025, 6, 30)}


async def _targets(factory: async_sessionmaker[AsyncSession]) -> set[date]:
    """Office targets of the open 2025 cycles of primer cooperatives with a calendar year."""
    async with UnitOfWork(factory, write=False) as uow:
        found = await uow.session.scalars(
            select(RatCycle.target_date)
            .join(Koperasi, Koperasi.id == RatCycle.koperasi_id)
            .where(
                RatCycle.tahun_buku == 2025,
                RatCycle.held_date.is_(None),
                Koperasi.bentuk == "primer",
                Koperasi.fye_month == 12,
            )
        )
        return set(found)


async def test_the_daily_run_judges_by_the_regions_date(
    factory: async_sessionmaker[AsyncSession],
    background_factory: async_sessionmaker[AsyncSession],
) -> None:
    """16:59 UTC on 30 June is still 30 June in WIB; 17:00 UTC is 1 July: the limit has passed."""
    async with UnitOfWork(factory) as uow:
        koperasi = await add_koperasi(uow, "KSU Lupa", tgl_badan_hukum=date(2001, 2, 3))
        await uow.commit()
    clock = FrozenClock(datetime(2026, 6, 30, 16, 59, tzinfo=UTC))
    tz = ZoneInfo("Asia/Jakarta")
    await recompute_daily(
        lambda: UnitOfWork(background_factory), POLICY, clock.now(), tz, now=clock.now()
    )
    assert await _flags_of(factory, koperasi.id) == (True, True, False)
    clock.advance(minutes=1)
    counts = await recompute_daily(
        lambda: UnitOfWork(background_factory), POLICY, clock.now(), tz, now=clock.now()
    )
    assert (counts.koperasi_changed, counts.cycles_changed) == (1, 1)
    assert await _flags_of(factory, koperasi.id) == (True, True, True)


async def _flags_of(
    factory: async_sessionmaker[AsyncSession], koperasi_id: int
) -> tuple[bool, bool, bool]:
    async with UnitOfWork(factory, write=False) as uow:
        stored = await uow.session.get(Koperasi, koperasi_id)
        assert stored is not None
        return (
            stored.flag_terlambat_target,
            stored.flag_terlambat_lapor,
            stored.flag_lewat_batas_uu,
        )


async def test_a_change_committed_during_the_daily_run_is_not_overwritten(
    factory: async_sessionmaker[AsyncSession], backend: str
) -> None:
    """PostgreSQL: the batch waits for the change's lock, then reads what it committed.

    The change records the 2025 RAT; the daily run of 1 January 2027 would, from what it read
    before that commit, make the cooperative TIDAK_AKTIF with no RAT at all.
    """
    if backend != "postgres":
        pytest.skip("SQLite serialises writers: the batch waits for the change's transaction")
    async with UnitOfWork(factory) as uow:
        koperasi = await add_koperasi(uow, "KSU Sibuk", tgl_badan_hukum=date(2001, 2, 3))
        await uow.commit()
    await recompute_all(lambda: UnitOfWork(factory), POLICY, TODAY, now=NOW)
    async with UnitOfWork(factory) as change:
        await change.rat_cycles.lock_koperasi(koperasi.id)
        stored = await change.session.get(Koperasi, koperasi.id)
        assert stored is not None
        assert stored.current_rat_cycle_id is not None
        cycle = await change.session.get(RatCycle, stored.current_rat_cycle_id)
        assert cycle is not None
        cycle.held_date = date(2026, 10, 20)
        await recompute_koperasi(change, koperasi.id, POLICY, TODAY, now=LATER)
        new_year = date(2027, 1, 1)
        daily = asyncio.create_task(
            recompute_all(lambda: UnitOfWork(factory), POLICY, new_year, now=LATER)
        )
        await _until_waiting_for_a_lock(factory)
        await change.commit()
    await daily
    async with UnitOfWork(factory, write=False) as uow:
        after = await uow.session.get(Koperasi, koperasi.id)
        assert after is not None
        assert (after.status_aktivitas, after.last_rat_date) == ("AKTIF_RAT", date(2026, 10, 20))
        assert not after.flag_tidak_rat
        assert await stored_standing(uow) == await expected_standing(uow, POLICY, new_year)


async def _until_waiting_for_a_lock(factory: async_sessionmaker[AsyncSession]) -> None:
    """Returns once a session of this database waits for a row lock (polled, at most 10 s)."""
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    for _ in range(200):
        async with UnitOfWork(factory, write=False) as uow:
            if await uow.session.scalar(waiting):
                return
        await asyncio.sleep(0.05)
    raise AssertionError("the daily run never waited for the change's lock")


async def test_after_an_import_only_the_named_cooperatives_are_recomputed(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        named = await add_koperasi(uow, "KSU Baru Diimpor", tgl_badan_hukum=date(2001, 2, 3))
        other = await add_koperasi(uow, "KSU Lain", tgl_badan_hukum=date(2001, 2, 3))
        counts = await recompute_after_import(
            uow, POLICY, TODAY, now=NOW, koperasi_ids=[named.id, named.id]
        )
        await uow.commit()
    assert (counts.koperasi, counts.cycles_created) == (1, 1)
    async with UnitOfWork(factory, write=False) as uow:
        statuses = await uow.session.execute(
            select(Koperasi.id, Koperasi.status_aktivitas, Koperasi.current_rat_cycle_id)
        )
        by_id = {row[0]: row[1:] for row in statuses}
    assert by_id[named.id][0] == "TIDAK_AKTIF"
    assert by_id[named.id][1] is not None
    assert by_id[other.id] == (None, None)
