"""`python bot.py export FILE.xlsx [--period N] [--kecamatan NAME]`: the whole regency's export.

Runs in this process (its loop serves no one else), reading the database a batch at a time,
headers in the default language. Prints the rows per sheet; exit code 2 for a kecamatan that
is not configured.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from config import AppConfig
from domain.clock import Clock
from domain.export import SHEETS, ExportScope, default_period
from domain.parsing import normalise_code
from domain.rat.koperasi import local_date
from locales import Catalogues
from services.export import ExportJob, export_with_url, labels_for
from storage.engine import create_engine
from storage.migrate import ensure_up_to_date

EXIT_USAGE = 2


async def export_command(
    cfg: AppConfig,
    path: Path,
    *,
    period: int | None,
    kecamatan: str | None,
    clock: Clock,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Writes the export to `path` and prints what it holds; returns the exit code.

    Raises `DatabaseNotMigratedError` for a database that is not up to date.
    """
    out, err = out or sys.stdout, err or sys.stderr
    chosen: str | None = None
    if kecamatan is not None:
        known = {normalise_code(name): name for name in cfg.region.kecamatan}
        chosen = known.get(normalise_code(kecamatan))
        if chosen is None:
            print(f"--kecamatan: not a configured kecamatan: {kecamatan}", file=err)
            return EXIT_USAGE
    engine = create_engine(cfg.database.url)
    try:
        await ensure_up_to_date(engine)
    finally:
        await engine.dispose()
    tahun_buku = (
        period if period is not None else default_period(local_date(clock.now(), cfg.region.tz))
    )
    catalogues = Catalogues(cfg.i18n.locales, cfg.i18n.default_locale, cfg.region.tz)
    job = ExportJob(
        database_url=cfg.database.url,
        scope=ExportScope(tahun_buku, chosen),
        tz_name=cfg.region.timezone,
        labels=labels_for(catalogues.get(None)),
        path=str(path),
    )
    result = await export_with_url(job)
    place = chosen or "all kecamatan"
    print(f"exported tahun buku {tahun_buku}, {place}, to {path} ({result.size} bytes)", file=out)
    for sheet, rows in zip(SHEETS, result.rows, strict=True):
        print(f"{sheet.name}: {rows} rows", file=out)
    return 0
