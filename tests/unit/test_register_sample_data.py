"""The sample register generator: the 2019 mix, unique keys, valid rows, deterministic."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Iterator
from datetime import date

from config import DEFAULT_KECAMATAN
from domain.access import Role
from domain.register import read_header, template_columns
from domain.register_rows import RegisterRow, RowRules, read_row
from sample.people import PERSON_ID_BASE, sample_pengurus, sample_staff
from sample.register import JENIS_MIX_2019, SAMPLE_TODAY, generate_register, jenis_plan

ROWS = list(generate_register(800, 7))


def test_the_same_seed_gives_the_same_register_and_another_seed_another() -> None:
    assert list(generate_register(800, 7)) == ROWS
    assert list(generate_register(800, 8)) != ROWS


def test_the_jenis_follow_the_2019_mix_beside_a_quarter_of_village_cooperatives() -> None:
    kinds = Counter(row["jenis"] for row in ROWS)
    kdkmp = [row for row in ROWS if row["kelompok"] == "KDKMP"]
    assert 200 <= len(kdkmp) <= 330
    assert all(row["segmen"] == "kdkmp" and row["jenis"] == "serba_usaha" for row in kdkmp)
    regular = len(ROWS) - len(kdkmp)
    total = sum(JENIS_MIX_2019.values())
    for jenis, share in JENIS_MIX_2019.items():
        assert abs(kinds[jenis] - regular * share / total) <= 1, jenis
    assert Counter(row["bentuk"] for row in ROWS)["primer"] >= 0.95 * len(ROWS)


def test_the_plan_scales_exactly() -> None:
    plan = jenis_plan(100_000, random.Random(1))
    assert len(plan) == 100_000
    assert Counter(plan)["konsumen"] > Counter(plan)["simpan_pinjam"] > Counter(plan)["produsen"]


def test_keys_are_unique_and_nik_koperasi_has_16_digits() -> None:
    niks = [row["nik_koperasi"] for row in ROWS if row["nik_koperasi"]]
    legal = [row["no_badan_hukum"] for row in ROWS]
    assert len(set(niks)) == len(niks) > 500
    assert all(isinstance(nik, str) and nik.isdigit() and len(nik) == 16 for nik in niks)
    assert len(set(legal)) == len(legal) == len(ROWS)
    assert {row["kecamatan"] for row in ROWS} == set(DEFAULT_KECAMATAN)


def test_every_generated_row_passes_the_import_rules() -> None:
    names = [column.name for column in template_columns()]
    header = read_header(names)
    rules = RowRules(tuple(DEFAULT_KECAMATAN), SAMPLE_TODAY)
    for number, row in enumerate(ROWS, start=2):
        result = read_row(header, [row.get(name) for name in names], number, rules)
        assert isinstance(result, RegisterRow), (row, result)


def test_rat_history_is_mostly_held_in_the_first_quarter_with_missed_years() -> None:
    for year in (2023, 2024, 2025):
        held = [row[f"rat_{year}"] for row in ROWS if row[f"rat_{year}"]]
        assert all(isinstance(day, date) and day.year >= year for day in held)
        first_quarter = [day for day in held if isinstance(day, date) and day.month <= 3]
        assert len(first_quarter) > len(held) / 2
    never = [row for row in ROWS if not any(row[f"rat_{y}"] for y in (2023, 2024, 2025))]
    assert len(never) > 0.05 * len(ROWS)  # inactive cooperatives and the newest village ones


def test_a_large_register_streams() -> None:
    rows = generate_register(100_000, 7)
    assert isinstance(rows, Iterator)
    first = list(itertools.islice(rows, 3))
    assert len(first) == 3


def test_people_have_stand_in_ids_synthetic_names_and_cover_the_register() -> None:
    staff = sample_staff(7)
    officers = [person for person in staff if person.role is Role.PETUGAS]
    assert {k for person in officers for k in person.kecamatan} == set(DEFAULT_KECAMATAN)
    assert all(
        PERSON_ID_BASE < person.telegram_user_id < PERSON_ID_BASE + 10_000 for person in staff
    )
    board = list(sample_pengurus(ROWS, 7))
    keys = {row["nik_koperasi"] or row["no_badan_hukum"] for row in ROWS}
    assert 0.3 * len(ROWS) < len({person.koperasi_key for person in board}) < 0.4 * len(ROWS)
    assert all(person.koperasi_key in keys for person in board)
    ids = [person.telegram_user_id for person in [*staff, *board]]
    assert len(set(ids)) == len(ids)
    assert board == list(sample_pengurus(ROWS, 7))
