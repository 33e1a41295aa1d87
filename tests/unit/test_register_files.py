"""Reading register files (CSV sniffing, BOM, row numbers, XLSX cells) and writing the template."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook, load_workbook

from domain.register import template_columns
from locales import Catalogues
from services.register_files import open_table, template_xlsx
from services.register_read import UnreadableFileError

CATALOGUES = Catalogues(["id", "en"], "id", ZoneInfo("Asia/Jakarta"))


@pytest.mark.parametrize("delimiter", [";", ","])
def test_csv_is_sniffed_and_rows_keep_the_numbers_the_spreadsheet_shows(delimiter: str) -> None:
    lines = [
        "",
        delimiter.join(["nama", "kecamatan", "alamat"]),
        delimiter.join(["KSU Maju", "Maron", '"Jl. Raya 1\r\nDusun Krajan"']),
        "",
        delimiter.join(["KUD Tani", "Dringu", '"Jl. Mawar; No. 2, RT 3"']),
    ]
    data = ("\ufeff" + "\r\n".join(lines)).encode()
    rows = list(open_table(data, "daftar.csv").rows())
    assert [number for number, _ in rows] == [2, 3, 5]
    assert list(rows[0][1]) == ["nama", "kecamatan", "alamat"]
    assert rows[1][1][2] == "Jl. Raya 1\r\nDusun Krajan"
    assert rows[2][1][2] == "Jl. Mawar; No. 2, RT 3"


def test_xlsx_reads_the_first_sheet_with_typed_cells_and_row_numbers() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A3"], sheet["B3"], sheet["C3"] = "nama", "kecamatan", "tgl_badan_hukum"
    sheet["A4"], sheet["B4"], sheet["C4"] = "KSU Maju", "Maron", datetime(2016, 3, 14)  # noqa: DTZ001
    sheet["A6"], sheet["B6"] = "KUD Tani", 42
    workbook.create_sheet("Lain")["A1"] = "diabaikan"
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = list(open_table(buffer.getvalue(), "daftar.xlsx").rows())
    assert [number for number, _ in rows] == [3, 4, 6]
    assert rows[1][1][2] == datetime(2016, 3, 14)  # noqa: DTZ001
    assert rows[2][1][:2] == ("KUD Tani", 42)


@pytest.mark.parametrize(
    ("data", "name", "key"),
    [
        (b"nama;kecamatan", "daftar.pdf", "impor.file.wrong_type"),
        ("nama;kecamatan".encode("utf-16"), "daftar.csv", "impor.file.encoding"),
        (b"PK\x03\x04 not really a zip", "daftar.xlsx", "impor.file.unreadable"),
        (b"nama;kecamatan", "daftar.xls", "impor.file.wrong_type"),
    ],
)
def test_files_that_cannot_be_read_say_why(data: bytes, name: str, key: str) -> None:
    with pytest.raises(UnreadableFileError) as caught:
        list(open_table(data, name).rows())
    assert caught.value.key == key


@pytest.mark.parametrize("locale", ["id", "en"])
def test_the_template_has_the_columns_an_example_and_a_guide_to_every_column(locale: str) -> None:
    data = template_xlsx(CATALOGUES.get(locale), ["Dringu", "Kotaanyar"])
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Koperasi", "Petunjuk"]
    rows = list(workbook["Koperasi"].iter_rows(values_only=True))
    assert list(rows[0]) == [column.name for column in template_columns()]
    assert rows[1][0] == "KSU Contoh Sejahtera"
    guide = {row[0]: row for row in workbook["Petunjuk"].iter_rows(values_only=True)}
    for column in template_columns():
        assert guide[column.name][2], column.name  # its meaning, in the reader's language
    assert guide["kecamatan"][3] == "Dringu, Kotaanyar"
    assert "simpan_pinjam" in str(guide["jenis"][3])
    assert "KDKMP" in str(guide["kelompok"][3])
    assert workbook["Koperasi"]["H2"].number_format == "@"  # NIK koperasi stays text in Excel
