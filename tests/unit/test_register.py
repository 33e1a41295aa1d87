"""The register's import rules: headers, every column's reading and refusal, cross-column rules."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from config import DEFAULT_KECAMATAN
from domain.errors import InputError
from domain.register import (
    COLUMNS_BY_NAME,
    JENIS,
    KELOMPOK,
    file_kind,
    match_code,
    rat_column,
    read_header,
    template_columns,
)
from domain.register_dates import add_months
from domain.register_rows import RegisterRow, RowError, RowRules, read_cell, read_row

TODAY = date(2027, 1, 4)
RULES = RowRules(tuple(DEFAULT_KECAMATAN), TODAY)


def _cell(column: str, value: object) -> dict[str, object]:
    spec = COLUMNS_BY_NAME[column] if not column.startswith("rat_") else rat_column(2025)
    return read_cell(spec, value, RULES)


def _refusal(column: str, value: object) -> str:
    with pytest.raises(InputError) as caught:
        _cell(column, value)
    return caught.value.key


def _row(**cells: object) -> RegisterRow | list[RowError]:
    names = list(cells)
    header = read_header(names)
    return read_row(header, [cells[name] for name in names], 7, RULES)


def _errors(**cells: object) -> list[tuple[str, str]]:
    result = _row(**cells)
    assert isinstance(result, list), result
    return [(error.column, error.key) for error in result]


def test_headers_match_ignoring_case_spaces_and_underscores() -> None:
    header = read_header(
        ["Nama", " NIK Koperasi ", "no badan hukum", "KECAMATAN", "RAT 2024", "x"]
    )
    names = [column.name for column in header.columns.values()]
    assert names == ["nama", "nik_koperasi", "no_badan_hukum", "kecamatan", "rat_2024"]
    assert header.ignored == ("x",)


@pytest.mark.parametrize(
    ("cells", "key"),
    [
        (["nama", "desa"], "impor.file.missing_column"),
        (["kecamatan", "desa"], "impor.file.missing_column"),
        (["nama", "kecamatan", "Nama"], "impor.file.duplicate_column"),
    ],
)
def test_a_header_without_a_required_column_or_with_a_repeat_is_refused(
    cells: list[str], key: str
) -> None:
    with pytest.raises(InputError) as caught:
        read_header(cells)
    assert caught.value.key == key


def test_the_template_has_every_column_and_three_rat_years() -> None:
    names = [column.name for column in template_columns()]
    assert names[0] == "nama"
    assert names[-3:] == ["rat_2023", "rat_2024", "rat_2025"]
    assert len(set(names)) == len(names) == 30  # with quorum_rule and status_aktivitas


@pytest.mark.parametrize(
    ("value", "codes", "expected"),
    [
        ("Simpan Pinjam", JENIS, "simpan_pinjam"),
        ("SIMPAN_PINJAM", JENIS, "simpan_pinjam"),
        ("Kota Anyar", tuple(DEFAULT_KECAMATAN), "Kotaanyar"),
        (" dringu ", tuple(DEFAULT_KECAMATAN), "Dringu"),
        ("Primer", ("primer", "sekunder"), "primer"),
        ("ksp", KELOMPOK, "KSP"),
        ("Serba-Usaha", JENIS, "serba_usaha"),
        ("Jakarta", tuple(DEFAULT_KECAMATAN), None),
    ],
)
def test_values_match_codes_ignoring_case_spaces_and_underscores(
    value: str, codes: tuple[str, ...], expected: str | None
) -> None:
    assert match_code(value, codes) == expected


@pytest.mark.parametrize(
    ("name", "mime", "kind"),
    [
        ("daftar.csv", None, "csv"),
        ("Daftar.XLSX", None, "xlsx"),
        ("berita_acara.pdf", None, None),
        ("daftar.xls", None, None),
        (None, "text/csv", "csv"),
        (None, "application/pdf", None),
    ],
)
def test_only_csv_and_xlsx_files_are_register_files(
    name: str | None, mime: str | None, kind: str | None
) -> None:
    assert file_kind(name, mime) == kind


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("nama", "  KSU   Maju\nJaya ", "KSU Maju Jaya"),
        ("nama", 'KSU "Maju & Jaya" <Sejahtera>', 'KSU "Maju & Jaya" <Sejahtera>'),
        ("bentuk", "Sekunder", "sekunder"),
        ("jenis", "Simpan Pinjam", "simpan_pinjam"),
        ("kelompok", "kopwan", "Kopwan"),
        ("kelompok", "Koperasi Nelayan", "Koperasi Nelayan"),
        ("pola", "Syariah", "syariah"),
        ("no_badan_hukum", " 188/BH/XVI.12/2016 ", "188/BH/XVI.12/2016"),
        ("nik_koperasi", "3513 0400 0000 0001", "3513040000000001"),
        ("nik_koperasi", 12345, "12345"),
        ("nib", 9120001234567.0, "9120001234567"),
        ("tgl_badan_hukum", "14-03-2016", date(2016, 3, 14)),
        ("tgl_badan_hukum", "14 Maret 2016", date(2016, 3, 14)),
        ("tgl_badan_hukum", datetime(2016, 3, 14), date(2016, 3, 14)),  # noqa: DTZ001
        ("nik_berlaku_sampai", "30-06-2028", date(2028, 6, 30)),
        ("kecamatan", "Kota Anyar", "Kotaanyar"),
        ("kecamatan", " dringu ", "Dringu"),
        ("anggota_pria", "1.250", 1250),
        ("anggota_wanita", 12.0, 12),
        ("modal_sendiri", "Rp 1.250.000,50", Decimal("1250000.50")),
        ("modal_luar", 2500000, Decimal(2500000)),
        ("aset", "1,5 M", Decimal(1500000000)),
        ("shu", "-12.500.000", Decimal(-12500000)),
        ("shu", -2500.5, Decimal("-2500.5")),
        ("predikat_kesehatan", "Cukup Sehat", "cukup_sehat"),
        ("predikat_tahun", "2025", 2025),
        ("segmen", "KDKMP", "kdkmp"),
    ],
)
def test_each_column_reads_what_people_write(column: str, value: object, expected: object) -> None:
    assert _cell(column, value) == {column: expected}


@pytest.mark.parametrize(
    ("value", "month_day"),
    [
        ("31-12", (12, 31)),
        ("30/6", (6, 30)),
        ("31 Desember", (12, 31)),
        (datetime(2026, 6, 30), (6, 30)),  # noqa: DTZ001 - Excel made a date of it
    ],
)
def test_the_fiscal_year_end_is_a_day_and_a_month(
    value: object, month_day: tuple[int, int]
) -> None:
    month, day = month_day
    assert _cell("akhir_tahun_buku", value) == {"fye_month": month, "fye_day": day}


@pytest.mark.parametrize(
    ("column", "value", "key"),
    [
        ("nama", "K" * 256, "input.text.too_long"),
        ("bentuk", "tersier", "impor.error.choice"),
        ("jenis", "koperasi", "impor.error.choice"),
        ("pola", "campuran", "impor.error.choice"),
        ("segmen", "desa", "impor.error.choice"),
        ("predikat_kesehatan", "baik", "impor.error.choice"),
        ("kelompok", "K" * 33, "input.text.too_long"),
        ("no_badan_hukum", datetime(2016, 3, 14), "impor.error.identifier"),  # noqa: DTZ001
        ("nik_koperasi", 3513040000000001, "impor.error.number_as_text"),
        ("nik_koperasi", "3,51304E+15", "impor.error.number_as_text"),
        ("nik_koperasi", 123.5, "impor.error.number_as_text"),
        ("nik_koperasi", True, "impor.error.identifier"),
        ("tgl_badan_hukum", "03/31/2016", "input.date.order"),
        ("tgl_badan_hukum", "besok", "input.date.future"),
        ("tgl_badan_hukum", "31-02-2016", "input.date.no_such_day"),
        ("tgl_badan_hukum", 42, "input.date.invalid"),
        ("anggota_per_tanggal", "05-01-2027", "input.date.future"),
        ("kecamatan", "Jakarta", "impor.error.kecamatan"),
        ("anggota_pria", 1.5, "input.number.not_whole"),
        ("anggota_pria", "-3", "input.number.negative"),
        ("anggota_wanita", "banyak", "input.number.invalid"),
        ("anggota_wanita", 20_000_000, "input.number.too_large"),
        ("modal_sendiri", "-5", "input.amount.negative"),
        ("modal_sendiri", "1,250,000.50", "input.amount.invalid"),
        ("modal_luar", 0.001, "input.amount.too_many_decimals"),
        ("aset", 10.0**16, "input.amount.too_large"),
        ("predikat_tahun", "2030", "input.number.too_large"),
        ("predikat_tahun", "1800", "input.number.too_small"),
        ("akhir_tahun_buku", "30-02", "impor.error.fiscal_year_end"),
        ("akhir_tahun_buku", "akhir tahun", "impor.error.fiscal_year_end"),
    ],
)
def test_each_column_refuses_with_its_reason(column: str, value: object, key: str) -> None:
    assert _refusal(column, value) == key


BASE = {"nama": "KSU Maju", "kecamatan": "Maron", "nik_koperasi": "3513100000000001"}


def test_a_rat_date_is_held_after_the_fiscal_year_within_18_months_and_not_ahead() -> None:
    row = _row(**BASE, rat_2025="20-02-2026", rat_2024="30-06-2026")
    assert isinstance(row, RegisterRow)
    assert row.rat_held == {2025: date(2026, 2, 20), 2024: date(2026, 6, 30)}
    assert _errors(**BASE, rat_2025="15-12-2025") == [
        ("rat_2025", "impor.error.rat_before_year_end")
    ]
    assert _errors(**BASE, rat_2024="01-07-2026") == [("rat_2024", "impor.error.rat_too_late")]
    assert _errors(**BASE, rat_2026="31-12-2026") == [
        ("rat_2026", "impor.error.rat_before_year_end")
    ]
    assert _errors(**BASE, rat_2025="05-01-2027") == [("rat_2025", "input.date.future")]


def test_a_rat_date_follows_the_rows_own_fiscal_year_end() -> None:
    row = _row(**BASE, akhir_tahun_buku="30-06", rat_2025="01-08-2025")
    assert isinstance(row, RegisterRow)
    assert row.values["fye_month"] == 6
    assert row.rat_held == {2025: date(2025, 8, 1)}


def test_blank_cells_are_left_out_and_a_required_blank_is_refused() -> None:
    row = _row(**BASE, jenis="", desa="   ", anggota_pria=None)
    assert isinstance(row, RegisterRow)
    assert set(row.values) == {"nama", "kecamatan", "nik_koperasi"}
    assert _errors(nama=" ", kecamatan="Maron", nik_koperasi="1") == [
        ("nama", "impor.error.required")
    ]


def test_the_kdkmp_kelompok_implies_the_kdkmp_segment_and_refuses_another() -> None:
    row = _row(**BASE, kelompok="kdkmp")
    assert isinstance(row, RegisterRow)
    assert row.values["segmen"] == "kdkmp"
    assert _errors(**BASE, kelompok="KDKMP", segmen="reguler") == [
        ("segmen", "impor.error.segmen_kdkmp")
    ]


def test_a_row_needs_a_key_to_be_found_again() -> None:
    assert _errors(nama="KSU Maju", kecamatan="Maron") == [("nik_koperasi", "impor.error.no_key")]
    row = _row(nama="KSU Maju", kecamatan="Maron", no_badan_hukum="1/BH/2015")
    assert isinstance(row, RegisterRow)
    # A key that is there but unreadable gets its own reason, not a second one.
    assert _errors(nama="KSU Maju", kecamatan="Maron", nik_koperasi=3513040000000001) == [
        ("nik_koperasi", "impor.error.number_as_text")
    ]


def test_every_reason_of_a_row_is_reported_with_its_row_and_column() -> None:
    result = _row(nama="", kecamatan="Jakarta", nik_koperasi="1", jenis="x", anggota_pria="-1")
    assert isinstance(result, list)
    assert {error.row for error in result} == {7}
    assert [error.column for error in result] == ["nama", "kecamatan", "jenis", "anggota_pria"]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 12, 31), 3, date(2026, 3, 31)),
        (date(2025, 12, 31), 18, date(2027, 6, 30)),
        (date(2025, 6, 30), 6, date(2025, 12, 31)),  # a month's end stays the end
        (date(2025, 1, 15), 1, date(2025, 2, 15)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
    ],
)
def test_add_months_keeps_month_ends(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected
