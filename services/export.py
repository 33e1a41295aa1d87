"""The XLSX export: every sheet streamed from the database into XlsxWriter's constant-memory
mode, a batch at a time, so neither the rows nor the workbook are ever held whole.

`write_export` does the work for a unit-of-work factory (the command line runs it in its own
process); `export_in_worker` is the same for a worker process (`runtime.offload`), which opens
its own connection to the database, so the bot's event loop never formats a cell. Headers come
translated (`ExportLabels`, built by `labels_for` where the catalogues are); dates are real
dates, instants are written in the region's time zone. Progress (rows written of all rows) is
reported to a callback or, from a worker, to a small file the bot reads.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import xlsxwriter

from domain.export import SHEETS, Cell, ExportScope, Sheet, season_window
from locales import Translator
from services.register_files import plain_text
from storage.engine import create_engine, session_factory
from storage.repositories.export import PESAN_INDEX, Window
from storage.uow import UnitOfWork

BATCH = 2000
# Excel's limits: rows per sheet (a longer sheet continues on the next one) and text per cell.
MAX_ROWS = 1_048_576
MAX_TEXT = 32_767
DATE_FORMAT = "dd-mm-yyyy"
DATETIME_FORMAT = "dd-mm-yyyy hh:mm"

Progress = Callable[[int, int], None]
UowFactory = Callable[[], UnitOfWork]


@dataclass(frozen=True)
class ExportLabels:
    """The translated headers of each sheet (in `SHEETS` order) and the yes/no of flags."""

    headers: tuple[tuple[str, ...], ...]
    yes: str
    no: str


def labels_for(tr: Translator) -> ExportLabels:
    """The headers and yes/no in the translator's language, as plain text."""
    headers = tuple(
        tuple(plain_text(tr.t(column.header_key)) for column in sheet.columns) for sheet in SHEETS
    )
    return ExportLabels(headers, plain_text(tr.t("common.yes")), plain_text(tr.t("common.no")))


@dataclass(frozen=True)
class ExportJob:
    """Everything a worker needs (plain data: it is pickled)."""

    database_url: str
    scope: ExportScope
    tz_name: str
    labels: ExportLabels
    path: str
    # Where a worker reports progress ("done total"); None: nowhere.
    progress_path: str | None = None
    batch: int = BATCH


@dataclass(frozen=True)
class ExportResult:
    """Rows written per sheet (in `SHEETS` order) and the file's size in bytes."""

    rows: tuple[int, ...]
    size: int

    @property
    def total(self) -> int:
        """Rows in every sheet."""
        return sum(self.rows)


def _cells(sheet: int, row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A stored row (its key first, as the repository reads it) as the sheet's cells."""
    if sheet == 0:  # the fiscal-year end as dd-mm, from its day and month
        day, month = row[18], row[19]
        return (*row[:18], f"{day:02d}-{month:02d}", *row[20:])
    if sheet == 1:  # checklist entries: keyed by the entry's id, which is not shown
        return row[1:]
    if sheet == PESAN_INDEX:  # the message counts come last from the query
        return (*row[:8], *row[11:13], *row[8:11])
    return row


class _Writer:
    """One workbook in constant-memory mode: sheets written top to bottom, once."""

    def __init__(self, path: str, labels: ExportLabels, tz: ZoneInfo) -> None:
        self.book = xlsxwriter.Workbook(
            path, {"constant_memory": True, "tmpdir": str(Path(path).parent)}
        )
        self.labels = labels
        self.tz = tz
        self.header = self.book.add_format({"bold": True, "bg_color": "#DDEBF7"})
        self.date = self.book.add_format({"num_format": DATE_FORMAT})
        self.datetime = self.book.add_format({"num_format": DATETIME_FORMAT})

    def start(self, index: int, sheet: Sheet, part: int = 1) -> Any:
        """A new worksheet with its frozen header row and widths."""
        name = sheet.name if part == 1 else f"{sheet.name} ({part})"
        worksheet = self.book.add_worksheet(name)
        for number, (column, title) in enumerate(
            zip(sheet.columns, self.labels.headers[index], strict=True)
        ):
            worksheet.set_column(number, number, column.width)
            worksheet.write_string(0, number, title, self.header)
        worksheet.freeze_panes(1, 0)
        return worksheet

    def row(self, worksheet: Any, at: int, sheet: Sheet, cells: Sequence[Any]) -> None:
        """Writes one row's cells, each as its column's kind; blanks stay empty."""
        for number, (column, value) in enumerate(zip(sheet.columns, cells, strict=True)):
            if value is None:
                continue
            kind = column.cell
            if kind is Cell.TEXT:
                worksheet.write_string(at, number, str(value)[:MAX_TEXT])
            elif kind is Cell.NUMBER:
                worksheet.write_number(
                    at, number, float(value) if isinstance(value, Decimal) else value
                )
            elif kind is Cell.YES_NO:
                worksheet.write_string(at, number, self.labels.yes if value else self.labels.no)
            elif kind is Cell.DATE:
                day = value if isinstance(value, date) else date.fromisoformat(str(value))
                worksheet.write_datetime(at, number, day, self.date)
            else:
                local = value.astimezone(self.tz).replace(tzinfo=None)
                worksheet.write_datetime(at, number, local, self.datetime)

    def close(self) -> None:
        self.book.close()


async def write_export(
    uow: UowFactory, job: ExportJob, progress: Progress | None = None
) -> ExportResult:
    """Writes the export of `job.scope` to `job.path`, a batch per read transaction."""
    tz = ZoneInfo(job.tz_name)
    start, end = season_window(job.scope.tahun_buku, tz)
    window = Window(start, end)
    async with uow() as reader:
        totals = await reader.export.counts(job.scope, window)
    total, done = sum(totals), 0
    if progress is not None:
        progress(done, total)
    writer = _Writer(job.path, job.labels, tz)
    written: list[int] = []
    try:
        for index, sheet in enumerate(SHEETS):
            part, worksheet, at, after, count = 1, writer.start(index, sheet), 1, 0, 0
            while True:
                async with uow() as reader:
                    rows = await reader.export.batch(index, job.scope, window, after, job.batch)
                for row in rows:
                    if at >= MAX_ROWS:
                        part += 1
                        worksheet, at = writer.start(index, sheet, part), 1
                    writer.row(worksheet, at, sheet, _cells(index, row))
                    at += 1
                count += len(rows)
                done += len(rows)
                if progress is not None and rows:
                    progress(done, max(total, done))
                if len(rows) < job.batch:
                    break
                after = rows[-1][0]
            written.append(count)
    finally:
        writer.close()
    # This loop serves the export only (the command line, a worker): blocking is fine.
    return ExportResult(tuple(written), os.path.getsize(job.path))  # noqa: ASYNC240


def file_progress(path: str) -> Progress:
    """A progress callback writing "done total" to `path` (replaced whole, never half)."""

    def report(done: int, total: int) -> None:
        partial = f"{path}.part"
        Path(partial).write_text(f"{done} {total}", encoding="ascii")
        Path(partial).replace(path)

    return report


def read_progress(path: str) -> tuple[int, int] | None:
    """What a worker last reported, or None (nothing yet)."""
    try:
        done, total = Path(path).read_text(encoding="ascii").split()
        return int(done), int(total)
    except (OSError, ValueError):
        return None


async def export_with_url(job: ExportJob, progress: Progress | None = None) -> ExportResult:
    """The export on a connection of its own (the command line, a worker process)."""
    engine = create_engine(job.database_url)
    try:
        sessions = session_factory(engine)
        return await write_export(lambda: UnitOfWork(sessions, write=False), job, progress)
    finally:
        await engine.dispose()


def export_in_worker(job: ExportJob) -> ExportResult:
    """The body of the worker process: the export, reporting progress to its file."""
    progress = file_progress(job.progress_path) if job.progress_path else None
    return asyncio.run(export_with_url(job, progress))
