"""A streaming XLSX writer: rows go straight into the zip as sheet XML, nothing is kept.

Why not XlsxWriter's constant-memory mode or openpyxl's write-only mode: both format every
cell through several Python calls; on the bot's 2-core machine XlsxWriter wrote about 27,000
cells a second, so the export of 100,000 cooperatives and a million visits (some 20 million
cells) would take over ten minutes (docs/BENCHMARKS.md). This writer formats a row with one
string operation per cell and deflates at the fastest level, in a `zipfile` entry opened for
streaming, so memory stays at one buffered chunk whatever the row count.

What it writes is the small, standard subset of SpreadsheetML Excel, LibreOffice and openpyxl
read: inline strings (no shared-string table to keep), numbers, dates and date-times as serial
numbers with a date style, a bold header row frozen in place, column widths. Sheets are
written one after another (`sheet()` … `close()`); a row is a sequence of cell values matched
to the sheet's column kinds, None for an empty cell.
"""

from __future__ import annotations

import functools
import re
import zipfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from types import TracebackType
from typing import IO, Any, Self

MAX_ROWS = 1_048_576  # Excel's rows per sheet
MAX_TEXT = 32_767  # Excel's characters per cell
MAX_SHEET_NAME = 31
_FLUSH_ROWS = 500
# 30 December 1899, day 0 of Excel's (1900) date system.
_EPOCH_ORDINAL = date(1899, 12, 30).toordinal()
_SECONDS_PER_DAY = 86_400
# Characters XML 1.0 does not allow (tab, newline and carriage return are allowed).
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_STYLE_DATE, _STYLE_DATETIME, _STYLE_HEADER = 1, 2, 3


class Kind(StrEnum):
    """How the values of a column are written."""

    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    DATETIME = "datetime"  # naive local time


def escape(text: str) -> str:
    """`text` for an XML text node: markup escaped, characters XML cannot hold removed."""
    if not text.isprintable():
        text = _INVALID.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@functools.lru_cache(maxsize=1 << 16)
def _cached_text(text: str) -> str:
    """Codes, places and names repeat row after row: each is escaped once."""
    return _text(text)


def _text(value: Any) -> str:
    text = value if type(value) is str else str(value)
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT]
    if not text.isprintable():
        text = _INVALID.sub("", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"<c><v>{value!r}</v></c>"
    if isinstance(value, int | Decimal):
        return f"<c><v>{value}</v></c>"
    return _text(value)  # not a number after all: kept as typed, never lost


def _date(value: Any) -> str:
    if isinstance(value, datetime):
        value = value.date()
    return f'<c s="{_STYLE_DATE}"><v>{value.toordinal() - _EPOCH_ORDINAL}</v></c>'


def _datetime(value: Any) -> str:
    # The wall-clock fields as given (any time zone was applied by the caller).
    seconds = value.hour * 3600 + value.minute * 60 + value.second
    serial = value.toordinal() - _EPOCH_ORDINAL + seconds / _SECONDS_PER_DAY
    return f'<c s="{_STYLE_DATETIME}"><v>{serial!r}</v></c>'


_CELL: dict[Kind, Callable[[Any], str]] = {
    Kind.TEXT: _cached_text,
    Kind.NUMBER: _number,
    Kind.DATE: _date,
    Kind.DATETIME: _datetime,
}


def column_letter(index: int) -> str:
    """`A` for 0, `Z` for 25, `AA` for 26 …"""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _styles(date_format: str, datetime_format: str) -> str:
    return (
        f"{_XML}<styleSheet {_NS}>"
        f'<numFmts count="2"><numFmt numFmtId="164" formatCode="{escape(date_format)}"/>'
        f'<numFmt numFmtId="165" formatCode="{escape(datetime_format)}"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="3"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill>'
        '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/>'
        '<bgColor indexed="64"/></patternFill></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" '
        'applyFill="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


class _Sheet:
    """One worksheet being written: its zip entry, column formatters and row count."""

    def __init__(self, stream: IO[bytes], kinds: Sequence[Kind]) -> None:
        self.stream = stream
        self.cells = [_CELL[kind] for kind in kinds]
        self.letters = [column_letter(index) for index in range(len(kinds))]
        self.rows = 0
        self.pending: list[str] = []

    def row(self, values: Sequence[Any], style: int | None = None) -> None:
        self.rows += 1
        number = self.rows
        if style is not None:  # the header: every cell styled
            cells = "".join(
                f'<c s="{style}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'
                for v in values
            )
        else:
            cells = self._cells(values, number)
        self.pending.append(f'<row r="{number}">{cells}</row>')
        if len(self.pending) >= _FLUSH_ROWS:
            self.flush()

    def _cells(self, values: Sequence[Any], number: int) -> str:
        if None not in values:  # the common case: every cell in its place
            return "".join([cell(value) for cell, value in zip(self.cells, values, strict=True)])
        parts: list[str] = []
        gap = False
        for index, (cell, value) in enumerate(zip(self.cells, values, strict=True)):
            if value is None:
                gap = True
                continue
            text = cell(value)
            if gap:  # a cell after an empty one says where it is
                text = f'<c r="{self.letters[index]}{number}"{text[2:]}'
                gap = False
            parts.append(text)
        if gap:  # an empty last cell still marks the row's width for readers
            parts.append(f'<c r="{self.letters[-1]}{number}"/>')
        return "".join(parts)

    def flush(self) -> None:
        if self.pending:
            self.stream.write("".join(self.pending).encode())
            self.pending = []


class XlsxStream:
    """An XLSX file written sheet by sheet, row by row.

    with XlsxStream(path) as book:
        book.sheet("Koperasi", [Kind.NUMBER, Kind.TEXT], ["ID", "Nama"], [8, 30])
        book.row([1, "KUD Maju"])
    """

    def __init__(
        self,
        path: str,
        *,
        date_format: str = "dd-mm-yyyy",
        datetime_format: str = "dd-mm-yyyy hh:mm",
    ) -> None:
        self._zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self._formats = (date_format, datetime_format)
        self._names: list[str] = []
        self._current: _Sheet | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def rows(self) -> int:
        """Rows written to the current sheet, its header included."""
        return self._current.rows if self._current is not None else 0

    def sheet(
        self, name: str, kinds: Sequence[Kind], header: Sequence[str], widths: Sequence[int]
    ) -> None:
        """Starts the next sheet with its header row (bold, frozen) and column widths."""
        self._end_sheet()
        name = name[:MAX_SHEET_NAME]
        if name in self._names:
            raise ValueError("two sheets share a name")
        self._names.append(name)
        entry = f"xl/worksheets/sheet{len(self._names)}.xml"
        stream = self._zip.open(entry, "w", force_zip64=True)
        columns = "".join(
            f'<col min="{i}" max="{i}" width="{width}" customWidth="1"/>'
            for i, width in enumerate(widths, start=1)
        )
        selected = ' tabSelected="1"' if len(self._names) == 1 else ""
        stream.write(
            (
                f"{_XML}<worksheet {_NS} {_NS_R}><sheetViews>"
                f'<sheetView workbookViewId="0"{selected}>'
                '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
                '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
                f"<cols>{columns}</cols><sheetData>"
            ).encode()
        )
        self._current = _Sheet(stream, kinds)
        self._current.row(header, style=_STYLE_HEADER)

    def row(self, values: Sequence[Any]) -> None:
        """Appends a row to the current sheet (None: an empty cell)."""
        if self._current is None:
            raise RuntimeError("no sheet started")
        self._current.row(values)

    def _end_sheet(self) -> None:
        sheet, self._current = self._current, None
        if sheet is None:
            return
        sheet.flush()
        sheet.stream.write(b"</sheetData></worksheet>")
        sheet.stream.close()

    def close(self) -> None:
        """Finishes the current sheet and writes the workbook's parts; idempotent."""
        if self._zip.fp is None:
            return
        self._end_sheet()
        count = len(self._names)
        sheets = "".join(
            f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, name in enumerate(self._names, start=1)
        )
        relations = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, count + 1)
        )
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, count + 1)
        )
        main = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        parts = {
            "[Content_Types].xml": (
                f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                'content-types"><Default Extension="rels" ContentType="application/'
                'vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/xl/workbook.xml" ContentType="{main}.sheet.main+xml"/>'
                f'<Override PartName="/xl/styles.xml" ContentType="{main}.styles+xml"/>'
                f"{overrides}</Types>"
            ),
            "_rels/.rels": (
                f'{_XML}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
                f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
            ),
            "xl/workbook.xml": (
                f"{_XML}<workbook {_NS} {_NS_R}><bookViews><workbookView/></bookViews>"
                f"<sheets>{sheets}</sheets></workbook>"
            ),
            "xl/_rels/workbook.xml.rels": (
                f'{_XML}<Relationships xmlns="{_PKG_REL}">{relations}'
                f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" '
                'Target="styles.xml"/></Relationships>'
            ),
            "xl/styles.xml": _styles(*self._formats),
        }
        for name, text in parts.items():
            self._zip.writestr(name, text)
        self._zip.close()
