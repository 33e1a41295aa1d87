"""Matching import rows to the stored register, refusing repeats, and planning the writes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.errors import InputError
from domain.register_match import (
    Action,
    FileKeys,
    KeyIndex,
    StoredCycle,
    StoredKoperasi,
    find_target,
    history_cycle,
    plan_row,
)
from domain.register_rows import RegisterRow

INDEX = KeyIndex(by_nik={"N1": 1, "N2": 2}, by_badan_hukum={"B1": 1, "B3": 3})


def _row(number: int = 2, rat: dict[int, date] | None = None, **values: object) -> RegisterRow:
    return RegisterRow(number, {"nama": "KSU Maju", "kecamatan": "Maron", **values}, rat or {})


def _keyed(keys: dict[str, str]) -> RegisterRow:
    return RegisterRow(2, {"nama": "KSU Maju", "kecamatan": "Maron", **keys})


@pytest.mark.parametrize(
    ("keys", "target"),
    [
        ({"nik_koperasi": "N1"}, 1),
        ({"no_badan_hukum": "B3"}, 3),
        ({"nik_koperasi": "N1", "no_badan_hukum": "B1"}, 1),
        ({"nik_koperasi": "N9", "no_badan_hukum": "B3"}, 3),  # NIK first, else the legal number
        ({"nik_koperasi": "N2", "no_badan_hukum": "B9"}, 2),
        ({"nik_koperasi": "N9"}, None),
    ],
)
def test_a_row_updates_the_cooperative_with_its_nik_else_its_legal_number(
    keys: dict[str, str], target: int | None
) -> None:
    assert find_target(_keyed(keys), INDEX) == target


def test_a_row_matching_two_stored_cooperatives_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        find_target(_row(nik_koperasi="N2", no_badan_hukum="B3"), INDEX)
    assert caught.value.key == "impor.error.matches_two"


def test_rows_repeating_a_key_or_a_target_are_each_refused_naming_the_others() -> None:
    keys = FileKeys()
    keys.add(_row(2, nik_koperasi="X"), None)
    keys.add(_row(3, nik_koperasi="X", no_badan_hukum="B"), None)
    keys.add(_row(4, no_badan_hukum="B"), None)
    keys.add(_row(5, nik_koperasi="N1"), 1)
    keys.add(_row(6, no_badan_hukum="B1"), 1)
    keys.add(_row(7, nik_koperasi="Y"), None)
    found = {(error.row, error.key, error.params["rows"]) for error in keys.errors()}
    assert found == {
        (2, "impor.error.duplicate_nik", "3"),
        (3, "impor.error.duplicate_nik", "2"),
        (3, "impor.error.duplicate_badan_hukum", "4"),
        (4, "impor.error.duplicate_badan_hukum", "3"),
        (5, "impor.error.same_koperasi", "6"),
        (6, "impor.error.same_koperasi", "5"),
    }


def test_a_key_repeated_many_times_names_a_few_rows() -> None:
    keys = FileKeys()
    for number in range(2, 12):
        keys.add(_row(number, nik_koperasi="X"), None)
    first = next(error for error in keys.errors() if error.row == 2)
    assert first.params["rows"] == "3, 4, 5, 6, 7, …"


def test_a_new_row_is_added_with_every_column_and_its_history() -> None:
    plan = plan_row(_row(nik_koperasi="N9", rat={2024: date(2025, 3, 1)}), None)
    assert plan.action is Action.ADD
    assert plan.values["nama"] == "KSU Maju"
    assert plan.values["jenis"] is None
    assert (plan.values["fye_month"], plan.values["fye_day"], plan.values["segmen"]) == (
        12,
        31,
        "reguler",
    )
    assert (plan.values["last_rat_tahun_buku"], plan.values["last_rat_date"]) == (
        2024,
        date(2025, 3, 1),
    )
    [cycle] = plan.new_cycles
    assert cycle["held_date"] == date(2025, 3, 1)
    assert cycle["tahap"] == "RAT_TERLAKSANA"


STORED = StoredKoperasi(
    7,
    {
        "nama": "KSU Maju",
        "kecamatan": "Maron",
        "jenis": "konsumen",
        "modal_sendiri": Decimal("1250000.00"),
        "fye_month": 12,
        "fye_day": 31,
        "last_rat_tahun_buku": 2023,
        "last_rat_date": date(2024, 2, 1),
    },
    {
        2023: StoredCycle(70, date(2024, 2, 1), "DILAPORKAN"),
        2024: StoredCycle(71, None, "PERSIAPAN"),
    },
)


def test_an_identical_row_changes_nothing_and_blank_cells_clear_nothing() -> None:
    plan = plan_row(_row(modal_sendiri=Decimal(1250000), rat={2023: date(2024, 2, 1)}), STORED)
    assert plan.action is Action.UNCHANGED
    assert plan.values == {}


def test_an_update_writes_only_what_changed_and_fills_held_dates() -> None:
    plan = plan_row(
        _row(jenis="serba_usaha", rat={2024: date(2025, 3, 10), 2025: date(2026, 2, 1)}), STORED
    )
    assert plan.action is Action.UPDATE
    assert plan.values == {
        "jenis": "serba_usaha",
        "last_rat_tahun_buku": 2025,
        "last_rat_date": date(2026, 2, 1),
    }
    assert plan.held_updates == ((71, date(2025, 3, 10), "RAT_TERLAKSANA"),)
    assert [cycle["tahun_buku"] for cycle in plan.new_cycles] == [2025]


def test_a_held_date_corrected_keeps_a_later_stage() -> None:
    plan = plan_row(_row(rat={2023: date(2024, 3, 1)}), STORED)
    assert plan.held_updates == ((70, date(2024, 3, 1), "DILAPORKAN"),)


@pytest.mark.parametrize(
    ("koperasi", "expected"),
    [
        (
            {"bentuk": "primer"},
            (date(2025, 12, 31), date(2026, 3, 31), date(2026, 4, 30), date(2026, 6, 30)),
        ),
        (
            {"bentuk": "sekunder"},
            (date(2025, 12, 31), date(2026, 6, 30), date(2026, 6, 30), date(2026, 6, 30)),
        ),
        (
            {"fye_month": 6, "fye_day": 30},
            (date(2025, 6, 30), date(2025, 9, 30), date(2025, 10, 31), date(2025, 12, 31)),
        ),
    ],
)
def test_a_seeded_cycle_gets_the_default_deadlines_of_its_fiscal_year(
    koperasi: dict[str, object], expected: tuple[date, ...]
) -> None:
    cycle = history_cycle(2025, date(2026, 2, 1), koperasi)
    got = (
        cycle["fiscal_year_end"],
        cycle["target_date"],
        cycle["report_deadline"],
        cycle["statutory_limit"],
    )
    assert got == expected
    assert cycle["tidak_rat_date"] == date(
        expected[0].year + 1, expected[0].month, expected[0].day
    )
