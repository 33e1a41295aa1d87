"""The roll-up's counts over the fixture register of tests/helpers/rollup.py, computed by
hand there, on SQLite and PostgreSQL; the split groups; an officer's scope; the drill-down
lists; snapshots taken once and never changed by a later report."""

from __future__ import annotations

from datetime import UTC, date, datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from config import RatConfig
from domain.rollup import metrics_of
from domain.rollup.split import Measure, RollupFilter, Split
from services.rollup import (
    compute_due_snapshots,
    drill_ids,
    drill_page,
    headline,
    period_of,
    rollup,
    store_snapshots,
    take_due_snapshots,
)
from storage.tables import RatCycle, RollupSnapshot
from storage.uow import UnitOfWork
from tests.helpers.rollup import AT, YEAR, seed_register

TZ = ZoneInfo("Asia/Jakarta")
POLICY = RatConfig().policy()
PERIOD = period_of(YEAR, POLICY, AT, TZ)


async def test_headline_counts_match_the_hand_count(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        await seed_register(uow)
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        counts = await headline(uow, RollupFilter(), PERIOD)
    reguler, kdkmp, total = counts["reguler"], counts["kdkmp"], counts["total"]
    assert (reguler.registered, reguler.base, reguler.active) == (6, 5, 4)
    assert (reguler.obliged_target, reguler.held_target) == (5, 1)
    assert (reguler.obliged_report, reguler.held_report) == (5, 2)
    assert (reguler.obliged_statutory, reguler.held_statutory) == (5, 3)
    assert (reguler.held, reguler.reported, reguler.ods) == (3, 2, 1)
    assert (reguler.held_verified, reguler.reported_verified) == (1, 1)
    assert reguler.active_nik_valid == 1
    assert dict(reguler.stages) == {
        "BELUM_MULAI": 1,
        "PERSIAPAN": 1,
        "SIAP_RAT": 0,
        "TERJADWAL": 0,
        "RAT_TERLAKSANA": 1,
        "DILAPORKAN": 1,
        "TERINPUT_ODS": 1,
    }
    assert (reguler.checklist_done, reguler.checklist_total) == (3, 4)
    assert reguler.visits == 1  # A's on 10 July; D's in February is past the 30 days
    assert dict(reguler.visits_by_jenis) == {"monev": 1}
    assert dict(reguler.visits_by_poac) == {"C": 1}
    assert reguler.not_visited == 4
    assert (reguler.overdue_follow_ups, reguler.threads_waiting) == (1, 1)
    assert reguler.unreachable_board == 1
    assert sorted(reguler.answer_seconds) == [1800.0, 7200.0]
    assert (kdkmp.registered, kdkmp.base, kdkmp.active, kdkmp.held_target) == (2, 1, 1, 1)
    assert (total.registered, total.base, total.active, total.held) == (8, 6, 5, 4)
    ratios = metrics_of(reguler)
    assert ratios.aktif == Fraction(4, 5)
    assert ratios.compliance == {
        "target": Fraction(1, 5),
        "report": Fraction(2, 5),
        "statutory": Fraction(3, 5),
    }
    assert (ratios.reporting, ratios.ods_input) == (Fraction(2, 3), Fraction(1, 2))
    assert ratios.nik_coverage == Fraction(1, 4)
    assert ratios.checklist == Fraction(3, 4)
    assert ratios.median_answer_seconds == 4500.0
    assert metrics_of(kdkmp).reporting == 0
    assert metrics_of(kdkmp).ods_input is None  # nothing reported: shown as "—"


async def test_splits_are_one_group_per_value(factory: async_sessionmaker[AsyncSession]) -> None:
    async with UnitOfWork(factory) as uow:
        register = await seed_register(uow)
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        by_kecamatan = await rollup(uow, RollupFilter(), Split.KECAMATAN, PERIOD)
        by_officer = await rollup(uow, RollupFilter(), Split.PETUGAS, PERIOD)
        by_jenis = await rollup(uow, RollupFilter(), Split.JENIS, PERIOD)
    assert {k: v["total"].registered for k, v in by_kecamatan.items()} == {
        "Maron": 4,
        "Kraksaan": 4,
    }
    assert {k: v["total"].registered for k, v in by_officer.items()} == {
        register.ani: 4,
        register.budi: 3,
        0: 1,
    }
    assert by_jenis["konsumen"]["reguler"].registered == 4
    assert by_kecamatan["Maron"]["reguler"].held_target == 1


async def test_an_officer_counts_only_their_cooperatives(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        register = await seed_register(uow)
        await uow.commit()
    mine = RollupFilter(petugas_id=register.ani)
    async with UnitOfWork(factory, write=False) as uow:
        counts = await headline(uow, mine, PERIOD)
        listed = await drill_ids(uow, mine, Measure.REGISTERED, PERIOD)
    k = register.koperasi
    assert counts["total"].registered == 4
    assert counts["reguler"].held == 2  # A and B
    assert sorted(listed) == sorted([k["A"], k["B"], k["F"], k["G"]])


async def test_drill_down_lists_the_cooperatives_behind_a_number(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        register = await seed_register(uow)
        await uow.commit()
    k = register.koperasi
    everyone = RollupFilter()
    async with UnitOfWork(factory, write=False) as uow:
        missed = await drill_ids(uow, everyone, Measure.MISSED_TARGET, PERIOD)
        not_reported = await drill_ids(uow, everyone, Measure.NOT_REPORTED, PERIOD)
        persiapan = await drill_ids(uow, everyone, Measure.STAGE_1, PERIOD)
        total, page = await drill_page(uow, everyone, Measure.REGISTERED, PERIOD, 0)
        maron = RollupFilter(split=Split.KECAMATAN, key="Maron")
        active_maron = await drill_ids(uow, maron, Measure.ACTIVE, PERIOD)
    assert sorted(missed) == sorted([k["B"], k["C"], k["D"], k["F"]])
    assert sorted(not_reported) == sorted([k["C"], k["G"]])
    assert persiapan == [k["D"]]
    assert total == 8
    assert [line.nama for line in page] == [f"Koperasi {c}" for c in "ABCDEFGH"]
    assert sorted(active_maron) == sorted([k["A"], k["B"], k["G"]])


async def test_a_snapshot_at_31_march_stays_when_a_rat_is_reported_in_may(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        register = await seed_register(uow)
        # B's RAT is not known yet on 1 April
        await uow.session.execute(
            update(RatCycle)
            .where(RatCycle.koperasi_id == register.koperasi["B"])
            .values(held_date=None, reported_date=None, tahap="PERSIAPAN")
        )
        await uow.commit()
    first_april = datetime(2026, 4, 1, 0, 30, tzinfo=TZ).astimezone(UTC)
    async with UnitOfWork(factory) as uow:
        taken = await take_due_snapshots(uow, POLICY, first_april, TZ)
        await uow.commit()
    assert taken == [(2025, "target")]

    async def stored() -> list[tuple[str, str | None, int | None, str, dict[str, object]]]:
        async with UnitOfWork(factory, write=False) as uow:
            rows = (await uow.session.execute(select(RollupSnapshot))).scalars().all()
            return sorted(
                (
                    (r.scope, r.kecamatan, r.petugas_id, r.segmen, r.data)
                    for r in rows
                    if r.cutoff == "target"
                ),
                key=repr,
            )

    before = await stored()
    regency = next(r for r in before if r[0] == "regency" and r[3] == "reguler")
    assert regency[4]["held_target"] == 1
    assert {r[1] for r in before if r[0] == "kecamatan"} == {"Maron", "Kraksaan"}
    assert {r[2] for r in before if r[0] == "petugas"} == {register.ani, register.budi, None}

    # In May the board reports a RAT held on 25 March.
    async with UnitOfWork(factory) as uow:
        await uow.session.execute(
            update(RatCycle)
            .where(RatCycle.koperasi_id == register.koperasi["B"])
            .values(held_date=date(2026, 3, 25), reported_date=date(2026, 5, 10))
        )
        await uow.commit()
    may = datetime(2026, 5, 12, 0, 30, tzinfo=TZ).astimezone(UTC)
    async with UnitOfWork(factory) as uow:
        again = await take_due_snapshots(uow, POLICY, may, TZ)
        await uow.commit()
        live = await headline(uow, RollupFilter(), period_of(YEAR, POLICY, may, TZ))
    assert again == [(2025, "report")]  # the report cut-off's own, not the target's again
    assert live["reguler"].held_target == 2  # now: B counts
    assert await stored() == before  # the snapshot: unchanged


async def test_a_snapshot_computed_twice_is_stored_once(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        await seed_register(uow)
        await uow.commit()
    first_april = datetime(2026, 4, 1, 0, 30, tzinfo=TZ).astimezone(UTC)
    async with UnitOfWork(factory, write=False) as uow:
        # two runners count before either stores
        one = await compute_due_snapshots(uow, POLICY, first_april, TZ)
        two = await compute_due_snapshots(uow, POLICY, first_april, TZ)
    assert [(p.tahun_buku, p.cutoff) for p in one] == [(2025, "target")]
    async with UnitOfWork(factory) as uow:
        assert await store_snapshots(uow, one, first_april) == [(2025, "target")]
        await uow.commit()
    async with UnitOfWork(factory) as uow:
        assert await store_snapshots(uow, two, first_april) == []
        await uow.commit()
        rows = (await uow.session.execute(select(RollupSnapshot))).scalars().all()
    assert len(rows) == len(one[0].rows)
