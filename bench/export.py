"""The XLSX export of 100,000 cooperatives and 1,000,000 visits (target < 60 s, < 300 MB peak).

    .venv/bin/python bench/export.py [--koperasi 100000] [--visits 1000000]
    .venv/bin/python bench/export.py --postgres postgresql+asyncpg://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/export.py --keep            # and keeps the database (prints its URL)
    .venv/bin/python bench/export.py --database URL    # exports a database seeded before

Seeds a database straight through the tables (not timed): the cooperatives with every register
field filled, spread over the 24 kecamatan and 200 officers, a cycle of period 2026 each with
three checklist entries, the visits (submitted, in the period's season), a follow-up per
cooperative and a thread with three messages for one in five; on PostgreSQL it then runs
ANALYZE, as a production server's autovacuum would. Then runs the export as /ekspor
does — in a worker process (`runtime.offload`, `services.export.export_in_worker`), the whole
regency, then one kecamatan — and prints a Markdown table: wall seconds, the worker's CPU
seconds (steadier than wall time on a shared machine), rows per sheet, the file's size and the
worker's peak RSS (getrusage of the waited-for child).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from config import AppConfig  # noqa: E402
from domain.export import ExportScope  # noqa: E402
from locales import Catalogues  # noqa: E402
from runtime.offload import Budget, offload  # noqa: E402
from services.export import ExportJob, export_in_worker, labels_for  # noqa: E402
from storage.engine import create_engine, session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.tables import (  # noqa: E402
    ChecklistEntry,
    Koperasi,
    Kunjungan,
    Person,
    RatCycle,
    Thread,
    ThreadMessage,
    TindakLanjut,
)
from storage.uow import UnitOfWork  # noqa: E402
from tests.helpers.db import create_temp_pg_database, drop_database  # noqa: E402

WIB = ZoneInfo("Asia/Jakarta")
OFFICERS = 200
CHUNK = 10_000
NOW = datetime(2027, 6, 1, tzinfo=UTC)
SEASON = datetime(2027, 1, 1, tzinfo=UTC)
JENIS = ("konsumen", "simpan_pinjam", "produsen", "jasa", "serba_usaha")
KELOMPOK = ("KUD", "KPRI", "Kopkar", "Kopwan", "KSP", "Lainnya")
VISIT_TYPES = ("identifikasi", "organisasi", "usaha", "keuangan", "monev")


def _koperasi(n: int, kecamatan: list[str], rng: random.Random) -> dict[str, Any]:
    place = kecamatan[n % len(kecamatan)]
    return {
        "id": n,
        "nama": f"Koperasi {rng.choice(KELOMPOK)} Sejahtera {n}",
        "bentuk": "primer",
        "jenis": rng.choice(JENIS),
        "kelompok": rng.choice(KELOMPOK),
        "pola": "konvensional",
        "no_badan_hukum": f"{n}/BH/XVI.12/2016",
        "tgl_badan_hukum": date(2000 + n % 25, 1 + n % 12, 1 + n % 28),
        "nik_koperasi": f"3513{n:012d}",
        "nik_berlaku_sampai": date(2028, 6, 30),
        "nib": f"912{n:010d}",
        "alamat": f"Jl. Raya {place} No. {n % 300}",
        "desa": f"Desa {n % 400}",
        "kecamatan": place,
        "anggota_pria": rng.randint(20, 900),
        "anggota_wanita": rng.randint(20, 900),
        "anggota_per_tanggal": date(2026, 12, 31),
        "modal_sendiri": Decimal(rng.randint(1, 900) * 1_000_000),
        "modal_luar": Decimal(rng.randint(1, 90) * 1_000_000),
        "aset": Decimal(rng.randint(1, 990) * 1_000_000),
        "volume_usaha": Decimal(rng.randint(1, 990) * 1_000_000),
        "shu": Decimal(rng.randint(-10, 90) * 100_000),
        "predikat_kesehatan": "cukup_sehat",
        "predikat_tahun": 2025,
        "status_aktivitas": "AKTIF_BELUM_RAT",
        "petugas_id": 1 + n % OFFICERS,
        "sumber_data": "bench",
        "tahap": "PERSIAPAN",
        "last_rat_date": date(2026, 3, 1),
        "last_rat_tahun_buku": 2025,
        "created_at": NOW,
        "updated_at": NOW,
    }


def _cycle(n: int) -> dict[str, Any]:
    return {
        "id": n,
        "koperasi_id": n,
        "tahun_buku": 2026,
        "fiscal_year_end": date(2026, 12, 31),
        "target_date": date(2027, 3, 31),
        "report_deadline": date(2027, 4, 30),
        "statutory_limit": date(2027, 6, 30),
        "tidak_rat_date": date(2027, 12, 31),
        "checklist_spec": {},
        "tahap": "PERSIAPAN",
        "planned_date": date(2027, 3, 20),
        "created_at": NOW,
        "updated_at": NOW,
    }


def _visits(count: int, koperasi: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    for n in range(1, count + 1):
        at = SEASON + timedelta(minutes=rng.randint(0, 150 * 24 * 60))
        koperasi_id = 1 + n % koperasi
        yield {
            "id": n,
            "koperasi_id": koperasi_id,
            "petugas_id": 1 + koperasi_id % OFFICERS,
            "current_version": 1,
            "status": "submitted",
            "jenis": rng.choice(VISIT_TYPES),
            "poac": "A",
            "verdict": "perlu_pendampingan",
            "visited_at": at,
            "created_at": at,
            "updated_at": at,
            "submitted_at": at,
        }


async def _insert(uow: UnitOfWork, table: type[object], rows: Iterator[dict[str, Any]]) -> None:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            await uow.session.execute(insert(table), chunk)
            chunk = []
    if chunk:
        await uow.session.execute(insert(table), chunk)


async def seed(url: str, koperasi: int, visits: int, kecamatan: list[str]) -> None:
    """Every table the export reads, straight through insert statements."""
    rng = random.Random(7)
    engine = create_engine(url, background=True)
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            people = (
                {"id": i, "full_name": f"Petugas {i}", "created_at": NOW, "updated_at": NOW}
                for i in range(1, OFFICERS + 1)
            )
            await _insert(uow, Person, people)
            await _insert(
                uow, Koperasi, (_koperasi(n, kecamatan, rng) for n in range(1, koperasi + 1))
            )
            await _insert(uow, RatCycle, (_cycle(n) for n in range(1, koperasi + 1)))
            entries = (
                {
                    "rat_cycle_id": n,
                    "item_code": code,
                    "status": "selesai",
                    "verification": "none",
                    "updated_at": SEASON,
                }
                for n in range(1, koperasi + 1)
                for code in ("A1", "A2", "A3")
            )
            await _insert(uow, ChecklistEntry, entries)
            await _insert(uow, Kunjungan, _visits(visits, koperasi, rng))
            follow_ups = (
                {
                    "koperasi_id": n,
                    "description": "Susun LPJ pengurus dan laporan keuangan",
                    "owner_kind": "pengurus",
                    "due_date": date(2027, 2, 1),
                    "created_at": SEASON,
                }
                for n in range(1, koperasi + 1)
            )
            await _insert(uow, TindakLanjut, follow_ups)
            threads = (
                {
                    "id": n,
                    "koperasi_id": n * 5,
                    "status": "open",
                    "assigned_person_id": 1 + n % OFFICERS,
                    "created_at": SEASON,
                    "last_message_at": SEASON,
                }
                for n in range(1, koperasi // 5 + 1)
            )
            await _insert(uow, Thread, threads)
            messages = (
                {
                    "thread_id": n,
                    "direction": direction,
                    "from_chat_id": 1,
                    "from_message_id": m,
                    "to_chat_id": 2,
                    "created_at": SEASON,
                }
                for n in range(1, koperasi // 5 + 1)
                for m, direction in enumerate(("to_officer", "to_board", "to_officer"))
            )
            await _insert(uow, ThreadMessage, messages)
            await uow.commit()
        if url.startswith("postgresql"):
            # A production server's autovacuum analyses tables this size within a minute;
            # this test server runs without it, and a planner without statistics guesses.
            async with engine.connect() as connection:
                await connection.exec_driver_sql("ANALYZE")
                await connection.commit()
    finally:
        await engine.dispose()


def children_peak_rss_mb() -> float:
    """The largest peak RSS of the worker processes waited for so far (Linux: KiB)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def children_cpu_seconds() -> float:
    """User and system CPU time of the worker processes waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def export(url: str, directory: Path, kecamatan: str | None) -> None:
    cfg = AppConfig()
    catalogues = Catalogues(cfg.i18n.locales, cfg.i18n.default_locale, WIB)
    path = directory / f"ekspor-{kecamatan or 'semua'}.xlsx"
    job = ExportJob(
        database_url=url,
        scope=ExportScope(2026, kecamatan),
        tz_name="Asia/Jakarta",
        labels=labels_for(catalogues.get(None)),
        path=str(path),
        progress_path=str(directory / "progress"),
    )
    # Wall time is not the budget under test (a busy machine stretches it): an hour.
    budget = Budget(3600, cfg.export.worker_memory_mb * 1024 * 1024)
    cpu, started = children_cpu_seconds(), time.perf_counter()
    result = await offload(export_in_worker, job, budget=budget)
    seconds = time.perf_counter() - started
    cpu = children_cpu_seconds() - cpu
    rows = " / ".join(f"{count:,}" for count in result.rows)
    print(
        f"| {kecamatan or 'all 24'} | {seconds:.1f} | {cpu:.1f} | {rows} | "
        f"{result.size / 1024 / 1024:.0f} | "
        f"{children_peak_rss_mb():.0f} |",
        flush=True,
    )
    path.unlink()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--koperasi", type=int, default=100_000)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--postgres", help="a PostgreSQL server URL to make a database on")
    # Seeding takes longer than the export: while iterating, seed once and export again.
    parser.add_argument("--keep", action="store_true", help="keep the seeded database")
    parser.add_argument("--database", help="the URL of a database seeded before (with --keep)")
    args = parser.parse_args()
    kecamatan = list(AppConfig().region.kecamatan)
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        if args.database:
            url = args.database
        elif args.postgres:
            url = await create_temp_pg_database(args.postgres)
        elif args.keep:
            kept = Path(tempfile.mkdtemp(prefix="gempur-bench-"))
            url = f"sqlite+aiosqlite:///{kept / 'bench.db'}"
        else:
            url = f"sqlite+aiosqlite:///{directory / 'bench.db'}"
        try:
            database = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
            if args.database:
                print(f"\n{database}: {url} (seeded before)\n")
            else:
                await asyncio.to_thread(upgrade, url)
                started = time.perf_counter()
                await seed(url, args.koperasi, args.visits, kecamatan)
                print(
                    f"\n{database}: {args.koperasi:,} cooperatives, {args.visits:,} visits "
                    f"(seeded in {time.perf_counter() - started:.0f} s)\n"
                )
            if args.keep:
                print(f"kept: --database {url}\n")
            print(
                "| kecamatan | seconds | worker CPU s | rows: Koperasi / Checklist / Kunjungan"
                " / Tindak lanjut / Pesan | file MB | worker peak RSS MB |"
            )
            print("|---|---|---|---|---|---|")
            await export(url, directory, None)
            await export(url, directory, kecamatan[0])
        finally:
            if args.postgres and not (args.keep or args.database):
                await drop_database(args.postgres, url)


if __name__ == "__main__":
    asyncio.run(main())
