"""The register import against a real database (SQLite and PostgreSQL): preview counts, a
second import that changes nothing, updates, one transaction, the bulk repository methods."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from config import DEFAULT_KECAMATAN, RatConfig
from domain.register_rows import RowRules
from services import register_scan
from services.rat_recompute import recompute_after_import
from services.register_files import Table, open_table
from services.register_import import ImportPreview, import_table, preview_table
from storage.repositories.koperasi import KoperasiRepository
from storage.tables import AuditLog, Koperasi, RatCycle
from storage.uow import UnitOfWork
from tests.helpers.seed import find_koperasi

NOW = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)
RULES = RowRules(tuple(DEFAULT_KECAMATAN), date(2027, 1, 4))
HEADER = "nama,kecamatan,nik_koperasi,no_badan_hukum,jenis,modal_sendiri,rat_2024,rat_2025"
ROWS = [
    'KSU Maju,Maron,3513100000000001,1/BH/XVI.12/2015,konsumen,"1.250.000",01-03-2025,',
    "KSP Artha,Kota Anyar,3513100000000002,,simpan pinjam,,15-02-2025,20-02-2026",
    "KUD Tani,Dringu,,3/BH/XVI.12/1990,produsen,,,",
    "Kopwan Melati,Tongas,3513100000000004,4/BH/XVI.12/2010,,,,",
]


def _table(*rows: str, header: str = HEADER) -> Table:
    return open_table("\n".join([header, *rows]).encode(), "daftar.csv")


async def _preview(factory: async_sessionmaker[AsyncSession], table: Table) -> ImportPreview:
    async with UnitOfWork(factory, write=False) as uow:
        return await preview_table(uow, table, RULES)


async def _apply(factory: async_sessionmaker[AsyncSession], table: Table) -> ImportPreview:
    async with UnitOfWork(factory) as uow:
        result = await import_table(
            uow, table, RULES, actor_person_id=None, channel="cli", now=NOW
        )
        await uow.commit()
    return result


async def _count(factory: async_sessionmaker[AsyncSession], entity: type[object]) -> int:
    async with UnitOfWork(factory, write=False) as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(entity)) or 0)


def _counts(result: ImportPreview) -> tuple[int, int, int, int]:
    return result.added, result.updated, result.unchanged, result.invalid_rows


async def test_the_preview_counts_and_writes_nothing(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    await _apply(factory, _table(ROWS[0]))
    changed = ROWS[0].replace("konsumen", "serba usaha")
    preview = await _preview(factory, _table(changed, *ROWS[1:], "Tanpa Kunci,Maron,,,,,,"))
    assert _counts(preview) == (3, 1, 0, 1)
    assert preview.rows == 5
    [error] = preview.errors
    assert (error.row, error.column, error.key) == (6, "nik_koperasi", "impor.error.no_key")
    assert await _count(factory, Koperasi) == 1


async def test_importing_the_same_file_again_changes_nothing(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    table = _table(*ROWS)
    assert _counts(await _apply(factory, table)) == (4, 0, 0, 0)
    assert await _count(factory, RatCycle) == 3
    assert _counts(await _preview(factory, table)) == (0, 0, 4, 0)
    assert _counts(await _apply(factory, table)) == (0, 0, 4, 0)
    assert await _count(factory, Koperasi) == 4
    assert await _count(factory, RatCycle) == 3
    async with UnitOfWork(factory, write=False) as uow:
        ksp = await find_koperasi(uow, nik_koperasi="3513100000000002")
        ksu = await find_koperasi(uow, no_badan_hukum="1/BH/XVI.12/2015")
        audits = list(await uow.session.scalars(select(AuditLog).order_by(AuditLog.id)))
    assert ksp is not None
    assert ksu is not None
    assert (ksp.kecamatan, ksp.jenis, ksp.sumber_data) == ("Kotaanyar", "simpan_pinjam", "impor")
    assert (ksp.last_rat_tahun_buku, ksp.last_rat_date) == (2025, date(2026, 2, 20))
    assert ksu.modal_sendiri == Decimal(1250000)
    assert [audit.details["added"] for audit in audits] == [4, 0]
    assert audits[0].entity_id == table.sha256
    assert "nama" not in str(audits[0].details)


async def test_an_update_changes_the_given_cells_and_keeps_blank_ones(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    await _apply(factory, _table(*ROWS))
    header = "no_badan_hukum,nama,kecamatan,desa,rat_2024"
    # Matched by legal number; the NIK and jenis columns are absent, desa is new.
    result = await _apply(
        factory,
        _table("1/BH/XVI.12/2015,KSU Maju Bersama,Maron,Sumberrejo,10-03-2025", header=header),
    )
    assert _counts(result) == (0, 1, 0, 0)
    async with UnitOfWork(factory, write=False) as uow:
        ksu = await find_koperasi(uow, nik_koperasi="3513100000000001")
        assert ksu is not None
        # This cooperative's cycle: other rows have 2024 cycles too, in no promised order.
        held = await uow.session.scalar(
            select(RatCycle.held_date).where(
                RatCycle.tahun_buku == 2024, RatCycle.koperasi_id == ksu.id
            )
        )
    assert (ksu.nama, ksu.desa, ksu.jenis) == ("KSU Maju Bersama", "Sumberrejo", "konsumen")
    assert held == date(2025, 3, 10)


async def test_rows_repeating_a_key_or_matching_two_cooperatives_are_skipped(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    await _apply(factory, _table(*ROWS))
    both = "Campur,Maron,3513100000000001,3/BH/XVI.12/1990,,,,"  # NIK of one, number of another
    twice = ["Baru,Maron,3513100000000009,,,,,", "Baru Lagi,Maron,3513100000000009,,,,,"]
    result = await _apply(factory, _table(both, *twice, "Satu,Maron,3513100000000010,,,,,"))
    assert _counts(result) == (1, 0, 0, 3)
    keys = {(error.row, error.key) for error in result.errors}
    assert keys == {
        (2, "impor.error.matches_two"),
        (3, "impor.error.duplicate_nik"),
        (4, "impor.error.duplicate_nik"),
    }


async def test_a_failure_mid_import_leaves_nothing_written(
    factory: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(register_scan, "BATCH_SIZE", 2)
    original = KoperasiRepository.insert_cycles
    calls = 0

    async def failing(self: KoperasiRepository, *args: object, **kwargs: object) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:  # the second batch, after the first was written
            raise RuntimeError("disk full")
        await original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(KoperasiRepository, "insert_cycles", failing)
    with pytest.raises(RuntimeError):
        await _apply(factory, _table(*ROWS))
    assert calls == 2
    assert await _count(factory, Koperasi) == 0
    assert await _count(factory, RatCycle) == 0
    assert await _count(factory, AuditLog) == 0


async def test_the_bulk_methods_keep_row_order_and_change_only_given_columns(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        rows = [
            {"nama": f"K{n}", "kecamatan": "Maron", "nik_koperasi": f"N{n}", "fye_month": 12,
             "fye_day": 31, "segmen": "reguler"}
            for n in range(5)
        ]  # fmt: skip
        ids = await uow.koperasi.insert_many(rows, source="impor", now=NOW)
        await uow.koperasi.update_many(
            [(ids[1], {"desa": "A"}), (ids[3], {"desa": "B", "nama": "K3b"})], now=NOW
        )
        await uow.koperasi.insert_cycles(
            [(ids[0], {"tahun_buku": 2025, "fiscal_year_end": date(2025, 12, 31),
                       "target_date": date(2026, 3, 31), "report_deadline": date(2026, 4, 30),
                       "statutory_limit": date(2026, 6, 30), "tidak_rat_date": date(2026, 12, 31),
                       "held_date": None, "tahap": "PERSIAPAN"})],
            now=NOW,
        )  # fmt: skip
        state = await uow.koperasi.import_state(ids)
        cycle_id = state[ids[0]].cycles[2025].id
        await uow.koperasi.set_held_dates(
            [(cycle_id, date(2026, 2, 2), "RAT_TERLAKSANA")], now=NOW
        )
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        by_nik, _ = await uow.koperasi.key_index()
        state = await uow.koperasi.import_state(ids)
    assert by_nik == {f"N{n}": ids[n] for n in range(5)}
    assert [state[i].values["nama"] for i in ids] == ["K0", "K1", "K2", "K3b", "K4"]
    assert [state[i].values["desa"] for i in ids] == [None, "A", None, "B", None]
    cycle = state[ids[0]].cycles[2025]
    assert (cycle.held_date, cycle.tahap) == (date(2026, 2, 2), "RAT_TERLAKSANA")


async def _standing(
    factory: async_sessionmaker[AsyncSession], nik: str
) -> tuple[str | None, bool, bool, int | None]:
    """Recomputes every cooperative as after an import; one's status and two flags."""
    policy = RatConfig().policy()
    async with UnitOfWork(factory) as uow:
        await recompute_after_import(uow, policy, RULES.today, now=NOW)
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        found = await find_koperasi(uow, nik_koperasi=nik)
        assert found is not None
        return (
            found.status_aktivitas,
            found.flag_tidak_rat,
            found.flag_terlambat_lapor,
            found.rat_history_from,
        )


async def test_a_register_with_fewer_rat_columns_leaves_earlier_years_unknown(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    """Only rat_2025, blank, for a cooperative formed long ago: one missed year (2025, whose
    TIDAK_RAT shows), not three; a later file with rat_2023 widens what the history covers."""
    header = "nama,kecamatan,nik_koperasi,no_badan_hukum,tgl_badan_hukum,rat_2025"
    await _apply(factory, _table("KSU Lama,Maron,3513100000000009,,01-02-1995,", header=header))
    assert await _standing(factory, "3513100000000009") == ("AKTIF_BELUM_RAT", True, False, 2025)
    wider = "nama,kecamatan,nik_koperasi,tgl_badan_hukum,rat_2023,rat_2024,rat_2025"
    await _apply(factory, _table("KSU Lama,Maron,3513100000000009,01-02-1995,,,", header=wider))
    assert await _standing(factory, "3513100000000009") == ("TIDAK_AKTIF", True, False, 2023)
    # Importing the narrow file again narrows nothing.
    await _apply(factory, _table("KSU Lama,Maron,3513100000000009,,01-02-1995,", header=header))
    assert (await _standing(factory, "3513100000000009"))[3] == 2023


async def test_a_rat_held_per_the_register_is_not_late_to_report(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    """2025's RAT held on 20 Feb 2026 per the register, imported in January 2027 (long after
    the 30 Apr 2026 report deadline): counted as reported, no TERLAMBAT_LAPOR."""
    await _apply(factory, _table(ROWS[1]))
    assert await _standing(factory, "3513100000000002") == ("AKTIF_RAT", False, False, 2024)
    async with UnitOfWork(factory, write=False) as uow:
        cycle = (
            await uow.session.scalars(select(RatCycle).where(RatCycle.tahun_buku == 2025))
        ).one()
    assert (cycle.tahap, cycle.flag_terlambat_lapor, cycle.reported_date) == (
        "DILAPORKAN",
        False,
        None,  # nothing invented: the register has no reported date
    )
