"""A cooperative's RAT standing on one day: activity, current cycle, last RAT, late years.

One call for the daily recompute and the per-change recompute: the service loads the
cooperative's fields and RAT history (held dates per tahun buku), calls `koperasi_state`,
then creates the current cycle if it is missing (`new_cycle_rules`) and assesses it
(`assess_cycle`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.rat.activity import SET_BY_OFFICE, activity_status
from domain.rat.calendar import FiscalYearEnd
from domain.rat.policy import KoperasiRules, RatPolicy
from domain.rat.years import YearRecord, current_tahun_buku_for, late_rat_years


def local_date(instant: datetime, tz: ZoneInfo) -> date:
    """The calendar date of an aware instant in the region's time zone (WIB)."""
    return instant.astimezone(tz).date()


@dataclass(frozen=True)
class KoperasiFacts:
    """The stored fields of a cooperative that its RAT standing depends on.

    `held` maps tahun buku to the date its RAT was held (late RATs included); `history_from`
    is the first tahun buku that history covers (None: complete).
    """

    bentuk: str | None = None
    fye: FiscalYearEnd = field(default_factory=FiscalYearEnd)
    wajib_audit: bool = False
    tgl_badan_hukum: date | None = None
    status_aktivitas: str | None = None
    held: Mapping[int, date] = field(default_factory=dict)
    history_from: int | None = None

    @property
    def rules(self) -> KoperasiRules:
        """The fields that shape a new cycle's rules."""
        return KoperasiRules(self.bentuk, self.fye, self.wajib_audit)


@dataclass(frozen=True)
class KoperasiState:
    """What is stored on the cooperative (besides the current cycle's stage and flags)."""

    status_aktivitas: str
    current_tahun_buku: int | None  # None while BARU: no owed year has closed
    last_rat_tahun_buku: int | None
    last_rat_date: date | None
    late_years: tuple[int, ...]  # missed years whose late RAT /lapor still offers (not BUBAR)

    def stored_fields(self) -> dict[str, object]:
        """The cooperative's stored columns this state sets."""
        return {
            "status_aktivitas": self.status_aktivitas,
            "last_rat_tahun_buku": self.last_rat_tahun_buku,
            "last_rat_date": self.last_rat_date,
        }


def koperasi_state(
    facts: KoperasiFacts, policy: RatPolicy, today: date, stored: Iterable[YearRecord] = ()
) -> KoperasiState:
    """The cooperative's RAT standing today; `stored` are its stored cycles' own dates."""
    statutory = policy.offsets_for(facts.bentuk).statutory_months
    status = activity_status(
        today,
        facts.fye,
        facts.held,
        statutory_months=statutory,
        thresholds=policy.activity,
        legal_date=facts.tgl_badan_hukum,
        history_from=facts.history_from,
        current=facts.status_aktivitas,
    )
    current = current_tahun_buku_for(today, facts.fye, facts.held, facts.tgl_badan_hukum, stored)
    late = late_rat_years(
        today,
        facts.fye,
        facts.held,
        current=current,
        late_rat_months=policy.late_rat_months,
        legal_date=facts.tgl_badan_hukum,
    )
    if status in SET_BY_OFFICE:
        late = ()
    last = max(facts.held.items()) if facts.held else (None, None)
    return KoperasiState(status, current, last[0], last[1], late)
