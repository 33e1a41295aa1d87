"""Register files: an uploaded CSV or XLSX read as rows of cells, and the XLSX files we write
(the import template with its *Petunjuk* sheet, the list of invalid rows).

CSV is UTF-8 (Excel's BOM tolerated), `;` or `,` separated, whichever the header line uses.
XLSX is read in openpyxl's read-only mode, first sheet only, so a large file streams.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from domain.register import (
    CSV,
    KELOMPOK,
    XLSX,
    Column,
    Kind,
    file_kind,
    template_columns,
)
from domain.register_rows import RowError, is_blank
from locales import N_, Translator

TEMPLATE_SHEET = "Koperasi"
GUIDE_SHEET = "Petunjuk"
GUIDE_HEADINGS = (
    N_("impor.template.column"),
    N_("impor.template.required"),
    N_("impor.template.meaning"),
    N_("impor.template.allowed"),
)
_TAG = re.compile(r"<[^>]+>")


class UnreadableFileError(Exception):
    """A file that cannot be read as a register, with the message key that says why."""

    def __init__(self, key: str, /, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Table:
    """A readable register file; `rows()` can be iterated more than once."""

    kind: str
    data: bytes
    sha256: str
    text: str | None = None  # the decoded CSV

    def rows(self) -> Iterator[tuple[int, Sequence[object]]]:
        """Every non-blank row with its number as the spreadsheet shows it (from 1)."""
        source = self._csv_rows() if self.kind == CSV else self._xlsx_rows()
        for number, cells in source:
            if not all(is_blank(cell) for cell in cells):
                yield number, cells

    def _csv_rows(self) -> Iterator[tuple[int, Sequence[object]]]:
        text = self.text or ""
        first = next((line for line in text.splitlines() if line.strip()), "")
        delimiter = ";" if first.count(";") > first.count(",") else ","
        try:
            # Each record is one spreadsheet row, blank lines included.
            yield from enumerate(csv.reader(_lines(text), delimiter=delimiter), start=1)
        except csv.Error:
            raise UnreadableFileError(N_("impor.file.unreadable")) from None

    def _xlsx_rows(self) -> Iterator[tuple[int, Sequence[object]]]:
        workbook = _open_workbook(self.data)
        try:
            sheet = workbook.worksheets[0]
            # Read-only sheets fill missing rows with empty ones, so the count is the row number.
            yield from enumerate(sheet.iter_rows(values_only=True), start=1)
        finally:
            workbook.close()


def _lines(text: str) -> Iterator[str]:
    """The lines of `text` with their line ends, one at a time (no copy of the whole text)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def open_table(data: bytes, name: str | None, mime_type: str | None = None) -> Table:
    """The file as a table; raises UnreadableFileError for another kind of file or a broken one."""
    kind = file_kind(name, mime_type)
    digest = hashlib.sha256(data).hexdigest()
    if kind == CSV:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UnreadableFileError(N_("impor.file.encoding")) from None
        return Table(CSV, data, digest, text)
    if kind == XLSX:
        _open_workbook(data).close()
        return Table(XLSX, data, digest)
    raise UnreadableFileError(N_("impor.file.wrong_type"))


def _open_workbook(data: bytes) -> Workbook:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        raise UnreadableFileError(N_("impor.file.unreadable")) from None
    if not workbook.worksheets:
        workbook.close()
        raise UnreadableFileError(N_("impor.file.empty"))
    return workbook


def plain_text(message: str) -> str:
    """A rendered (HTML) message as plain text, for files and the command line."""
    return html.unescape(_TAG.sub("", message))


def _bytes_of(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def allowed_values(column: Column, kecamatan: Sequence[str]) -> str:
    """What a column accepts, for the template's guide."""
    if column.codes:
        return ", ".join(column.codes)
    if column.kind is Kind.KELOMPOK:
        return ", ".join(KELOMPOK)
    if column.kind is Kind.KECAMATAN:
        return ", ".join(kecamatan)
    return ""


def template_xlsx(tr: Translator, kecamatan: Sequence[str]) -> bytes:
    """The import template: header and one example row, then the *Petunjuk* sheet."""
    columns = template_columns()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has its first sheet
    sheet.title = TEMPLATE_SHEET
    sheet.append([column.name for column in columns])
    sheet.append([column.example or None for column in columns])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[letter].width = max(14, len(column.name) + 2)
        if column.kind is Kind.IDENTIFIER:
            # Text cells: Excel would round a 16-digit NIK typed into a number cell.
            for row in (1, 2):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet(GUIDE_SHEET)
    guide.append([plain_text(tr.t("impor.template.intro"))])
    guide.append([])
    guide.append([plain_text(tr.t(key)) for key in GUIDE_HEADINGS])
    for cell in guide[3]:
        cell.font = Font(bold=True)
    yes, no = plain_text(tr.t("common.yes")), plain_text(tr.t("common.no"))
    for column in columns:
        guide.append(
            [
                column.name,
                yes if column.required else no,
                plain_text(tr.t(column.help_key)),
                allowed_values(column, kecamatan),
            ]
        )
    for letter, width in zip("ABCD", (22, 8, 80, 60), strict=True):
        guide.column_dimensions[letter].width = width
    return _bytes_of(workbook)


def invalid_rows_xlsx(tr: Translator, errors: Sequence[RowError]) -> bytes:
    """Every invalid row with its column and reason, in the reader's language."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(plain_text(tr.t("impor.invalid.sheet"))[:31])
    sheet.append(
        [
            plain_text(tr.t("impor.invalid.row")),
            plain_text(tr.t("impor.invalid.column")),
            plain_text(tr.t("impor.invalid.reason")),
        ]
    )
    for error in errors:
        sheet.append([error.row, error.column, plain_text(tr.t(error.key, **error.params))])
    return _bytes_of(workbook)


def cell_text(value: object) -> str:
    """A value as a CSV cell: dates day-first, decimals with a comma."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return str(value).replace(".", ",") if not isinstance(value, str) else value
