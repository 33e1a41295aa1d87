"""The XLSX export on SQLite and PostgreSQL: the sheets, their translated headers and row
counts, scope (kecamatan, an officer's own cooperatives), dates as dates, no phone numbers
or usernames, and the worker-process path reporting its progress."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domain.export import SHEETS, ExportScope
from locales import Catalogues
from runtime.offload import Budget, offload
from services.export import (
    ExportJob,
    ExportResult,
    export_in_worker,
    labels_for,
    read_progress,
    write_export,
)
from storage.uow import UnitOfWork
from tests.helpers.export_data import (
    ALL_ROWS,
    BUDI_ROWS,
    MARON_ROWS,
    SHEET_NAMES,
    ExportWorld,
    seed_export_world,
)

CATALOGUES = Catalogues(["id", "en"], "id", ZoneInfo("Asia/Jakarta"))


def _iso(cell: object) -> str:
    """A date cell as openpyxl reads it: a datetime (naive, local time)."""
    assert isinstance(cell, datetime)
    return cell.isoformat()


async def _seed(factory: async_sessionmaker[AsyncSession]) -> ExportWorld:
    async with UnitOfWork(factory) as uow:
        world = await seed_export_world(uow)
        await uow.commit()
    return world


async def _person_id(factory: async_sessionmaker[AsyncSession], telegram_id: int) -> int:
    async with UnitOfWork(factory, write=False) as uow:
        person = await uow.people.get_by_telegram_id(telegram_id)
        assert person is not None
        return person.id


async def _export(
    factory: async_sessionmaker[AsyncSession],
    path: Path,
    scope: ExportScope,
    locale: str = "id",
    batch: int = 2,
) -> ExportResult:
    job = ExportJob(
        database_url="unused",
        scope=scope,
        tz_name="Asia/Jakarta",
        labels=labels_for(CATALOGUES.get(locale)),
        path=str(path),
        batch=batch,  # small batches: every sheet takes several
    )
    seen: list[tuple[int, int]] = []
    result = await write_export(
        lambda: UnitOfWork(factory, write=False), job, lambda d, t: seen.append((d, t))
    )
    assert seen[0] == (0, result.total)
    assert seen[-1] == (result.total, result.total)
    return result


def _rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(path, read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


async def test_the_regency_export_has_every_sheet_header_and_row(
    factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await _seed(factory)
    path = tmp_path / "semua.xlsx"
    result = await _export(factory, path, ExportScope(2026))

    assert list(result.rows) == ALL_ROWS
    sheets = _rows(path)
    assert list(sheets) == SHEET_NAMES
    for sheet, (name, rows) in zip(SHEETS, sheets.items(), strict=True):
        assert len(rows) - 1 == ALL_ROWS[SHEET_NAMES.index(name)]
        assert len(rows[0]) == len(sheet.columns)
        assert all(len(row) == len(sheet.columns) for row in rows)
    koperasi = sheets["Koperasi"]
    assert koperasi[0][:3] == ("ID koperasi", "Nama koperasi", "Kecamatan")
    by_name = {row[1]: dict(zip(koperasi[0], row, strict=True)) for row in koperasi[1:]}
    assert set(by_name) == {"KUD Maju", "KSP Dringu", "Kopwan Sari", "Kopma Tanpa Petugas"}
    sari = by_name["Kopwan Sari"]
    assert _iso(sari["Tanggal badan hukum"]) == "2016-03-14T00:00:00"  # a real date cell
    assert sari["Modal sendiri"] == 250_000_000
    assert sari["Petugas"] == "Sari Petugas"
    assert sari["Akhir tahun buku"] == "31-12"
    maju = by_name["KUD Maju"]
    assert maju["Tahap (tahun buku periode)"] == "PERSIAPAN"
    assert _iso(maju["Rencana tanggal RAT"]) == "2027-03-15T00:00:00"
    assert by_name["KSP Dringu"]["Tahap (tahun buku periode)"] is None  # no 2026 cycle
    assert maju["Wajib audit"] == "tidak"
    # Threads: counts of messages each way, never a phone number or a username.
    pesan = sheets["Pesan"]
    budi_thread = next(row for row in pesan[1:] if row[2] == "KUD Maju")
    assert dict(zip(pesan[0], budi_thread, strict=True))["Pesan dari pengurus"] == 2
    assert dict(zip(pesan[0], budi_thread, strict=True))["Pesan dari petugas"] == 1
    every_cell = [str(cell) for rows in sheets.values() for row in rows for cell in row]
    assert not any("+628" in cell or "budi_p" in cell for cell in every_cell)
    # A text that looks like a formula is stored as text.
    assert sheets["Tindak lanjut"][1][5] == "=SUM(A1) Susun LPJ"
    visit_time = sheets["Kunjungan"][1][5]
    assert _iso(visit_time) == "2027-01-03T10:00:00"  # 03:00 UTC in WIB


async def test_a_kecamatan_and_an_officer_see_only_their_rows(
    factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    world = await _seed(factory)
    maron = await _export(factory, tmp_path / "maron.xlsx", ExportScope(2026, "Maron"))
    assert list(maron.rows) == MARON_ROWS

    budi = await _person_id(factory, world.budi)
    own = await _export(factory, tmp_path / "budi.xlsx", ExportScope(2026, None, budi))
    assert list(own.rows) == BUDI_ROWS
    names = {row[1] for row in _rows(tmp_path / "budi.xlsx")["Koperasi"][1:]}
    assert names == {"KUD Maju", "KSP Dringu"}

    earlier = await _export(factory, tmp_path / "2025.xlsx", ExportScope(2025))
    assert list(earlier.rows) == [4, 1, 1, 1, 1]


@pytest.mark.parametrize("batch", [1, 3, 1000])
async def test_any_batch_size_gives_the_same_rows_in_key_order(
    factory: async_sessionmaker[AsyncSession], tmp_path: Path, batch: int
) -> None:
    """Batches are key ranges: one the scope leaves empty (another kecamatan's cooperative)
    must not end the sheet, and no row may come twice or out of order."""
    world = await _seed(factory)
    maron = await _export(factory, tmp_path / "m.xlsx", ExportScope(2026, "Maron"), batch=batch)
    assert list(maron.rows) == MARON_ROWS
    budi = await _person_id(factory, world.budi)
    own = await _export(factory, tmp_path / "b.xlsx", ExportScope(2026, None, budi), batch=batch)
    assert list(own.rows) == BUDI_ROWS
    every = await _export(factory, tmp_path / "a.xlsx", ExportScope(2026), batch=batch)
    assert list(every.rows) == ALL_ROWS
    for name, rows in _rows(tmp_path / "a.xlsx").items():
        if name == "Checklist":  # its key, the entry's id, is not shown
            continue
        keys = [row[0] for row in rows[1:] if isinstance(row[0], int)]
        assert len(keys) == len(rows) - 1
        assert keys == sorted(set(keys))  # ascending, none twice


async def test_a_sheet_over_excels_rows_goes_on_in_another(
    factory: async_sessionmaker[AsyncSession], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _seed(factory)
    monkeypatch.setattr("services.export.MAX_ROWS", 3)  # the header and two rows a sheet
    path = tmp_path / "split.xlsx"
    result = await _export(factory, path, ExportScope(2026), batch=3)
    assert list(result.rows) == ALL_ROWS
    sheets = _rows(path)
    assert list(sheets) == [
        "Koperasi",
        "Koperasi (2)",
        "Checklist",
        "Checklist (2)",
        "Kunjungan",
        "Tindak lanjut",
        "Pesan",
    ]
    assert [len(rows) - 1 for rows in sheets.values()] == [2, 2, 2, 1, 2, 2, 2]
    assert sheets["Koperasi (2)"][0] == sheets["Koperasi"][0]  # the header again


async def test_headers_follow_the_language(
    factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await _seed(factory)
    path = tmp_path / "en.xlsx"
    await _export(factory, path, ExportScope(2026), locale="en")
    koperasi = _rows(path)["Koperasi"]
    assert koperasi[0][:3] == ("Cooperative ID", "Cooperative name", "Kecamatan")
    assert "no" in koperasi[1]


@pytest.mark.usefixtures("factory")
async def test_a_worker_process_writes_the_file_and_its_progress(
    migrated_url: str, factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await _seed(factory)
    job = ExportJob(
        database_url=migrated_url,
        scope=ExportScope(2026),
        tz_name="Asia/Jakarta",
        labels=labels_for(CATALOGUES.get("id")),
        path=str(tmp_path / "worker.xlsx"),
        progress_path=str(tmp_path / "progress"),
    )
    result = await offload(export_in_worker, job, budget=Budget(60, 1024 * 1024 * 1024))
    assert list(result.rows) == ALL_ROWS
    assert read_progress(str(tmp_path / "progress")) == (sum(ALL_ROWS), sum(ALL_ROWS))
    assert list(_rows(tmp_path / "worker.xlsx")) == SHEET_NAMES
