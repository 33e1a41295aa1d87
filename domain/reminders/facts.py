"""What the planner reads about a cooperative and its current cycle, and what it produces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.rat.calendar import FiscalYearEnd
from domain.reminders.calendar import Audience, Entry


@dataclass(frozen=True, slots=True)
class CycleState:
    """The current RAT cycle as far as reminders care (stored columns only).

    `planned_set_on`: the day the current planned date was recorded, if known, so a date set
    or moved late still gets the countdown reminder it would otherwise have missed.
    `done`: the checklist items done or not applicable.
    """

    cycle_id: int
    fiscal_year_end: date
    target_date: date
    report_deadline: date
    statutory_limit: date
    planned_date: date | None = None
    held_date: date | None = None
    reported_date: date | None = None
    minutes_uploaded: bool = False
    planned_set_on: date | None = None
    done: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class KoperasiState:
    """A cooperative as the planner sees it."""

    koperasi_id: int
    fye: FiscalYearEnd
    tahap: str
    status_aktivitas: str | None = None
    late: bool = False
    nik_valid_until: date | None = None
    petugas_id: int | None = None
    cycle: CycleState | None = None
    reporting_system: str = "ods"  # "simkopdes" for KDKMP (`domain.rat.checklist`)


@dataclass(frozen=True, slots=True)
class Reminder:
    """One calendar entry due for one cooperative; `dated` is the day it is for (before the
    move to a working day), so the same entry for another RAT date is another reminder."""

    entry: Entry
    koperasi_id: int
    cycle_id: int | None
    dated: date

    def key(self, audience: Audience, recipient: int | str) -> str:
        """The reminder's identity for one recipient: kind, cooperative, cycle, entry, day."""
        cycle = self.cycle_id if self.cycle_id is not None else "-"
        return (
            f"{self.entry.topic}:{self.koperasi_id}:{cycle}:{self.entry.name}:"
            f"{audience}:{recipient}:{self.dated.isoformat()}"
        )


@dataclass
class DigestCounts:
    """A weekly digest's counts: an officer's cooperatives."""

    late: int = 0
    at_risk: int = 0
