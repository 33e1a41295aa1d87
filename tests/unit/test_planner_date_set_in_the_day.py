"""A RAT date set (or moved) during a working day, after that day's 07:00 planner pass: the
countdown reminder it made overdue still goes out, on the next pass (found by QA)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from domain.rat.calendar import FiscalYearEnd
from domain.reminders import DEFAULT_ENTRIES, CycleState, KoperasiState, Planner, WorkingDays

WORK = WorkingDays()
PLANNER = Planner(DEFAULT_ENTRIES)
CYCLE = CycleState(
    cycle_id=7,
    fiscal_year_end=date(2026, 12, 31),
    target_date=date(2027, 3, 31),
    report_deadline=date(2027, 4, 30),
    statutory_limit=date(2027, 6, 30),
)
KOP = KoperasiState(koperasi_id=1, fye=FiscalYearEnd(), tahap="PERSIAPAN", cycle=CYCLE)


def passes(first: date, last: date, koperasi: KoperasiState) -> list[tuple[date, str]]:
    """What the daily passes of the working days first..last plan, by day."""
    out = []
    day = first
    while day <= last:
        span = WORK.dates_sent_on(day)
        if span is not None:
            out += [(day, r.entry.name) for r in PLANNER.due(koperasi, *span)]
        day = date.fromordinal(day.toordinal() + 1)
    return out


def test_a_date_set_after_the_mornings_pass_still_gets_the_overdue_countdown() -> None:
    # Wednesday 10 Mar 2027, 10:00: the board sets the RAT for Thursday 18 Mar. That morning's
    # pass saw no date. The −30 (16 Feb) and −14 (4 Mar, invitations) are already past.
    before = PLANNER.due(KOP, date(2027, 3, 10), date(2027, 3, 10))
    assert [r.entry.name for r in before] == []
    planned = replace(
        KOP, cycle=replace(CYCLE, planned_date=date(2027, 3, 18), planned_set_on=date(2027, 3, 10))
    )
    sent = passes(date(2027, 3, 11), date(2027, 3, 18), planned)
    assert (date(2027, 3, 11), "rat_minus_14") in sent
    assert [name for _, name in sent].count("rat_minus_14") == 1
    assert "rat_minus_30" not in [name for _, name in sent]


def test_an_entry_dated_the_day_the_date_is_set_is_not_lost() -> None:
    # Thursday 4 Mar 2027, 15:00: the RAT is set for 18 Mar, whose −14 is 4 Mar itself.
    planned = replace(
        KOP, cycle=replace(CYCLE, planned_date=date(2027, 3, 18), planned_set_on=date(2027, 3, 4))
    )
    sent = passes(date(2027, 3, 5), date(2027, 3, 18), planned)
    assert [name for _, name in sent].count("rat_minus_14") == 1


def test_a_date_set_on_friday_goes_out_on_monday() -> None:
    # Friday 12 Mar, afternoon: the RAT is set for 26 Mar, whose −14 is that Friday.
    planned = replace(
        KOP, cycle=replace(CYCLE, planned_date=date(2027, 3, 26), planned_set_on=date(2027, 3, 12))
    )
    sent = passes(date(2027, 3, 13), date(2027, 3, 26), planned)
    assert (date(2027, 3, 15), "rat_minus_14") in sent
