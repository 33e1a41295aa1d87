"""The reminder planner by date: the default calendar, working days, reasons to stop."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from domain.rat.calendar import FiscalYearEnd
from domain.reminders import DEFAULT_ENTRIES, CycleState, KoperasiState, Planner, WorkingDays

# 2027: 1 Jan (Fri) and 17 Aug (Tue) are holidays in this table.
WORK = WorkingDays([date(2027, 1, 1), date(2027, 8, 17)])
PLANNER = Planner(DEFAULT_ENTRIES)

CYCLE_2026 = CycleState(
    cycle_id=7,
    fiscal_year_end=date(2026, 12, 31),
    target_date=date(2027, 3, 31),
    report_deadline=date(2027, 4, 30),
    statutory_limit=date(2027, 6, 30),
)
KOP = KoperasiState(koperasi_id=1, fye=FiscalYearEnd(), tahap="BELUM_MULAI", cycle=CYCLE_2026)


def due_on(day: date, koperasi: KoperasiState = KOP) -> list[str]:
    """The entry names a pass on `day` plans (nothing on a day off)."""
    span = WORK.dates_sent_on(day)
    if span is None:
        return []
    return sorted(r.entry.name for r in PLANNER.due(koperasi, *span))


def with_cycle(**changes: object) -> KoperasiState:
    return replace(KOP, cycle=replace(CYCLE_2026, **changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 2), ["books_close_60"]),  # 1 Nov is a Sunday: Monday 2 Nov
        (date(2026, 11, 1), []),  # Sunday: nothing goes out
        (date(2026, 12, 1), ["books_close_30"]),
        # 2 Jan 2027 is a Saturday (and 1 Jan a holiday): the season opens on Monday 4 Jan
        (date(2027, 1, 4), ["season_open"]),
        (date(2027, 1, 15), ["statements_15"]),
        (date(2027, 2, 1), ["statements_31"]),  # 31 Jan is a Sunday
        (date(2027, 3, 1), ["visit_proposal"]),
        (date(2027, 4, 1), ["target_passed"]),
        (date(2027, 5, 3), ["report_passed"]),  # 1 May is a Saturday
        (date(2027, 7, 1), ["statutory_passed"]),
        (date(2027, 7, 2), []),
    ],
)
def test_calendar_of_a_year_ending_31_december(day: date, expected: list[str]) -> None:
    assert due_on(day) == expected


def test_a_fiscal_year_ending_30_june_gets_its_own_calendar() -> None:
    cycle = CycleState(
        cycle_id=9,
        fiscal_year_end=date(2027, 6, 30),
        target_date=date(2027, 9, 30),
        report_deadline=date(2027, 10, 31),
        statutory_limit=date(2027, 12, 31),
    )
    koperasi = replace(KOP, fye=FiscalYearEnd(6, 30), cycle=cycle)
    assert due_on(date(2027, 5, 3), koperasi) == ["books_close_60"]  # 1 May is a Saturday
    assert due_on(date(2027, 7, 2), koperasi) == ["season_open"]
    assert due_on(date(2027, 7, 15), koperasi) == ["statements_15"]
    assert due_on(date(2027, 8, 18), koperasi) == []  # 31 Jul is long past; 17 Aug a holiday
    assert due_on(date(2027, 10, 1), koperasi) == ["target_passed"]
    assert due_on(date(2027, 1, 4), koperasi) == []  # nothing of the 31 Dec calendar


def test_the_countdown_follows_the_planned_date() -> None:
    koperasi = with_cycle(planned_date=date(2027, 3, 20))  # a Saturday
    assert due_on(date(2027, 2, 18), koperasi) == ["rat_minus_30"]
    assert due_on(date(2027, 3, 8), koperasi) == ["rat_minus_14"]  # 6 Mar is a Saturday
    assert due_on(date(2027, 3, 15), koperasi) == ["rat_minus_7"]  # 13 Mar is a Saturday
    assert due_on(date(2027, 3, 19), koperasi) == ["rat_minus_1"]


def test_a_moved_rat_date_plans_nothing_for_the_old_date_and_misses_nothing() -> None:
    # Planned for 20 Mar, moved on 10 Mar to 15 Apr: the old −7 and −1 never come.
    moved = with_cycle(planned_date=date(2027, 4, 15), planned_set_on=date(2027, 3, 10))
    assert due_on(date(2027, 3, 15), moved) == []
    assert due_on(date(2027, 3, 19), moved) == []
    assert due_on(date(2027, 3, 16), moved) == ["rat_minus_30"]
    # Brought forward on 10 Mar to 18 Mar: −30 and −14 are past; the latest (−14) goes out
    # the day after the date was set (that day's 07:00 pass had run before), beside the −7;
    # then −1 as usual.
    earlier = with_cycle(planned_date=date(2027, 3, 18), planned_set_on=date(2027, 3, 10))
    assert due_on(date(2027, 3, 10), earlier) == []
    assert due_on(date(2027, 3, 11), earlier) == ["rat_minus_14", "rat_minus_7"]
    assert due_on(date(2027, 3, 17), earlier) == ["rat_minus_1"]
    reminders = PLANNER.due(earlier, date(2027, 3, 11), date(2027, 3, 11))
    # Each its own day: its own key.
    assert sorted(r.dated for r in reminders) == [date(2027, 3, 4), date(2027, 3, 11)]


@pytest.mark.parametrize(
    ("changes", "day", "expected"),
    [
        ({"done": frozenset({"A1"})}, date(2026, 12, 1), []),  # the closing year's A1
        ({"planned_date": date(2027, 3, 20)}, date(2027, 1, 4), []),
        ({"done": frozenset({"A2", "A5"})}, date(2027, 1, 15), []),
        ({"done": frozenset({"A2"})}, date(2027, 1, 15), ["statements_15"]),
        ({"held_date": date(2027, 3, 25)}, date(2027, 4, 1), []),
        ({"held_date": date(2027, 3, 25)}, date(2027, 7, 1), []),
        ({"reported_date": date(2027, 4, 20)}, date(2027, 5, 3), []),
    ],
)
def test_each_kind_stops_when_its_reason_is_gone(
    changes: dict[str, object], day: date, expected: list[str]
) -> None:
    assert due_on(day, with_cycle(**changes)) == expected


def test_the_books_nudge_stops_when_the_closing_year_has_a_done_a1() -> None:
    cycle_2027 = replace(
        CYCLE_2026,
        cycle_id=8,
        fiscal_year_end=date(2027, 12, 31),
        done=frozenset({"A1"}),
    )
    assert due_on(date(2027, 12, 1), replace(KOP, cycle=cycle_2027)) == []


def test_invitations_stop_when_a11_is_done() -> None:
    planned = {"planned_date": date(2027, 3, 20)}
    assert due_on(date(2027, 3, 8), with_cycle(**planned, done=frozenset({"A11"}))) == []


def test_after_the_rat_the_minutes_and_report_nudges_until_reported() -> None:
    held = with_cycle(held_date=date(2027, 3, 24))
    assert due_on(date(2027, 3, 25), held) == ["minutes_upload"]
    assert due_on(date(2027, 4, 7), held) == ["report_nudge_14"]
    assert due_on(date(2027, 4, 23), held) == ["report_nudge_30"]
    reported = with_cycle(held_date=date(2027, 3, 24), reported_date=date(2027, 4, 1))
    assert due_on(date(2027, 4, 7), reported) == []
    uploaded = with_cycle(held_date=date(2027, 3, 24), minutes_uploaded=True)
    assert due_on(date(2027, 3, 25), uploaded) == []


def test_visit_proposal_only_for_cooperatives_not_yet_ready() -> None:
    assert due_on(date(2027, 3, 1), replace(KOP, tahap="SIAP_RAT")) == []
    assert due_on(date(2027, 3, 1), replace(KOP, tahap="PERSIAPAN")) == ["visit_proposal"]


def test_nik_certificate_expiry_sixty_days_before() -> None:
    koperasi = replace(KOP, nik_valid_until=date(2027, 10, 30))
    assert due_on(date(2027, 8, 31), koperasi) == ["nik_expiry"]


@pytest.mark.parametrize("status", ["BUBAR", "DALAM_PEMBUBARAN"])
def test_nothing_for_a_cooperative_being_dissolved(status: str) -> None:
    koperasi = replace(KOP, status_aktivitas=status, nik_valid_until=date(2027, 10, 30))
    for day in (date(2026, 12, 1), date(2027, 4, 1), date(2027, 7, 1), date(2027, 8, 31)):
        assert due_on(day, koperasi) == []


def test_every_date_goes_out_exactly_once_over_a_year() -> None:
    """Joined spans of the working days cover every day once: nothing lost, nothing twice."""
    koperasi = with_cycle(planned_date=date(2027, 3, 20))
    seen: list[str] = []
    day = date(2026, 10, 1)
    while day <= date(2027, 9, 30):
        seen.extend(due_on(day, koperasi))
        day += timedelta(days=1)
    assert sorted(seen) == sorted(
        [
            "books_close_60", "books_close_30", "statements_15", "statements_31",
            "rat_minus_30", "rat_minus_14", "rat_minus_7", "rat_minus_1", "visit_proposal",
            "target_passed", "report_passed", "statutory_passed",
        ]
    )  # fmt: skip


def test_the_weekly_digest_counts_each_officers_late_and_at_risk() -> None:
    """At risk: not yet SIAP_RAT with the office target 30 days away or less, or RAWAN."""
    mine = [
        replace(KOP, koperasi_id=1, petugas_id=5, late=True),
        replace(KOP, koperasi_id=2, petugas_id=5, tahap="SIAP_RAT"),
        replace(KOP, koperasi_id=3, petugas_id=5, status_aktivitas="RAWAN"),
        replace(KOP, koperasi_id=4, petugas_id=6, status_aktivitas="BUBAR", late=True),
        replace(KOP, koperasi_id=5, petugas_id=None, late=True),
    ]
    counts = PLANNER.digest(mine, date(2027, 3, 1))  # the target (31 Mar) is 30 days away
    assert sorted(counts) == [5]
    assert (counts[5].late, counts[5].at_risk) == (1, 2)
    assert PLANNER.digest(mine, date(2027, 2, 28))[5].at_risk == 1  # only the RAWAN one
