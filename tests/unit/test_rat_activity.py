"""Activity status from the RAT history, the legal-entity date and configured thresholds."""

from __future__ import annotations

from datetime import date

import pytest

from domain.rat.activity import activity_status, is_obliged
from domain.rat.calendar import FiscalYearEnd
from domain.rat.policy import ActivityThresholds

D = date
DEC = FiscalYearEnd()
PROBOLINGGO = ActivityThresholds(rawan_missed=2, tidak_aktif_missed=3)
AFTER_LIMIT = D(2026, 8, 1)  # 2025 is due
IN_SEASON = D(2026, 3, 1)  # 2025 closed, 2024 the latest due


@pytest.mark.parametrize(
    ("today", "held", "legal_date", "history_from", "status"),
    [
        (AFTER_LIMIT, {2025}, None, None, "AKTIF_RAT"),
        (AFTER_LIMIT, {2024}, None, None, "AKTIF_BELUM_RAT"),
        (AFTER_LIMIT, {2023}, None, None, "RAWAN"),
        (AFTER_LIMIT, {2022}, None, None, "TIDAK_AKTIF"),
        (AFTER_LIMIT, set(), None, None, "TIDAK_AKTIF"),
        (AFTER_LIMIT, {2025, 2022}, None, None, "AKTIF_RAT"),
        # In season 2025 is not due yet: it is judged on 2024.
        (IN_SEASON, {2024}, None, None, "AKTIF_RAT"),
        (IN_SEASON, {2023}, None, None, "AKTIF_BELUM_RAT"),
        # A RAT already held for the latest closed year counts at once.
        (IN_SEASON, {2025}, None, None, "AKTIF_RAT"),
        # A late RAT recorded for a missed year counts as held for that year.
        (D(2027, 2, 1), {2025}, None, None, "AKTIF_RAT"),
        # Formed mid-2025: owes its first RAT for 2026, BARU until 2026 closes.
        (IN_SEASON, set(), D(2025, 7, 15), None, "BARU"),
        (D(2026, 12, 31), set(), D(2025, 7, 15), None, "BARU"),
        (D(2027, 3, 1), set(), D(2025, 7, 15), None, "AKTIF_RAT"),  # no due year missed yet
        (D(2027, 7, 1), set(), D(2025, 7, 15), None, "AKTIF_BELUM_RAT"),
        (D(2027, 7, 1), {2026}, D(2025, 7, 15), None, "AKTIF_RAT"),
        # Years before the history starts are not known to be missed.
        (AFTER_LIMIT, set(), None, 2024, "RAWAN"),
        (AFTER_LIMIT, set(), None, 2025, "AKTIF_BELUM_RAT"),
    ],
)
def test_activity_status_from_the_rat_history(
    today: date,
    held: set[int],
    legal_date: date | None,
    history_from: int | None,
    status: str,
) -> None:
    got = activity_status(
        today,
        DEC,
        held,
        statutory_months=6,
        thresholds=PROBOLINGGO,
        legal_date=legal_date,
        history_from=history_from,
    )
    assert got == status


@pytest.mark.parametrize("kept", ["BUBAR", "DALAM_PEMBUBARAN"])
def test_statuses_set_by_the_office_are_kept(kept: str) -> None:
    got = activity_status(
        AFTER_LIMIT, DEC, {2025}, statutory_months=6, thresholds=PROBOLINGGO, current=kept
    )
    assert got == kept


def test_a_cooperative_that_holds_a_rat_again_is_reactivated() -> None:
    got = activity_status(
        AFTER_LIMIT, DEC, {2025}, statutory_months=6, thresholds=PROBOLINGGO, current="TIDAK_AKTIF"
    )
    assert got == "AKTIF_RAT"


def test_thresholds_are_configurable() -> None:
    strict = ActivityThresholds(rawan_missed=1, tidak_aktif_missed=2)
    got = [
        activity_status(AFTER_LIMIT, DEC, held, statutory_months=6, thresholds=strict)
        for held in ({2024}, {2023})
    ]
    assert got == ["RAWAN", "TIDAK_AKTIF"]


def test_a_fiscal_year_ending_in_june_is_due_six_months_later() -> None:
    june = FiscalYearEnd(6, 30)
    got = activity_status(D(2026, 3, 1), june, {2024}, statutory_months=6, thresholds=PROBOLINGGO)
    assert got == "AKTIF_BELUM_RAT"


@pytest.mark.parametrize(
    ("status", "obliged"),
    [
        ("BARU", False),
        ("BUBAR", False),
        ("DALAM_PEMBUBARAN", False),
        ("AKTIF_RAT", True),
        ("RAWAN", True),
        ("TIDAK_AKTIF", True),
        (None, True),
    ],
)
def test_who_is_obliged_to_hold_a_rat(status: str | None, obliged: bool) -> None:
    assert is_obliged(status) is obliged
