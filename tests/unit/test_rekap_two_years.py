"""`/rekap 2025 2024` names two fiscal years: the bot says so instead of silently showing the
last one typed (found by QA)."""

from __future__ import annotations

import pytest

from domain.errors import InputError
from domain.rollup.access import parse_args

NAMES = ["Kraksaan", "Sumber & <Rejo>", "Tiris"]


def test_two_different_years_are_refused() -> None:
    with pytest.raises(InputError) as refused:
        parse_args(["2025", "2024"], NAMES, 2025)
    assert refused.value.key == "rekap.args.bad_year"


def test_the_same_year_twice_is_that_year() -> None:
    assert parse_args(["2024", "Tiris", "2024"], NAMES, 2025).year == 2024
