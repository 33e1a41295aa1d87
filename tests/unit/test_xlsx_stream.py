"""The streaming XLSX writer: what openpyxl reads back — sheets, frozen bold header, widths,
typed cells (dates with a date format), empty cells in place, text XML cannot hold."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from services.xlsx_stream import Kind, XlsxStream, _datetimes, _instants, column_letter

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


def test_instants_booleans_and_empty_cells(tmp_path: Path) -> None:
    """Instants (aware, or naive in UTC) are written as the book's zone's wall clock, across
    a change of its offset; booleans as the book's words; empty cells keep the rest in place."""
    berlin = ZoneInfo("Europe/Berlin")
    kinds = [Kind.INSTANT, Kind.BOOL, Kind.TEXT, Kind.DATETIME, Kind.NUMBER]
    path = tmp_path / "i.xlsx"
    with XlsxStream(str(path), tz=berlin, booleans=("ya", "tidak")) as book:
        book.sheet("Waktu", kinds, ["Saat", "Audit", "Nama", "Lokal", "N"], [16, 8, 10, 16, 6])
        book.rows_from(
            [
                (datetime(2027, 3, 28, 0, 59, 59, tzinfo=UTC), True, "a", LOCAL, 1),
                (datetime(2027, 3, 28, 1), False, None, None, None),  # noqa: DTZ001 - UTC
                (datetime(2027, 3, 28, 3, 30, tzinfo=berlin), None, "a", LOCAL, True),
                [None, None, None, None, 2.5],
            ]
        )
    rows = list(load_workbook(path)["Waktu"].iter_rows(values_only=True))
    assert rows[1:] == [
        (datetime(2027, 3, 28, 1, 59, 59), "ya", "a", LOCAL, 1),  # noqa: DTZ001 - as Excel keeps it
        (datetime(2027, 3, 28, 3, 0, 0), "tidak", None, None, None),  # noqa: DTZ001
        (datetime(2027, 3, 28, 3, 30), None, "a", LOCAL, "True"),  # noqa: DTZ001 - a bool is no number
        (None, None, None, None, 2.5),
    ]


def test_instants_match_converting_each_value() -> None:
    """The hourly offset look-up gives the cell astimezone() would, in zones with and without
    summer time, over instants spread across a century."""
    for name in ("Asia/Jakarta", "Europe/Berlin", "America/St_Johns", "Australia/Lord_Howe"):
        zone = ZoneInfo(name)
        instant, converted = _instants(zone), _datetimes(zone)
        moment = datetime(1930, 1, 1, tzinfo=UTC)
        for _ in range(20_000):
            moment += timedelta(hours=53, minutes=7, seconds=13)
            assert instant(moment) == converted(moment)
            assert instant(moment.replace(tzinfo=None)) == converted(moment)


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
