"""`python bot.py export FILE.xlsx` as an operator runs it: the file, the counts printed, the
options, and one-line errors."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from storage.engine import create_engine, session_factory
from storage.uow import UnitOfWork
from tests.helpers.bot import migrate, sqlite_url
from tests.helpers.cli import bot_cli
from tests.helpers.export_data import ALL_ROWS, MARON_ROWS, SHEET_NAMES, seed_export_world


async def _seeded(tmp_path: Path) -> str:
    url = sqlite_url(tmp_path)
    await migrate(url)
    engine = create_engine(url)
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            await seed_export_world(uow)
            await uow.commit()
    finally:
        await engine.dispose()
    return url


def _counts(path: Path) -> list[int]:
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == SHEET_NAMES
    return [len(list(sheet.iter_rows(values_only=True))) - 1 for sheet in book.worksheets]


async def test_export_writes_the_regency_or_one_kecamatan(tmp_path: Path) -> None:
    url = await _seeded(tmp_path)
    code, stdout, _ = await bot_cli(
        "export", "semua.xlsx", "--period", "2026", database_url=url, cwd=tmp_path
    )
    assert code == 0
    assert "exported tahun buku 2026, all kecamatan" in stdout
    assert f"Kunjungan: {ALL_ROWS[2]} rows" in stdout
    assert _counts(tmp_path / "semua.xlsx") == ALL_ROWS

    code, stdout, _ = await bot_cli(
        "export",
        "maron.xlsx",
        "--period",
        "2026",
        "--kecamatan",
        "maron",
        database_url=url,
        cwd=tmp_path,
    )
    assert code == 0
    assert "Maron" in stdout
    assert _counts(tmp_path / "maron.xlsx") == MARON_ROWS


async def test_an_unknown_kecamatan_or_an_unmigrated_database_is_one_line(
    tmp_path: Path,
) -> None:
    url = await _seeded(tmp_path)
    code, _, stderr = await bot_cli(
        "export", "x.xlsx", "--kecamatan", "Atlantis", database_url=url, cwd=tmp_path
    )
    assert code == 2
    assert "not a configured kecamatan: Atlantis" in stderr
    assert not (tmp_path / "x.xlsx").exists()

    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, stderr = await bot_cli("export", "y.xlsx", database_url=sqlite_url(empty), cwd=empty)
    assert code == 2
    assert stderr.strip()
