"""The charts' counts against a small register counted by hand (SQLite and PostgreSQL): per
kecamatan and stage, an officer's scope, a past fiscal year with imported history, the three
seasons, the share active; and the outbox's stored files."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from config import parse_config
from domain.access import Role
from domain.koperasi_list import KoperasiScope
from services.charts import gather
from storage.tables import RatCycle, RollupSnapshot
from storage.uow import UnitOfWork
from tests.helpers.seed import add_koperasi, add_person

NOW = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
TODAY = date(2026, 12, 5)  # the 2025 season

# The office's targets as the example config sets them (none by default).
TARGETED = parse_config({"targets": {"rat_target": 80, "aktif": 80}}, source="test config")


async def _cycle(uow: UnitOfWork, koperasi_id: int, year: int, held: date | None) -> None:
    uow.session.add(
        RatCycle(
            koperasi_id=koperasi_id,
            tahun_buku=year,
            fiscal_year_end=date(year, 12, 31),
            target_date=date(year + 1, 3, 31),
            report_deadline=date(year + 1, 4, 30),
            statutory_limit=date(year + 1, 6, 30),
            tidak_rat_date=date(year + 1, 12, 31),
            checklist_spec={},
            tahap="RAT_TERLAKSANA" if held else "PERSIAPAN",
            held_date=held,
            created_at=NOW,
            updated_at=NOW,
        )
    )


async def _seed(factory: async_sessionmaker[AsyncSession]) -> int:
    """Maron: 2 held (one the officer's), 1 preparing, 1 BARU (not obliged); Besuk: 1 not
    started, 1 dissolved; one without a kecamatan. Cycles of 2024 and 2025, and an imported
    last RAT of 2024. Returns the officer's id."""
    async with UnitOfWork(factory) as uow:
        officer = await add_person(uow, 901, "Petugas", roles=[Role.PETUGAS])
        a = await add_koperasi(
            uow, "A", tahap="RAT_TERLAKSANA", petugas_id=officer.id, status_aktivitas="AKTIF_RAT"
        )
        b = await add_koperasi(uow, "B", tahap="DILAPORKAN", status_aktivitas="AKTIF_RAT")
        c = await add_koperasi(
            uow, "C", tahap="PERSIAPAN", status_aktivitas="RAWAN", last_rat_tahun_buku=2024
        )
        await add_koperasi(
            uow,
            "D",
            tahap="BELUM_MULAI",
            status_aktivitas="BARU",
            tgl_badan_hukum=date(2026, 3, 1),
        )
        e = await add_koperasi(
            uow, "E", kecamatan="Besuk", petugas_id=officer.id, status_aktivitas="TIDAK_AKTIF"
        )
        await add_koperasi(uow, "F", kecamatan="Besuk", status_aktivitas="BUBAR")
        await add_koperasi(uow, "G", kecamatan=None, tahap="TERINPUT_ODS")  # status not computed
        await _cycle(uow, a.id, 2025, date(2026, 3, 20))
        await _cycle(uow, b.id, 2025, date(2026, 3, 21))
        await _cycle(uow, c.id, 2025, None)
        await _cycle(uow, a.id, 2024, date(2025, 3, 1))
        await _cycle(uow, e.id, 2024, None)
        await uow.commit()
        return officer.id


async def test_progress_per_kecamatan_and_stage(factory: async_sessionmaker[AsyncSession]) -> None:
    await _seed(factory)
    async with UnitOfWork(factory, write=False) as uow:
        region = sorted(await uow.charts.progress(KoperasiScope(), None, None), key=str)
        assert sorted(region, key=str) == sorted(
            [
                ("Maron", "RAT_TERLAKSANA", 1),
                ("Maron", "DILAPORKAN", 1),
                ("Maron", "PERSIAPAN", 1),
                ("Besuk", "BELUM_MULAI", 1),
                (None, "TERINPUT_ODS", 1),
            ],
            key=str,
        )
        assert await uow.charts.registered(KoperasiScope(), None) == 6  # all but the dissolved
        assert await uow.charts.registered(KoperasiScope(), "Besuk") == 1
        besuk = await uow.charts.progress(KoperasiScope(), "Besuk", None)
        assert besuk == [("Besuk", "BELUM_MULAI", 1)]


async def test_an_officer_counts_only_their_cooperatives(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    officer = await _seed(factory)
    async with UnitOfWork(factory, write=False) as uow:
        mine = sorted(await uow.charts.progress(KoperasiScope(officer), None, None), key=str)
        assert mine == [("Besuk", "BELUM_MULAI", 1), ("Maron", "RAT_TERLAKSANA", 1)]
        assert await uow.charts.registered(KoperasiScope(officer), None) == 2
        assert await uow.charts.active_now(KoperasiScope(officer), None) == (1, 2)


async def test_a_past_year_uses_its_cycles_and_the_imported_last_rat(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    await _seed(factory)
    async with UnitOfWork(factory, write=False) as uow:
        found = sorted(await uow.charts.progress(KoperasiScope(), None, 2024), key=str)
    # A: its 2024 cycle held; C: imported last RAT 2024; B, G: nothing of 2024; E: its cycle.
    assert found == sorted(
        [
            ("Maron", "RAT_TERLAKSANA", 2),
            ("Maron", "BELUM_MULAI", 1),
            ("Besuk", "PERSIAPAN", 1),
            (None, "BELUM_MULAI", 1),
        ],
        key=str,
    )


async def test_seasons_and_activity(factory: async_sessionmaker[AsyncSession]) -> None:
    await _seed(factory)
    async with UnitOfWork(factory, write=False) as uow:
        rows = await uow.charts.seasons(
            KoperasiScope(), None, (2023, 2024, 2025), date(2025, 12, 31)
        )
        # Obliged: not dissolving (F out), D's legal entity from 2026 counts for no season.
        assert [(r.tahun_buku, r.obliged, r.held, r.recorded) for r in rows] == [
            (2023, 5, 0, 0),
            (2024, 5, 2, 3),
            (2025, 5, 2, 3),
        ]
        # Active: A, B (AKTIF_RAT), C (RAWAN) of all but BARU and the dissolving (and G).
        assert await uow.charts.active_now(KoperasiScope(), None) == (3, 5)


async def test_gather_builds_both_charts_with_a_past_season_from_its_snapshot(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    await _seed(factory)
    async with UnitOfWork(factory) as uow:
        uow.session.add(
            RollupSnapshot(
                tahun_buku=2024,
                cutoff="season_end",
                taken_at=NOW,
                scope="regency",
                kecamatan=None,
                segmen="total",
                data={"active": 4, "base": 5},
            )
        )
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        charts = await gather(
            uow, TARGETED, KoperasiScope(), kecamatan=None, fiscal_year=None, today=TODAY
        )
    assert (charts.progress.obliged, charts.progress.held, charts.progress.registered) == (5, 3, 6)
    assert charts.progress.target == 0.8
    seasons = {s.tahun_buku: s for s in charts.trend.seasons}
    assert seasons[2023].rat_share is None  # no record of 2023 at all
    assert seasons[2024].rat_share == 2 / 5
    assert seasons[2024].active_share == 4 / 5  # from the season-end snapshot
    assert seasons[2025].active_share == 3 / 5  # now
    assert seasons[2023].active_share is None


async def test_stored_files_are_kept_once_read_back_and_purged(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        assert await uow.outbox.store_file("k1", "a.png", b"\x89PNG one", now=NOW)
        assert not await uow.outbox.store_file("k1", "b.png", b"other", now=NOW)
        assert await uow.outbox.store_file("k2", "c.png", b"two", now=NOW + timedelta(days=20))
        await uow.commit()
    async with UnitOfWork(factory) as uow:
        assert await uow.outbox.files({"k1", "k3"}) == {"k1": ("a.png", b"\x89PNG one")}
        assert await uow.outbox.purge_files(NOW + timedelta(days=1)) == 1
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        assert set(await uow.outbox.files({"k1", "k2"})) == {"k2"}
