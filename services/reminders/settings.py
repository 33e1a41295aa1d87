"""The reminder settings a pass needs, gathered from the config sections they live in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from config import AppConfig
from domain.reminders import Entry, WorkingDays


@dataclass(frozen=True)
class ReminderSettings:
    """Calendar, working days, the region's day and sending window, bundling per person."""

    entries: tuple[Entry, ...]
    workdays: WorkingDays
    tz: ZoneInfo
    window_start: time
    window_end: time
    per_person_per_day: int = 1
    catch_up_days: int = 7
    digest_weekday: int = 0
    rollup_weekday: int = 0
    at_risk_days: int = 30

    @classmethod
    def from_config(cls, cfg: AppConfig) -> ReminderSettings:
        """From `[reminders]`, `[calendar]`, `[region]`, `[delivery]` and `[rat]`."""
        return cls(
            entries=cfg.reminders.calendar(),
            workdays=WorkingDays(cfg.calendar.holidays),
            tz=cfg.region.tz,
            window_start=cfg.delivery.window_start,
            window_end=cfg.delivery.window_end,
            per_person_per_day=cfg.reminders.per_person_per_day,
            catch_up_days=cfg.reminders.catch_up_days,
            digest_weekday=cfg.reminders.digest_weekday,
            rollup_weekday=cfg.reminders.rollup_weekday,
            at_risk_days=cfg.rat.at_risk_days,
        )

    def window(self, day: date) -> tuple[datetime, datetime]:
        """The sending window of `day` as UTC-comparable instants."""
        return (
            datetime.combine(day, self.window_start, tzinfo=self.tz),
            datetime.combine(day, self.window_end, tzinfo=self.tz),
        )

    def sending_day(self, today: date, now: datetime) -> date:
        """The working day whose sending window a pass for `today` queues its messages in:
        `today`, or — for a pass run after its window closed (a catch-up after 20:00, or after
        midnight) — the first working day after it whose window `now` has not passed, so no
        row is queued to expire unsent."""
        day = today
        while self.window(day)[1] <= now:
            day = self.workdays.next_working(day + timedelta(days=1))
        return day

    def planned(
        self, today: date, previous: date | None, now: datetime
    ) -> tuple[date, tuple[date, date]] | None:
        """Which day a run for `today` plans and the span it covers (None on a day off) —
        the one rule of the reminders pass and the weekly roll-up, so the admins' lines the
        pass leaves out are exactly those the roll-up carries.

        `previous`: the day of the last run. A run once `today`'s sending window has closed
        plans for the next working day instead (`sending_day`): its span reaches that day and
        its messages wait for that day's window."""
        if self.span(today, previous) is None:
            return None
        sending = self.sending_day(today, now)
        if sending != today:
            if previous is None:  # the dates of `today`'s own pass still need covering
                previous = self.workdays.previous_working(today)
            today = sending
        span = self.span(today, previous)
        return None if span is None else (today, span)

    def span(self, today: date, previous: date | None) -> tuple[date, date] | None:
        """The dates a pass on `today` covers: those after what the pass of `previous` (the
        last day planned) covered, at most `catch_up_days` back; None on a day off."""
        if not self.workdays.is_working(today):
            return None
        usual = self.workdays.previous_working(today) + timedelta(days=1)
        if previous is None or previous >= today:
            return usual, today
        covered = previous
        if not self.workdays.is_working(previous):
            covered = self.workdays.previous_working(previous)
        first = min(usual, covered + timedelta(days=1))
        return max(first, min(usual, today - timedelta(days=self.catch_up_days))), today
