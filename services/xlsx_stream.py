"""A streaming XLSX writer: rows go straight into the zip as sheet XML, nothing is kept.

Why not XlsxWriter's constant-memory mode or openpyxl's write-only mode: both format every
cell through several Python calls; on the bot's 2-core machine XlsxWriter wrote about 27,000
cells a second, so the export of 100,000 cooperatives and a million visits (some 20 million
cells) would take over ten minutes (docs/BENCHMARKS.md). This writer formats a whole row in
one call of a function made for the sheet's column kinds (`_row_function`: the cells' XML
inline, no call per cell but for a text not seen lately and a date-time), keeps the XML of
recent texts (codes, places and names repeat row after row), and deflates at the fastest
level, in a `zipfile` entry opened for streaming, so memory stays at one buffered chunk and
a bounded text cache whatever the row count.

What it writes is the small, standard subset of SpreadsheetML Excel, LibreOffice and openpyxl
read: inline strings (no shared-string table to keep), numbers, dates and date-times as serial
numbers with a date style, a bold header row frozen in place, column widths. Sheets are
written one after another (`sheet()` … `close()`); a row is a sequence of cell values matched
to the sheet's column kinds, None for an empty cell (written as an empty cell with its
reference, so the next cells keep their places).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from enum import StrEnum
from types import TracebackType
from typing import IO, Any, Self, cast

MAX_ROWS = 1_048_576  # Excel's rows per sheet
MAX_TEXT = 32_767  # Excel's characters per cell
MAX_SHEET_NAME = 31
_FLUSH_ROWS = 500
# Texts whose cell XML is kept (a name and its XML: some 300 bytes each).
_TEXT_CACHE = 1 << 17
# UTC hours whose offset from the book's zone is kept (15 years of hours).
_OFFSET_HOURS = 1 << 17
# 30 December 1899, day 0 of Excel's (1900) date system.
_EPOCH_ORDINAL = date(1899, 12, 30).toordinal()
_SECONDS_PER_DAY = 86_400
_LAST_OF_HOUR = timedelta(minutes=59, seconds=59, microseconds=999_999)
_UNKNOWN: Any = object()
# Characters XML 1.0 does not allow (tab, newline and carriage return are allowed).
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_STYLE_DATE, _STYLE_DATETIME, _STYLE_HEADER = 1, 2, 3


class Kind(StrEnum):
    """How the values of a column are written."""

    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    DATETIME = "datetime"  # naive: as given; aware: shown in the book's time zone
    INSTANT = "instant"  # aware, or naive in UTC: shown in the book's time zone
    BOOL = "bool"  # a word for yes or no (the book's `booleans`)


def escape(text: str) -> str:
    """`text` for an XML text node: markup escaped, characters XML cannot hold removed."""
    if not text.isprintable():
        text = _INVALID.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text(value: Any) -> str:
    text = value if type(value) is str else str(value)
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT]
    if not text.isprintable():
        text = _INVALID.sub("", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _number(value: Any) -> str:
    if type(value) is float:
        return f"<c><v>{value!r}</v></c>"
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return f"<c><v>{value}</v></c>"
    return _text(value)  # not a number after all: kept as typed, never lost


def _serial_cell(days: int, seconds: int) -> str:
    """A date-time cell of Excel's day number and the seconds into that day."""
    serial = days - _EPOCH_ORDINAL + seconds / _SECONDS_PER_DAY
    return f'<c s="{_STYLE_DATETIME}"><v>{serial!r}</v></c>'


def _datetimes(tz: tzinfo | None) -> Callable[[datetime], str]:
    """A date-time cell: its wall-clock time, an aware one's in `tz` (Excel keeps no offset)."""

    def cell(value: datetime) -> str:
        if tz is not None and value.tzinfo is not None:
            value = value.astimezone(tz)
        return _serial_cell(
            value.toordinal(), value.hour * 3600 + value.minute * 60 + value.second
        )

    return cell


def _instants(tz: tzinfo | None) -> Callable[[datetime], str]:
    """An instant's cell (aware, or naive in UTC): its wall-clock time in `tz` (None: UTC).

    The same cell as converting each value with astimezone(), for less: the zone's offset
    is looked up once per hour of UTC (a million visits fall in a few thousand hours), and
    per value only in an hour in which the offset changes.
    """
    zone = tz or UTC
    offsets: dict[int, int | None] = {}

    def offset(hour: datetime) -> int | None:
        first = hour.astimezone(zone).utcoffset()
        last = (hour + _LAST_OF_HOUR).astimezone(zone).utcoffset()
        if first is None or first != last:
            return None
        return int(first.total_seconds())

    def cell(value: datetime) -> str:
        if value.tzinfo is not None and value.tzinfo is not UTC:
            value = value.astimezone(UTC)
        day, hour = value.toordinal(), value.hour
        key = day * 24 + hour
        shift = offsets.get(key, _UNKNOWN)
        if shift is _UNKNOWN:
            if len(offsets) >= _OFFSET_HOURS:
                offsets.clear()
            start = datetime(value.year, value.month, value.day, hour, tzinfo=UTC)
            shift = offsets[key] = offset(start)
        if shift is None:  # the zone changes its offset within this hour
            local = value.replace(tzinfo=UTC).astimezone(zone)
            return _serial_cell(
                local.toordinal(), local.hour * 3600 + local.minute * 60 + local.second
            )
        seconds = hour * 3600 + value.minute * 60 + value.second + shift
        if 0 <= seconds < _SECONDS_PER_DAY:
            return _serial_cell(day, seconds)
        return _serial_cell(day + seconds // _SECONDS_PER_DAY, seconds % _SECONDS_PER_DAY)

    return cell


class _Texts:
    """The cell XML of texts seen lately; emptied when full, so it never grows past `limit`."""

    def __init__(self, limit: int = _TEXT_CACHE) -> None:
        self.cells: dict[str, str] = {}
        self.limit = limit

    def cell(self, value: Any) -> str:
        """A text cell not in `cells` (the row functions look there first)."""
        cell = _text(value)
        if type(value) is str:
            if len(self.cells) >= self.limit:
                self.cells.clear()
            self.cells[value] = cell
        return cell


# Each kind's cell as a Python expression of the value VALUE (not None), for `_row_function`
# (a datetime's toordinal() is its date's).
_EXPRESSIONS = {
    Kind.TEXT: "(_texts_get(VALUE) or _text(VALUE))",
    Kind.NUMBER: "(f'<c><v>{VALUE}</v></c>' if type(VALUE) in _NUMBERS else _number(VALUE))",
    Kind.DATE: f"f'<c s=\"{_STYLE_DATE}\"><v>{{VALUE.toordinal() - {_EPOCH_ORDINAL}}}</v></c>'",
    Kind.DATETIME: "_datetime(VALUE)",
    Kind.INSTANT: "_instant(VALUE)",
    Kind.BOOL: "(_yes if VALUE else _no)",
}
# Written with str(): int and Decimal as they are, float's str() is its repr().
_NUMBERS = frozenset({int, float, Decimal})


def _row_function(
    kinds: Sequence[Kind], texts: _Texts, tz: tzinfo | None, booleans: tuple[str, str]
) -> Callable[[Sequence[Any], int], str]:
    """A function writing a row of these column kinds as XML, row number given.

    Made once per sheet (its source generated, then compiled), so a row costs one call and the
    cells' formatting runs inline: a million rows of ten cells through a function per cell
    took most of the export's time.
    """
    names = [f"v{i}" for i in range(len(kinds))]
    cells = []
    for index, (name, kind) in enumerate(zip(names, kinds, strict=True)):
        empty = f"f'<c r=\"{column_letter(index)}{{n}}\"/>'"
        cells.append(
            f"({empty} if {name} is None else {_EXPRESSIONS[kind].replace('VALUE', name)})"
        )
    unpack = f"{', '.join(names)}, = values" if names else "del values"
    source = (
        f"def row(values, n):\n    {unpack}\n"
        f"    return ''.join((f'<row r=\"{{n}}\">', {', '.join(cells)}, '</row>'))\n"
    )
    namespace: dict[str, Any] = {
        "_texts_get": texts.cells.get,
        "_text": texts.cell,
        "_NUMBERS": _NUMBERS,
        "_number": _number,
        "_datetime": _datetimes(tz),
        "_instant": _instants(tz),
        "_yes": _text(booleans[0]),
        "_no": _text(booleans[1]),
    }
    exec(compile(source, "<xlsx row>", "exec"), namespace)  # noqa: S102 - our own source
    return cast(Callable[[Sequence[Any], int], str], namespace["row"])


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
    """One worksheet being written: its zip entry, row function and row count."""

    def __init__(self, stream: IO[bytes], write_row: Callable[[Sequence[Any], int], str]) -> None:
        self.stream = stream
        self.write_row = write_row
        self.rows = 0
        self.pending: list[str] = []

    def header(self, values: Sequence[str], style: int) -> None:
        cells = "".join(
            f'<c s="{style}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>' for v in values
        )
        self.rows += 1
        self.pending.append(f'<row r="{self.rows}">{cells}</row>')

    def add(self, rows: Iterable[Sequence[Any]]) -> None:
        write_row, pending = self.write_row, self.pending
        number = self.rows
        for values in rows:
            number += 1
            pending.append(write_row(values, number))
            if len(pending) >= _FLUSH_ROWS:
                self.rows = number
                self.flush()
                pending = self.pending
        self.rows = number

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
        tz: tzinfo | None = None,
        booleans: tuple[str, str] = ("TRUE", "FALSE"),
    ) -> None:
        """`tz`: the time zone instants (aware date-times) are shown in; `booleans`: the
        words for yes and no."""
        self._zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self._formats = (date_format, datetime_format)
        self._tz = tz
        self._booleans = booleans
        self._texts = _Texts()
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
        write_row = _row_function(kinds, self._texts, self._tz, self._booleans)
        self._current = _Sheet(stream, write_row)
        self._current.header(header, _STYLE_HEADER)

    def row(self, values: Sequence[Any]) -> None:
        """Appends a row to the current sheet (None: an empty cell)."""
        self.rows_from((values,))

    def rows_from(self, rows: Iterable[Sequence[Any]]) -> None:
        """Appends rows to the current sheet (the caller keeps to `MAX_ROWS`)."""
        if self._current is None:
            raise RuntimeError("no sheet started")
        self._current.add(rows)

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
