"""Hostile files are refused with their reason, cheaply; what they claim is never made up."""

from __future__ import annotations

from datetime import date

import pytest

from config import DEFAULT_KECAMATAN
from domain.register_match import KeyIndex
from domain.register_rows import RowRules
from services.register_read import FileLimits, UnreadableFileError, check_zip, read_rows
from services.register_scan import ReportSpec, ScanRequest, scan_register, unpack
from tests.helpers.hostile import (
    ROW,
    bomb_xlsx,
    far_cell_xlsx,
    plain_xlsx,
    truncated_xlsx,
    wide_csv,
)

LIMITS = FileLimits()
RULES = RowRules(tuple(DEFAULT_KECAMATAN), date(2027, 1, 4))


def _refusal(data: bytes, kind: str, limits: FileLimits = LIMITS) -> UnreadableFileError:
    with pytest.raises(UnreadableFileError) as caught:
        list(read_rows(data, kind, limits))
    return caught.value


def test_a_sheet_claiming_every_cell_with_one_far_away_is_refused_by_a_cap() -> None:
    # Read by the cells it holds: openpyxl would pad 1,048,576 rows of 16,384 cells each.
    error = _refusal(far_cell_xlsx(), "xlsx")
    assert (error.key, error.params) == ("impor.file.too_many_columns", {"maximum": 200})
    error = _refusal(far_cell_xlsx(column="A"), "xlsx")
    assert (error.key, error.params) == ("impor.file.too_many_rows", {"maximum": 200_000})


def test_a_claimed_dimension_and_far_blank_cells_make_up_no_rows_or_columns() -> None:
    rows = list(read_rows(far_cell_xlsx(value=" "), "xlsx", LIMITS))
    assert rows == [(1, ("nama", "kecamatan", "nik_koperasi")), (2, ROW)]


def test_a_far_column_is_refused_by_the_column_cap() -> None:
    limits = FileLimits(max_rows=1_048_576)
    error = _refusal(far_cell_xlsx(), "xlsx", limits)
    assert (error.key, error.params) == ("impor.file.too_many_columns", {"maximum": 200})
    assert _refusal(wide_csv(201), "csv").key == "impor.file.too_many_columns"
    assert len(next(read_rows(wide_csv(200), "csv", LIMITS))[1]) == 200


def test_a_zip_bomb_is_refused_from_its_declared_sizes_before_it_is_opened() -> None:
    bomb = bomb_xlsx(64 * 1024 * 1024)  # 64 MB of strings in a 190 KB file
    error = _refusal(bomb, "xlsx")
    assert error.key == "impor.file.too_large"
    # Under the ratio, the total still counts.
    with pytest.raises(UnreadableFileError):
        check_zip(bomb, FileLimits(max_ratio=10_000, max_unpacked_bytes=32 * 1024 * 1024))
    check_zip(bomb, FileLimits(max_ratio=10_000))
    check_zip(plain_xlsx(), LIMITS)


def test_a_truncated_sheet_is_named_unreadable() -> None:
    assert _refusal(truncated_xlsx(), "xlsx").key == "impor.file.unreadable"


def test_the_scan_reads_once_and_reports_rows_reasons_and_valid_batches() -> None:
    rows = ["nama,kecamatan,nik_koperasi", "KSU Maju,Maron,3513100000000001"]
    rows += [f"\u200b\u3164,Maron,35131000000{n:05}" for n in range(30)]
    rows += ["\u202eKSU,Maron,3513100000009999"]
    request = ScanRequest(
        "\n".join(rows).encode(),
        "csv",
        LIMITS,
        RULES,
        KeyIndex({}, {}),
        ReportSpec("id", "Asia/Jakarta"),
    )
    scan = scan_register(request)
    assert (scan.rows, scan.invalid_rows) == (32, 31)
    # The chat lists the first 20 invalid rows; the file holds all 31.
    assert len({error.row for error in scan.errors}) == 20
    assert {error.key for error in scan.errors} == {"input.text.invisible"}
    assert scan.invalid_file is not None
    [batch] = [unpack(batch) for batch in scan.batches]
    assert [(row.values["nama"], target) for row, target in batch] == [("KSU Maju", None)]
    every = scan_register(
        ScanRequest(
            request.data, "csv", LIMITS, RULES, KeyIndex({}, {}), ReportSpec("id", "UTC", None)
        )
    )
    assert every.errors[-1].key == "input.text.direction"
    assert every.invalid_file is None
