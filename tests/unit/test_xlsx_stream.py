"""The streaming XLSX writer: what openpyxl reads back — sheets, frozen bold header, widths,
typed cells (dates with a date format), empty cells in place, text XML cannot hold."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from services.xlsx_stream import Kind, XlsxStream, column_letter

KINDS = [Kind.NUMBER, Kind.TEXT, Kind.DATE, Kind.DATETIME, Kind.TEXT]
LOCAL = datetime.fromisoformat("2027-01-03T10:30:00")  # naive local time, as the export gives


def test_cells_headers_and_layout_read_back(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    with XlsxStream(str(path)) as book:
        book.sheet(
            "Koperasi",
            KINDS,
            ["ID", "Nama & <alamat>", "Tgl", "Waktu", "Catatan"],
            [8, 30, 12, 16, 20],
        )
        book.row([1, "KUD <Maju> & Jaya", date(2016, 3, 14), LOCAL, "=SUM(A1)"])
        book.row([Decimal("250000000.50"), None, None, None, "bel\x07l\ttab"])
        book.row([None, "  spasi  ", date(2027, 1, 1), None, None])
        book.sheet("Kosong", [Kind.TEXT], ["Judul"], [10])

    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Koperasi", "Kosong"]
    sheet = workbook["Koperasi"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b
    assert sheet.column_dimensions["B"].width == 30
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("ID", "Nama & <alamat>", "Tgl", "Waktu", "Catatan")
    assert rows[1] == (1, "KUD <Maju> & Jaya", datetime(2016, 3, 14), LOCAL, "=SUM(A1)")  # noqa: DTZ001
    assert sheet["E2"].data_type == "s"  # a formula-looking text stays text
    assert sheet["C2"].number_format == "dd-mm-yyyy"
    assert sheet["D2"].number_format == "dd-mm-yyyy hh:mm"
    assert rows[2] == (250000000.5, None, None, None, "bell\ttab")
    assert rows[3] == (None, "  spasi  ", datetime(2027, 1, 1), None, None)  # noqa: DTZ001
    assert list(workbook["Kosong"].iter_rows(values_only=True)) == [("Judul",)]


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]
