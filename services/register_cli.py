"""`python bot.py import FILE [--dry-run]`: the preview as plain text, then the import.

Texts are in the default locale. Exit code 1 when the file cannot be read (missing, another
kind of file, broken, no header); invalid rows are listed and skipped, never fatal. On SQLite
it reads the file in this process (within the configured caps: no chat waits on it) and
uses the threaded (background) engine, as every import does: with a 15 s busy timeout it
may wait for the running bot's writers, which in turn wait for it in `asyncio.sleep`.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TextIO

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from config import AppConfig
from domain.clock import Clock
from locales import Catalogues, Translator
from services.rat_recompute import recompute_after_register_change
from services.register_files import Table, open_table, plain_text
from services.register_import import file_limits, import_rules, import_table, preview_table
from services.register_read import UnreadableFileError
from services.register_report import preview_text, result_text
from storage.engine import create_engine, session_factory
from storage.migrate import ensure_up_to_date
from storage.uow import UnitOfWork

EXIT_UNREADABLE = 1


async def import_file(
    cfg: AppConfig,
    path: Path,
    *,
    dry_run: bool,
    clock: Clock,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Previews (and unless `dry_run`, imports) the file; returns the exit code.

    Raises `DatabaseNotMigratedError` for a database that is not up to date.
    """
    out, err = out or sys.stdout, err or sys.stderr
    tr = Catalogues(cfg.i18n.locales, cfg.i18n.default_locale, cfg.region.tz).get(None)
    try:
        data = await asyncio.to_thread(path.read_bytes)
    except OSError:
        print(plain_text(tr.t("impor.cli.cannot_read", path=str(path))), file=err)
        return EXIT_UNREADABLE
    engine = create_engine(cfg.database.url, background=True)
    try:
        await ensure_up_to_date(engine)
        table = open_table(data, path.name)
        text = await _run(cfg, session_factory(engine), table, tr, dry_run=dry_run, clock=clock)
    except UnreadableFileError as error:
        print(plain_text(tr.t(error.key, **error.params)), file=err)
        return EXIT_UNREADABLE
    finally:
        await engine.dispose()
    print(plain_text(text), file=out)
    return 0


async def _run(
    cfg: AppConfig,
    sessions: async_sessionmaker[AsyncSession],
    table: Table,
    tr: Translator,
    *,
    dry_run: bool,
    clock: Clock,
) -> str:
    """The preview, and after an import its counts (HTML, in `tr`'s language)."""
    now = clock.now()
    rules, limits = import_rules(cfg, now), file_limits(cfg)
    if dry_run:
        async with UnitOfWork(sessions, write=False) as uow:
            preview = await preview_table(uow, table, rules, limits=limits)
        text, _ = preview_text(tr, preview, limit=None)
        return "\n\n".join([text, tr.t("impor.cli.dry_run")])
    async with UnitOfWork(sessions) as uow:
        result = await import_table(
            uow, table, rules, limits=limits, actor_person_id=None, channel="cli", now=now
        )
        await uow.commit()
    await recompute_after_register_change(
        lambda: UnitOfWork(sessions), cfg.rat.policy(), cfg.region.tz, now=now
    )
    text, _ = preview_text(tr, result, limit=None)
    return "\n\n".join([text, result_text(tr, result)])
