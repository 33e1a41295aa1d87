"""The reminder planner: which calendar entries are due for a cooperative over a span of days.

A pass covers the dates whose reminders go out on one working day (everything dated after the
previous working day, up to that day: weekends and holidays roll forward), or several days'
spans joined when the job catches up after downtime. Each topic stops when its reason is gone
(`_still_needed`); nothing is due for a cooperative being dissolved. Pure: the span, the states
and the rules come in, reminders go out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta

from domain.rat.activity import BUBAR, DALAM_PEMBUBARAN, RAWAN
from domain.rat.calendar import FiscalYearEnd
from domain.reminders.calendar import Anchor, Entry, Topic
from domain.reminders.facts import CycleState, DigestCounts, KoperasiState, Reminder
from domain.stages import SIAP_RAT, STAGES

_DISSOLVING = frozenset({DALAM_PEMBUBARAN, BUBAR})
_READY_STAGES = frozenset(STAGES[STAGES.index(SIAP_RAT) :])
_BOOKS_ITEM, _INVITATIONS_ITEM = "A1", "A11"
_STATEMENT_ITEMS = frozenset({"A2", "A5"})


class Planner:
    """Plans the entries of one calendar; build it once per pass (it caches fiscal-year ends)."""

    def __init__(self, entries: Sequence[Entry], *, at_risk_days: int = 30) -> None:
        self._entries = tuple(entries)
        self._at_risk = timedelta(days=at_risk_days)
        self._fye_entries = tuple(e for e in self._entries if e.anchor is Anchor.FYE)
        self._planned = tuple(e for e in self._entries if e.anchor is Anchor.PLANNED)
        self._other = tuple(
            e for e in self._entries if e.anchor not in (Anchor.FYE, Anchor.PLANNED)
        )
        # Keyed by month and day: hashing the FiscalYearEnd dataclass cost more, per cooperative.
        self._fye_cache: dict[tuple[int, int, date, date], tuple[tuple[Entry, date], ...]]
        self._fye_cache = {}
        self._cycle_entries = tuple(e for e in self._other if e.anchor in _ANCHOR_FIELD)
        self._nik_entries = tuple(e for e in self._other if e.anchor is Anchor.NIK_EXPIRY)
        # Per span: the entries dated in it for a cycle's anchor dates, and for a NIK expiry.
        # Cooperatives share a few fiscal-year ends, so a pass meets few combinations.
        self._span: tuple[date, date] | None = None
        self._cycle_cache: dict[tuple[date | None, ...], tuple[tuple[Entry, date], ...]] = {}
        self._nik_cache: dict[date, tuple[tuple[Entry, date], ...]] = {}
        self._countdown_cache: dict[tuple[date, date | None], tuple[tuple[Entry, date], ...]]
        self._countdown_cache = {}

    def due(self, koperasi: KoperasiState, first: date, last: date) -> list[Reminder]:
        """The reminders dated in [first, last] (after rolling to a working day, the caller's
        span) whose reason still holds."""
        if koperasi.status_aktivitas in _DISSOLVING:
            return []
        self._spanned(first, last)
        # Each part appends to one list (no generators to chain): a pass calls this for
        # every cooperative.
        found: list[Reminder] = []
        self._from_fye(found, koperasi, first, last)
        cycle = koperasi.cycle
        if cycle is not None:
            self._from_cycle(found, koperasi, cycle, first, last)
            if cycle.planned_date is not None and cycle.held_date is None:
                self._countdown(found, koperasi, cycle, cycle.planned_date, first, last)
        if koperasi.nik_valid_until is not None:
            self._from_nik(found, koperasi, koperasi.nik_valid_until, first, last)
        return found

    def digest(self, koperasi: Iterable[KoperasiState], today: date) -> dict[int, DigestCounts]:
        """Per officer: their cooperatives that are late, and at risk (not yet SIAP_RAT with
        the office target `at_risk_days` away or less, or RAWAN)."""
        counts: dict[int, DigestCounts] = {}
        for item in koperasi:
            if item.petugas_id is None or item.status_aktivitas in _DISSOLVING:
                continue
            officer = counts.setdefault(item.petugas_id, DigestCounts())
            officer.late += item.late
            officer.at_risk += self._at_risk_now(item, today)
        return counts

    def _at_risk_now(self, item: KoperasiState, today: date) -> bool:
        if item.status_aktivitas == RAWAN:
            return True
        cycle = item.cycle
        if cycle is None or cycle.held_date is not None or item.tahap in _READY_STAGES:
            return False
        return cycle.target_date - today <= self._at_risk

    def _from_fye(
        self, found: list[Reminder], koperasi: KoperasiState, first: date, last: date
    ) -> None:
        cycle = koperasi.cycle
        for entry, year_end in self._fye_dates(koperasi.fye, first, last):
            own = cycle if cycle is not None and cycle.fiscal_year_end == year_end else None
            if _still_needed(entry.topic, own):
                cycle_id = own.cycle_id if own is not None else None
                dated = year_end + timedelta(days=entry.days)
                found.append(Reminder(entry, koperasi.koperasi_id, cycle_id, dated))

    def _fye_dates(
        self, fye: FiscalYearEnd, first: date, last: date
    ) -> tuple[tuple[Entry, date], ...]:
        """(entry, fiscal-year end) of the FYE entries dated in [first, last]; few distinct
        fiscal-year ends exist, so a pass over every cooperative computes each once."""
        key = (fye.month, fye.day, first, last)
        cached = self._fye_cache.get(key)
        if cached is None:
            pairs = []
            for entry in self._fye_entries:
                low, high = first - timedelta(entry.days), last - timedelta(entry.days)
                for year in range(low.year, high.year + 1):
                    if low <= (year_end := fye.in_year(year)) <= high:
                        pairs.append((entry, year_end))
            cached = self._fye_cache[key] = tuple(pairs)
        return cached

    def _spanned(self, first: date, last: date) -> None:
        """Forgets the dated entries of another span."""
        if self._span != (first, last):
            self._span = (first, last)
            self._cycle_cache.clear()
            self._nik_cache.clear()
            self._countdown_cache.clear()

    def _from_cycle(
        self,
        found: list[Reminder],
        koperasi: KoperasiState,
        cycle: CycleState,
        first: date,
        last: date,
    ) -> None:
        anchors = (cycle.target_date, cycle.report_deadline, cycle.statutory_limit)
        key = (*anchors, cycle.held_date)
        dated_entries = self._cycle_cache.get(key)
        if dated_entries is None:
            pairs = []
            for entry in self._cycle_entries:
                anchor = _anchor_date(entry.anchor, cycle)
                if anchor is not None and first <= anchor + timedelta(entry.days) <= last:
                    pairs.append((entry, anchor + timedelta(entry.days)))
            dated_entries = self._cycle_cache[key] = tuple(pairs)
        for entry, dated in dated_entries:
            if _still_needed(entry.topic, cycle, koperasi.tahap):
                found.append(Reminder(entry, koperasi.koperasi_id, cycle.cycle_id, dated))

    def _countdown(
        self,
        found: list[Reminder],
        koperasi: KoperasiState,
        cycle: CycleState,
        planned: date,
        first: date,
        last: date,
    ) -> None:
        """Reminders before the planned RAT date (not held yet). A date set (or moved) so late
        that some are already past — or dated that very day, whose morning pass ran before the
        date was set — gets the latest of those the day after it was set, not all of them."""
        key = (planned, cycle.planned_set_on)
        dated_entries = self._countdown_cache.get(key)
        if dated_entries is None:
            dated_entries = self._countdown_cache[key] = _countdown_dates(
                self._planned, planned, cycle.planned_set_on, first, last
            )
        for entry, dated in dated_entries:
            if _still_needed(entry.topic, cycle):
                found.append(Reminder(entry, koperasi.koperasi_id, cycle.cycle_id, dated))

    def _from_nik(
        self,
        found: list[Reminder],
        koperasi: KoperasiState,
        valid_until: date,
        first: date,
        last: date,
    ) -> None:
        dated_entries = self._nik_cache.get(valid_until)
        if dated_entries is None:
            pairs = []
            for entry in self._nik_entries:
                dated = valid_until + timedelta(days=entry.days)
                if first <= dated <= last:
                    pairs.append((entry, dated))
            dated_entries = self._nik_cache[valid_until] = tuple(pairs)
        for entry, dated in dated_entries:
            found.append(Reminder(entry, koperasi.koperasi_id, None, dated))


def _countdown_dates(
    entries: tuple[Entry, ...], planned: date, set_on: date | None, first: date, last: date
) -> tuple[tuple[Entry, date], ...]:
    """(entry, date it is for) of the countdown entries going out in [first, last] for a RAT
    planned on `planned`, the date recorded on `set_on`: one that was already past (or dated
    that very day) when the date was recorded goes out the day after, and only the latest of
    those."""
    dated_entries = [(e, planned + timedelta(days=e.days)) for e in entries]
    missed = [(e, d) for e, d in dated_entries if set_on is not None and d <= set_on < planned]
    latest_missed = max(missed, key=lambda pair: pair[1], default=None)
    pairs = []
    for entry, dated in dated_entries:
        when = dated
        if (entry, dated) in missed:
            if (entry, dated) != latest_missed:
                continue
            when = set_on + timedelta(days=1) if set_on is not None else dated
        if first <= when <= last:
            pairs.append((entry, dated))
    return tuple(pairs)


#: The cycle's date each cycle-anchored entry counts from (the NIK expiry is the cooperative's).
_ANCHOR_FIELD = {
    Anchor.TARGET: "target_date",
    Anchor.REPORT: "report_deadline",
    Anchor.STATUTORY: "statutory_limit",
    Anchor.HELD: "held_date",
}


def _anchor_date(anchor: Anchor, cycle: CycleState) -> date | None:
    """The cycle's date an entry counts from; None for an anchor that is not the cycle's."""
    field = _ANCHOR_FIELD.get(anchor)
    return None if field is None else getattr(cycle, field)


def _still_needed(topic: Topic, cycle: CycleState | None, tahap: str | None = None) -> bool:
    """Whether the topic's reason still holds for the cycle (None: its cycle has not started,
    so nothing of it is done)."""
    if cycle is None:
        return True
    return not _REASON_GONE.get(topic, _held)(cycle, tahap)


def _held(cycle: CycleState, _tahap: str | None) -> bool:
    return cycle.held_date is not None


#: When each topic's reason is gone; topics not listed stop once the RAT is held.
_REASON_GONE: dict[Topic, Callable[[CycleState, str | None], bool]] = {
    Topic.BOOKS_CLOSE: lambda c, t: _BOOKS_ITEM in c.done or _held(c, t),
    Topic.SEASON_OPEN: lambda c, t: c.planned_date is not None or _held(c, t),
    Topic.STATEMENTS: lambda c, t: c.done >= _STATEMENT_ITEMS or _held(c, t),
    Topic.RAT_INVITE: lambda c, t: _INVITATIONS_ITEM in c.done or _held(c, t),
    Topic.VISIT_PROPOSAL: lambda c, t: t in _READY_STAGES or _held(c, t),
    Topic.MINUTES_UPLOAD: lambda c, _t: c.minutes_uploaded or c.reported_date is not None,
    Topic.REPORT_NUDGE: lambda c, _t: c.reported_date is not None,
    Topic.REPORT_PASSED: lambda c, _t: c.reported_date is not None,
    Topic.NIK_EXPIRY: lambda _c, _t: False,
}
