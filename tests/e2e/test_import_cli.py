"""`python bot.py import FILE [--dry-run]` as an operator runs it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from storage.engine import create_engine, session_factory
from storage.tables import Koperasi
from storage.uow import UnitOfWork
from tests.helpers.bot import migrate, sqlite_url
from tests.helpers.cli import bot_cli

REGISTER = "\n".join(
    [
        "Nama;Kecamatan;NIK Koperasi;no_badan_hukum;rat_2024",
        "KSU Maju;Kota Anyar;3513070000000001;;01-03-2025",
        "KUD Tani;Dringu;;2/BH/XVI.12/1990;",
        "Koperasi Jauh;Jakarta;3513070000000003;;",
    ]
)


async def _stored(url: str) -> int:
    engine = create_engine(url)
    try:
        async with UnitOfWork(session_factory(engine), write=False) as uow:
            return int(await uow.session.scalar(select(func.count()).select_from(Koperasi)) or 0)
    finally:
        await engine.dispose()


async def test_dry_run_prints_the_preview_and_writes_nothing(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    await migrate(url)
    register = tmp_path / "daftar.csv"
    register.write_text(REGISTER, encoding="utf-8-sig")
    code, stdout, stderr = await bot_cli(
        "import", str(register), "--dry-run", database_url=url, cwd=tmp_path
    )
    assert code == 0, stderr
    assert "Ditambahkan: 2" in stdout
    assert "Baris 4\n   kecamatan: Bukan salah satu dari 24 kecamatan" in stdout
    assert "<code>" not in stdout  # plain text, not the chat's HTML
    assert "tidak ada yang disimpan" in stdout
    assert await _stored(url) == 0


async def test_import_writes_the_valid_rows_and_a_second_run_changes_nothing(
    tmp_path: Path,
) -> None:
    url = sqlite_url(tmp_path)
    await migrate(url)
    register = tmp_path / "daftar.csv"
    register.write_text(REGISTER, encoding="utf-8")
    code, stdout, _ = await bot_cli("import", str(register), database_url=url, cwd=tmp_path)
    assert code == 0
    assert "2 ditambahkan, 0 diperbarui" in stdout
    assert "Baris tidak valid yang dilewati: 1" in stdout
    assert await _stored(url) == 2
    code, stdout, _ = await bot_cli("import", str(register), database_url=url, cwd=tmp_path)
    assert code == 0
    assert "0 ditambahkan, 0 diperbarui" in stdout
    assert await _stored(url) == 2


async def test_a_file_that_cannot_be_read_exits_non_zero(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    await migrate(url)
    pdf = tmp_path / "berita_acara.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    headless = tmp_path / "tanpa_kecamatan.csv"
    headless.write_text("nama;desa\nKSU Maju;Sumberrejo\n", encoding="utf-8")
    missing = await bot_cli(
        "import", str(tmp_path / "tidak_ada.xlsx"), database_url=url, cwd=tmp_path
    )
    wrong = await bot_cli("import", str(pdf), database_url=url, cwd=tmp_path)
    no_column = await bot_cli("import", str(headless), "--dry-run", database_url=url, cwd=tmp_path)
    assert missing[0] == wrong[0] == no_column[0] == 1
    assert "Tidak dapat membaca berkas" in missing[2]
    assert "harus CSV atau XLSX" in wrong[2]
    assert "Kolom wajib kecamatan tidak ada" in no_column[2]
    assert all("Traceback" not in result[2] for result in (missing, wrong, no_column))
