"""The configured RAT rules (`RatPolicy`) and the frozen rules of one cycle (`CycleRules`).

A cycle keeps the deadlines and checklist it was created with: `CycleRules` is
built once from the policy and stored (deadline columns and `checklist_spec`); afterwards it
is read back with `CycleRules.from_stored`, and changed configuration reaches it only through
`refresh_rules(..., apply_config=True)`, which the explicit recompute calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from domain.rat.calendar import Deadlines, FiscalYearEnd, Offsets, add_months, deadlines_for
from domain.rat.checklist import AuditRule, ChecklistSpec, checklist_for
from domain.rat.years import YearRecord

PRIMER = "primer"
SEKUNDER = "sekunder"
DEFAULT_LATE_RAT_MONTHS = 18


@dataclass(frozen=True)
class ActivityThresholds:
    """Consecutive missed due years that make a cooperative RAWAN, then TIDAK_AKTIF."""

    rawan_missed: int = 2
    tidak_aktif_missed: int = 3


@dataclass(frozen=True)
class RatPolicy:
    """Every configurable RAT rule (config `[rat]`), with DOMAIN's defaults."""

    offsets: Mapping[str, Offsets]  # per bentuk; an unknown bentuk gets the primer offsets
    checklist: tuple[str, ...]
    mandatory: frozenset[str]
    audit_item: str
    audit_rule: AuditRule
    activity: ActivityThresholds
    at_risk_days: int = 30
    late_rat_months: int = DEFAULT_LATE_RAT_MONTHS
    # A RAT the office's own register records counts as reported to the office.
    register_rat_reported: bool = True

    def offsets_for(self, bentuk: str | None) -> Offsets:
        """The deadline offsets of a bentuk (primer when unknown)."""
        return self.offsets.get(bentuk or PRIMER) or self.offsets[PRIMER]

    def checklist_spec(self, wajib_audit: bool) -> ChecklistSpec:
        """The checklist a new cycle of a cooperative gets."""
        return self._specs[wajib_audit]

    @cached_property
    def _specs(self) -> tuple[ChecklistSpec, ChecklistSpec]:
        """The two possible checklists (without and with an audit duty), built once."""
        plain = checklist_for(self.checklist, self.mandatory, self.audit_item, wajib_audit=False)
        audited = checklist_for(self.checklist, self.mandatory, self.audit_item, wajib_audit=True)
        return plain, audited


@dataclass(frozen=True)
class KoperasiRules:
    """The cooperative's own fields that shape its cycles' rules."""

    bentuk: str | None
    fye: FiscalYearEnd
    wajib_audit: bool


@dataclass(frozen=True)
class CycleRules:
    """The deadlines and checklist of one cycle, frozen at its creation."""

    tahun_buku: int
    deadlines: Deadlines
    checklist: ChecklistSpec

    def stored_fields(self) -> dict[str, Any]:
        """The stored cycle's columns: the deadline dates and `checklist_spec`."""
        dates = self.deadlines
        late_months = _months_between(dates.fiscal_year_end, dates.latest_rat_date)
        spec = {**self.checklist.to_json(), "late_rat_months": late_months}
        return {
            "tahun_buku": self.tahun_buku,
            **self.deadlines.stored_fields(),
            "checklist_spec": spec,
        }

    def year_record(self, held: bool) -> YearRecord:
        """This cycle's own dates for the current-cycle rule (`koperasi_state(stored=...)`)."""
        dates = self.deadlines
        return YearRecord(self.tahun_buku, dates.fiscal_year_end, dates.tidak_rat_date, held)

    @classmethod
    def from_stored(
        cls, tahun_buku: int, dates: Mapping[str, date], checklist_spec: Mapping[str, Any]
    ) -> CycleRules:
        """The rules of a stored cycle; `dates` holds the five deadline columns by name."""
        late_months = checklist_spec.get("late_rat_months", DEFAULT_LATE_RAT_MONTHS)
        year_end = dates["fiscal_year_end"]
        deadlines = Deadlines(
            fiscal_year_end=year_end,
            target_date=dates["target_date"],
            report_deadline=dates["report_deadline"],
            statutory_limit=dates["statutory_limit"],
            tidak_rat_date=dates["tidak_rat_date"],
            latest_rat_date=add_months(year_end, int(late_months)),
        )
        return cls(tahun_buku, deadlines, ChecklistSpec.from_json(checklist_spec))


def _months_between(earlier: date, later: date) -> int:
    """Whole calendar months from `earlier` to `later` (the late-RAT window, kept in the spec)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def new_cycle_rules(policy: RatPolicy, koperasi: KoperasiRules, tahun_buku: int) -> CycleRules:
    """The rules a new cycle of tahun buku `tahun_buku` is created with."""
    offsets = policy.offsets_for(koperasi.bentuk)
    deadlines = deadlines_for(tahun_buku, koperasi.fye, offsets, policy.late_rat_months)
    return CycleRules(tahun_buku, deadlines, policy.checklist_spec(koperasi.wajib_audit))


def refresh_rules(
    stored: CycleRules, policy: RatPolicy, koperasi: KoperasiRules, *, apply_config: bool
) -> CycleRules:
    """The rules a stored cycle has after a recompute.

    The daily and per-change recompute pass `apply_config=False` and the cycle keeps what it
    was created with; only the explicit recompute (`bot.py recompute`) applies the current
    configuration and the cooperative's current bentuk, fiscal-year end and audit duty.
    Checklist states are kept by item code; items no longer in the spec are simply not shown.
    """
    if not apply_config:
        return stored
    return new_cycle_rules(policy, koperasi, stored.tahun_buku)
