"""The export's pure rules: arguments, scope by role, the season of a period, the upload cap."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from domain.access import Role, RoleGrant, Viewer
from domain.errors import InputError
from domain.export import (
    MAX_UPLOAD_BYTES,
    SHEETS,
    ExportArgs,
    ExportScope,
    export_filename,
    fits_upload,
    parse_args,
    percent,
    periods_offered,
    scope_for,
    season_window,
)

KECAMATAN = ["Dringu", "Kotaanyar", "Maron"]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ([], ExportArgs()),
        (["2025"], ExportArgs(2025)),
        (["2025", "Dringu"], ExportArgs(2025, "Dringu")),
        (["kota", "anyar", "2024"], ExportArgs(2024, "Kotaanyar")),
        (["SEMUA"], ExportArgs(None, None, all_kecamatan=True)),
        (["all", "2026"], ExportArgs(2026, None, all_kecamatan=True)),
    ],
)
def test_arguments_name_a_period_and_a_kecamatan_in_any_order(
    words: list[str], expected: ExportArgs
) -> None:
    assert parse_args(words, KECAMATAN) == expected


@pytest.mark.parametrize("words", [["Atlantis"], ["1999"], ["2025", "Dringu", "x"]])
def test_an_unknown_word_is_refused_with_a_reason(words: list[str]) -> None:
    with pytest.raises(InputError):
        parse_args(words, KECAMATAN)


def test_scope_follows_the_role() -> None:
    admin = Viewer(1, 1, 1, frozenset({RoleGrant(Role.ADMIN)}))
    pimpinan = Viewer(2, 2, 2, frozenset({RoleGrant(Role.PIMPINAN)}))
    officer = Viewer(3, 3, 30, frozenset({RoleGrant(Role.PETUGAS)}))
    board = Viewer(4, 4, 4, frozenset({RoleGrant(Role.PENGURUS, 7)}))
    assert scope_for(admin, 2025, None) == ExportScope(2025)
    assert scope_for(pimpinan, 2025, "Maron") == ExportScope(2025, "Maron")
    assert scope_for(officer, 2025, None) == ExportScope(2025, None, 30)
    assert scope_for(board, 2025, None) is None
    assert scope_for(Viewer(5, 5), 2025, None) is None


def test_a_period_is_the_season_after_its_fiscal_year() -> None:
    start, end = season_window(2025, ZoneInfo("Asia/Jakarta"))
    assert start == datetime(2025, 12, 31, 17, 0, tzinfo=UTC)  # 1 January 2026, 00:00 WIB
    assert end == datetime(2026, 12, 31, 17, 0, tzinfo=UTC)
    assert periods_offered(date(2026, 3, 1)) == [2025, 2024, 2023]


def test_file_name_progress_and_upload_cap() -> None:
    assert export_filename(ExportScope(2025, "Kotaanyar"), date(2026, 3, 5)) == (
        "ekspor-2025-kotaanyar-20260305.xlsx"
    )
    assert (
        export_filename(ExportScope(2025), date(2026, 3, 5)) == "ekspor-2025-semua-20260305.xlsx"
    )
    assert (percent(0, 10), percent(5, 10), percent(10, 10), percent(0, 0)) == (0, 50, 100, 100)
    assert fits_upload(MAX_UPLOAD_BYTES)
    assert not fits_upload(MAX_UPLOAD_BYTES + 1)


def test_sheets_are_named_as_the_office_knows_them() -> None:
    assert [sheet.name for sheet in SHEETS] == [
        "Koperasi",
        "Checklist",
        "Kunjungan",
        "Tindak lanjut",
        "Pesan",
    ]
    keys = [column.header_key for sheet in SHEETS for column in sheet.columns]
    assert all(key.startswith("ekspor.kolom.") for key in keys)
