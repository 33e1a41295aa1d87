"""Hostile register files, generated (never committed): what a careless or hostile user sends."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
HEADER = ("nama", "kecamatan", "nik_koperasi")
ROW = ("KSU Maju", "Maron", "3513100000000001")


def plain_xlsx() -> bytes:
    """A small valid register: the header and one row."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(ROW)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewrite(data: bytes, changes: dict[str, bytes]) -> bytes:
    """The zip with some members replaced (or added), others copied as they are."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, changes.pop(info.filename, source.read(info)))
        for name, content in changes.items():
            target.writestr(name, content)
    return buffer.getvalue()


def far_cell_xlsx(value: str = "x", column: str = "XFD") -> bytes:
    """A sheet claiming `A1:XFD1048576`, with one cell in its last row (the last column)."""
    data = plain_xlsx()
    xml = zipfile.ZipFile(io.BytesIO(data)).read(SHEET).decode()
    start = xml.index("<dimension")
    xml = xml[:start] + '<dimension ref="A1:XFD1048576"/>' + xml[xml.index("/>", start) + 2 :]
    far = (
        f'<row r="1048576"><c r="{column}1048576" t="inlineStr"><is><t>{value}</t></is></c></row>'
    )
    xml = xml.replace("</sheetData>", far + "</sheetData>")
    return _rewrite(data, {SHEET: xml.encode()})


def bomb_xlsx(unpacked_bytes: int) -> bytes:
    """A workbook whose sharedStrings.xml inflates to `unpacked_bytes` of one repeated string."""
    filler = b"<si><t>" + b"A" * 1000 + b"</t></si>"
    count = unpacked_bytes // len(filler)
    strings = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + filler * count
        + b"</sst>"
    )
    return _rewrite(plain_xlsx(), {STRINGS: strings})


def truncated_xlsx() -> bytes:
    """A workbook whose sheet XML stops halfway (a broken upload or a hand-edited file)."""
    data = plain_xlsx()
    xml = zipfile.ZipFile(io.BytesIO(data)).read(SHEET)
    return _rewrite(data, {SHEET: xml[: len(xml) // 2 + 7]})


def wide_csv(columns: int) -> bytes:
    """A CSV whose data row fills `columns` cells."""
    header = ",".join([*HEADER, *(f"x{n}" for n in range(columns - len(HEADER)))])
    return f"{header}\n{','.join(ROW)}\n".encode()
