"""Register files: an uploaded CSV or XLSX (read by `services.register_read`, within limits),
and the XLSX files we write (the import template with its *Petunjuk* sheet, the invalid rows).
"""

from __future__ import annotations

import hashlib
import html
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from domain.register import (
    CSV,
    KELOMPOK,
    XLSX,
    Column,
    Kind,
    file_kind,
    template_columns,
)
from domain.register_rows import RowError
from locales import N_, Translator
from services.register_read import FileLimits, UnreadableFileError, read_rows

TEMPLATE_SHEET = "Koperasi"
GUIDE_SHEET = "Petunjuk"
GUIDE_HEADINGS = (
    N_("impor.template.column"),
    N_("impor.template.required"),
    N_("impor.template.meaning"),
    N_("impor.template.allowed"),
)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Table:
    """An uploaded register file, not read yet: its bytes, name and kind."""

    kind: str
    data: bytes
    name: str | None = None
    mime_type: str | None = None

    @property
    def sha256(self) -> str:
        """The file's hash (the confirmation checks the file is the one previewed)."""
        return hashlib.sha256(self.data).hexdigest()

    def rows(self, limits: FileLimits | None = None) -> Iterator[tuple[int, Sequence[object]]]:
        """Every non-blank row with its number as the spreadsheet shows it (from 1)."""
        return iter(read_rows(self.data, self.kind, limits or FileLimits()))


def open_table(data: bytes, name: str | None, mime_type: str | None = None) -> Table:
    """The file as a table to scan; raises UnreadableFileError for another kind of file.

    Cheap: the file is read later, by the scan (in a worker process for the chat).
    """
    kind = file_kind(name, mime_type)
    if kind not in (CSV, XLSX):
        raise UnreadableFileError(N_("impor.file.wrong_type"))
    return Table(kind, data, name, mime_type)


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
