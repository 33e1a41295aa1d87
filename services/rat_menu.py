"""What the /lapor menu and its sub-flows read: the cooperative, its current cycle and states."""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields, replace
from datetime import date

from domain.rat.assess import from_register
from domain.rat.calendar import FiscalYearEnd
from domain.rat.checklist import ChecklistSpec, evidence_requested, reporting_system
from domain.rat.policy import CycleRules, KoperasiRules, RatPolicy
from domain.rat.recompute import plan_recompute
from domain.rat.report import DATE_FIELDS, HELD, MINUTES
from domain.rat.validation import MilestoneDates
from domain.rat.years import late_rat_years
from storage.repositories.rat_cycle import DEADLINE_COLUMNS, fiscal_year_end, stored_rules
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class ReportView:
    """A cooperative's current cycle as /lapor shows and validates it."""

    koperasi_id: int
    nama: str
    petugas_id: int | None
    quorum_rule: str | None
    evidence: bool  # whether item prompts ask for files (not for KDKMP)
    rules: CycleRules
    dates: MilestoneDates
    states: dict[str, str]  # empty when read without them (opening a sub-flow)
    minutes: bool
    late_years: tuple[int, ...]  # missed years whose late RAT can still be recorded
    koperasi_rules: KoperasiRules  # what a missed year's new cycle is built from
    system: str = "ods"  # where it reports: "simkopdes" for KDKMP (a label choice)

    @property
    def checklist(self) -> ChecklistSpec:
        """The cycle's items."""
        return self.rules.checklist

    def done(self) -> dict[str, bool]:
        """Which milestones are recorded."""
        found = {
            target: getattr(self.dates, column) is not None
            for target, column in DATE_FIELDS.items()
        }
        return {**found, HELD: self.dates.held_date is not None, MINUTES: self.minutes}


async def load_report(
    uow: UnitOfWork,
    koperasi_id: int,
    policy: RatPolicy,
    today: date,
    *,
    late: bool = True,
    states: bool = True,
) -> ReportView | None:
    """The cooperative's current cycle; None when it has none (or does not exist).

    `late`: find the missed years whose late RAT can be recorded (the menu, a late-RAT
    target), reading the cooperative as the recompute does (its cycles' states with it); a
    sub-flow of the current cycle reads only the current cycle's states, and `states=False`
    (opening a sub-flow, which validates against the cycle's dates) not even those.
    """
    found: dict[str, str] = {}
    if states:  # the cooperative, its cycle and the cycle's states, in one statement
        read = await uow.rat_report.report_with_states(koperasi_id)
        row, found = read if read is not None else (None, {})
    else:  # the cooperative and its cycle
        row = await uow.rat_report.report_row(koperasi_id)
    if row is None:
        return None
    dates_of = tuple(getattr(row, name) for name in DEADLINE_COLUMNS)
    rules = stored_rules(row.tahun_buku, dates_of, row.checklist_spec)
    late_years: tuple[int, ...] = ()
    fye = fiscal_year_end(row.fye_month, row.fye_day)
    if late and _may_have_late_years(
        row.tahun_buku, fye, row.tgl_badan_hukum, policy.late_rat_months, today
    ):
        # The recompute's own read: the current cycle's states come with it (the same).
        late_years, found = await _late_years(uow, koperasi_id, row.tahun_buku, policy, today)
    dates = MilestoneDates(**{f.name: getattr(row, f.name) for f in fields(MilestoneDates)})
    if policy.register_rat_reported and from_register(rules) and dates.reported_date is None:
        # A RAT the register records counts as reported, as its stage says (DILAPORKAN).
        dates = replace(dates, reported_date=dates.held_date)
    return ReportView(
        koperasi_id=row.id,
        nama=row.nama,
        petugas_id=row.petugas_id,
        quorum_rule=row.quorum_rule,
        evidence=evidence_requested(row.segmen),
        rules=rules,
        dates=dates,
        states=found,
        minutes=row.minutes_uploaded_at is not None,
        late_years=late_years,
        koperasi_rules=KoperasiRules(row.bentuk, fye, row.wajib_audit),
        system=reporting_system(row.segmen),
    )


# Remembered: the same few (year, year end, legal date) for every cooperative, on one day.
@functools.lru_cache(maxsize=4096)
def _may_have_late_years(
    current: int, fye: FiscalYearEnd, legal_date: date | None, late_rat_months: int, today: date
) -> bool:
    """Whether any year but the current cycle's is inside its late-RAT window today, as if no
    RAT had been held: most days none is (the window closes 18 months after a year's end),
    and the menu then needs neither the RAT history nor the recompute's rule."""
    years = late_rat_years(
        today,
        fye,
        (),
        current=current,
        late_rat_months=late_rat_months,
        legal_date=legal_date,
    )
    return bool(years)


async def _late_years(
    uow: UnitOfWork, koperasi_id: int, tahun_buku: int, policy: RatPolicy, today: date
) -> tuple[tuple[int, ...], dict[str, str]]:
    """The missed years /lapor offers a late RAT for (the recompute's own rule), and the
    checklist states of the cycle of `tahun_buku` (the current one), from the same read."""
    rats = await uow.rat_cycles.load([koperasi_id])
    if not rats:
        return (), {}
    cycle = rats[0].cycles.get(tahun_buku)
    states = dict(cycle.facts.states) if cycle is not None else {}
    return plan_recompute(rats[0], policy, today).state.late_years, states
