"""The XLSX export: every sheet streamed from the database into the streaming writer
(`services.xlsx_stream`), a batch at a time, so neither the rows nor the workbook are ever held
whole.

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
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from domain.export import SHEETS, Cell, ExportScope, Sheet, season_window
from locales import Translator
from services.register_files import plain_text
from services.xlsx_stream import MAX_ROWS, Kind, XlsxStream
from storage.engine import create_engine, session_factory
from storage.repositories.export import PESAN_INDEX, Window
from storage.uow import UnitOfWork

BATCH = 2000
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


def _cells(sheet: int, row: Sequence[Any]) -> Sequence[Any]:
    """A stored row (its key first, as the repository reads it) as the sheet's cells."""
    if sheet == 0:  # the fiscal-year end as dd-mm, from its day and month
        day, month = row[18], row[19]
        return (*row[:18], f"{day:02d}-{month:02d}", *row[20:])
    if sheet == 1:  # checklist entries: keyed by the entry's id, which is not shown
        return row[1:]
    if sheet == PESAN_INDEX:  # the message counts come last from the query
        return (*row[:8], *row[11:13], *row[8:11])
    return row


_KINDS = {
    Cell.TEXT: Kind.TEXT,
    Cell.NUMBER: Kind.NUMBER,
    Cell.DATE: Kind.DATE,
    Cell.DATETIME: Kind.INSTANT,  # read in UTC: the writer shows them in the region's zone
    Cell.YES_NO: Kind.BOOL,
}


class _Writer:
    """The workbook: each sheet's header, and its rows; a sheet that reaches Excel's last
    row goes on in another ("Kunjungan (2)")."""

    def __init__(self, path: str, labels: ExportLabels, tz: ZoneInfo) -> None:
        self.book = XlsxStream(
            path,
            date_format=DATE_FORMAT,
            datetime_format=DATETIME_FORMAT,
            tz=tz,  # Excel keeps no offset: instants are written as the region's wall clock
            booleans=(labels.yes, labels.no),
        )
        self.labels = labels
        self.index = 0
        self.sheet = SHEETS[0]
        self.part = 1

    def start(self, index: int, sheet: Sheet) -> None:
        """The next worksheet, with its frozen header row and widths."""
        self.index, self.sheet, self.part = index, sheet, 1
        self._start()

    def _start(self) -> None:
        sheet = self.sheet
        name = sheet.name if self.part == 1 else f"{sheet.name} ({self.part})"
        kinds = [_KINDS[column.cell] for column in sheet.columns]
        widths = [column.width for column in sheet.columns]
        self.book.sheet(name, kinds, self.labels.headers[self.index], widths)

    def rows(self, rows: Sequence[Sequence[Any]]) -> None:
        """A batch of stored rows (see `_cells`)."""
        index = self.index
        if index in (0, 1, PESAN_INDEX):
            rows = [_cells(index, row) for row in rows]
        while rows:
            room = MAX_ROWS - self.book.rows
            if room <= 0:  # Excel shows 1,048,576 rows: the sheet goes on in another
                self.part += 1
                self._start()
                continue
            self.book.rows_from(rows[:room] if len(rows) > room else rows)
            rows = rows[room:]

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
            after: int | None = 0
            count = 0
            writer.start(index, sheet)
            while after is not None:
                async with uow() as reader:
                    batch = await reader.export.batch(index, job.scope, window, after, job.batch)
                writer.rows(batch.rows)
                count += len(batch.rows)
                done += len(batch.rows)
                if progress is not None and batch.rows:
                    progress(done, max(total, done))
                after = batch.next_after
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
