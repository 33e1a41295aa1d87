"""Reading an uploaded CSV or XLSX as rows of cells, within limits, whatever the file claims.

CSV is UTF-8 (Excel's BOM tolerated), `;` or `,` separated, whichever the header line uses.
XLSX: the zip's declared sizes are checked before anything is unpacked (zipfile never inflates
a member beyond its declared size, so the check holds), then the first sheet's XML is parsed
row by row. Its declared dimension is ignored and missing rows and cells are never made up: a
sheet claiming `A1:XFD1048576` costs what its real cells cost. Rows and columns beyond the
caps refuse the file with the cap as the reason; blank ones beyond them are skipped.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import WorkSheetParser

from domain.register import CSV
from domain.register_rows import is_blank
from locales import N_

# What a damaged zip or sheet raises while it is read (a truncated XML, a bad CRC, ...).
BROKEN = (
    zipfile.BadZipFile,
    zlib.error,
    InvalidFileException,
    ParseError,
    EOFError,
    KeyError,
    ValueError,
    TypeError,
    OSError,
    csv.Error,
)
# Members this small may compress any amount: a 4 KB sheet of one repeated cell is fine.
RATIO_EXEMPT_BYTES = 1024 * 1024


class UnreadableFileError(Exception):
    """A file that cannot be read as a register, with the message key that says why."""

    def __init__(self, key: str, /, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __reduce__(self) -> tuple[object, ...]:
        # Raised in a worker process and re-raised in the bot: the params must survive pickling.
        return (_unreadable, (self.key, self.params))


def _unreadable(key: str, params: dict[str, object]) -> UnreadableFileError:
    return UnreadableFileError(key, **params)


@dataclass(frozen=True)
class FileLimits:
    """How much of a file is read: rows, columns, and the XLSX zip's unpacked size and ratio."""

    max_rows: int = 200_000
    max_columns: int = 200
    max_unpacked_bytes: int = 400 * 1024 * 1024
    max_ratio: int = 200


def read_rows(
    data: bytes, kind: str, limits: FileLimits
) -> Iterator[tuple[int, tuple[object, ...]]]:
    """Every non-blank row with its number as the spreadsheet shows it (from 1), capped.

    Raises UnreadableFileError for a broken file or one over a limit.
    """
    source = _csv_rows(data) if kind == CSV else _xlsx_rows(data, limits)
    try:
        for number, cells in source:
            row = _capped(cells, limits)
            if not row:
                continue
            if number > limits.max_rows:
                raise UnreadableFileError(N_("impor.file.too_many_rows"), maximum=limits.max_rows)
            yield number, row
    except BROKEN:
        raise UnreadableFileError(N_("impor.file.unreadable")) from None


def _capped(cells: Sequence[object], limits: FileLimits) -> tuple[object, ...]:
    """The row up to its last non-blank cell ([] when blank); refused past the column cap."""
    end = len(cells)
    while end and is_blank(cells[end - 1]):
        end -= 1
    if end > limits.max_columns:
        raise UnreadableFileError(N_("impor.file.too_many_columns"), maximum=limits.max_columns)
    return tuple(cells[:end])


def decode_csv(data: bytes) -> str:
    """The CSV's text; raises UnreadableFileError when it is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFileError(N_("impor.file.encoding")) from None


def _csv_rows(data: bytes) -> Iterator[tuple[int, Sequence[object]]]:
    text = decode_csv(data)
    first = next((line for line in _lines(text) if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    # Each record is one spreadsheet row, blank lines included.
    yield from enumerate(csv.reader(_lines(text), delimiter=delimiter), start=1)


def _lines(text: str) -> Iterator[str]:
    """The lines of `text` with their line ends, one at a time (no copy of the whole text)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def check_zip(data: bytes, limits: FileLimits) -> None:
    """Refuses an XLSX whose members would unpack too large, before any is opened."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except BROKEN:
        raise UnreadableFileError(N_("impor.file.unreadable")) from None
    total = sum(member.file_size for member in members)
    inflated = any(
        member.file_size > RATIO_EXEMPT_BYTES
        and member.file_size > limits.max_ratio * max(member.compress_size, 1)
        for member in members
    )
    if total > limits.max_unpacked_bytes or inflated:
        raise UnreadableFileError(
            N_("impor.file.too_large"), maximum=limits.max_unpacked_bytes // (1024 * 1024)
        )


def _xlsx_rows(data: bytes, limits: FileLimits) -> Iterator[tuple[int, Sequence[object]]]:
    check_zip(data, limits)
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        if not workbook.worksheets:
            raise UnreadableFileError(N_("impor.file.empty"))
        # openpyxl's own row reader pads to the declared dimension; its cell parser does not.
        sheet: Any = workbook.worksheets[0]
        book: Any = workbook
        with sheet._get_source() as source:
            parser = WorkSheetParser(
                source,
                sheet._shared_strings,
                data_only=True,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            for number, cells in parser.parse():
                yield number, _row_values(cells, limits)
    finally:
        workbook.close()


def _row_values(cells: list[dict[str, object]], limits: FileLimits) -> list[object]:
    """The cells the sheet holds, placed by column; none made up past the last one given."""
    present = {
        column: cell["value"]
        for cell in cells
        if isinstance(column := cell["column"], int) and not is_blank(cell["value"])
    }
    if not present:
        return []
    last = max(present)
    if last > limits.max_columns:
        raise UnreadableFileError(N_("impor.file.too_many_columns"), maximum=limits.max_columns)
    return [present.get(column) for column in range(1, last + 1)]
