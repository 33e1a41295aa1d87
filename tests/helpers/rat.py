"""The RAT standing of every stored cooperative computed from scratch, to compare with the stored.

Independent of the recompute's own code path (`domain.rat.recompute`, the repository): the
rows are read with plain selects and judged with the domain's building blocks directly.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from domain.rat.activity import is_obliged
from domain.rat.assess import assess_cycle
from domain.rat.calendar import FiscalYearEnd
from domain.rat.flags import Flags, cycle_flags, koperasi_flags
from domain.rat.koperasi import KoperasiFacts, koperasi_state
from domain.rat.policy import CycleRules, RatPolicy, new_cycle_rules
from domain.rat.years import first_owed_year, owes
from domain.stages import CycleFacts
from storage.tables import ChecklistEntry, Koperasi, RatCycle
from storage.uow import UnitOfWork

DATES = ("fiscal_year_end", "target_date", "report_deadline", "statutory_limit", "tidak_rat_date")
FLAGS = ("flag_terlambat_target", "flag_terlambat_lapor", "flag_lewat_batas_uu", "flag_tidak_rat")


@dataclass(frozen=True)
class Standing:
    """What should be stored for one cooperative: its columns and its cycles' (by year)."""

    koperasi: dict[str, object]
    cycles: dict[int, dict[str, object]]


async def stored_standing(uow: UnitOfWork) -> dict[int, Standing]:
    """What is stored, in the shape of `expected_standing`."""
    names = ("status_aktivitas", "last_rat_tahun_buku", "last_rat_date", "tahap", *FLAGS)
    rows = await uow.session.execute(select(Koperasi))
    cycles = await _cycles(uow)
    result = {}
    for (koperasi,) in rows:
        current = next(
            (c.tahun_buku for c in cycles[koperasi.id] if c.id == koperasi.current_rat_cycle_id),
            None,
        )
        values: dict[str, object] = {name: getattr(koperasi, name) for name in names}
        values["current_tahun_buku"] = current
        by_year = {
            c.tahun_buku: {"tahap": c.tahap, **{name: getattr(c, name) for name in FLAGS}}
            for c in cycles[koperasi.id]
        }
        result[koperasi.id] = Standing(values, by_year)
    return result


async def _cycles(uow: UnitOfWork) -> dict[int, list[RatCycle]]:
    by_koperasi: dict[int, list[RatCycle]] = defaultdict(list)
    for (cycle,) in await uow.session.execute(select(RatCycle)):
        by_koperasi[cycle.koperasi_id].append(cycle)
    return by_koperasi


async def expected_standing(
    uow: UnitOfWork, policy: RatPolicy, today: date
) -> dict[int, Standing]:
    """Every cooperative judged from scratch from its stored register fields and cycles."""
    states: dict[int, dict[str, str]] = defaultdict(dict)
    for cycle_id, code, status in await uow.session.execute(
        select(ChecklistEntry.rat_cycle_id, ChecklistEntry.item_code, ChecklistEntry.status)
    ):
        states[cycle_id][code] = status
    cycles = await _cycles(uow)
    result = {}
    for (koperasi,) in await uow.session.execute(select(Koperasi)):
        result[koperasi.id] = _judge(koperasi, cycles[koperasi.id], states, policy, today)
    return result


def _judge(
    koperasi: Koperasi,
    cycles: list[RatCycle],
    states: dict[int, dict[str, str]],
    policy: RatPolicy,
    today: date,
) -> Standing:
    fye = FiscalYearEnd(koperasi.fye_month, koperasi.fye_day)
    held = {c.tahun_buku: c.held_date for c in cycles if c.held_date is not None}
    facts = KoperasiFacts(
        bentuk=koperasi.bentuk,
        fye=fye,
        wajib_audit=koperasi.wajib_audit,
        tgl_badan_hukum=koperasi.tgl_badan_hukum,
        status_aktivitas=koperasi.status_aktivitas,
        held=held,
        history_from=koperasi.rat_history_from,
    )
    rules = {c.tahun_buku: _rules(c) for c in cycles}
    records = [rules[c.tahun_buku].year_record(c.held_date is not None) for c in cycles]
    state = koperasi_state(facts, policy, today, records)
    flags: dict[int, Flags] = {}
    by_year = {}
    for cycle in cycles:
        assessed = assess_cycle(
            rules[cycle.tahun_buku],
            _facts(cycle, states.get(cycle.id, {})),
            today,
            activity=state.status_aktivitas,
            at_risk_days=policy.at_risk_days,
            register_reported=policy.register_rat_reported,
        )
        flags[cycle.tahun_buku] = assessed.flags
        by_year[cycle.tahun_buku] = {"tahap": assessed.tahap, **assessed.flags.stored_fields()}
    values: dict[str, object] = {**state.stored_fields()}
    values["current_tahun_buku"] = current = state.current_tahun_buku
    if current is None:
        values.update({"tahap": "BELUM_MULAI", **Flags().stored_fields()})
        return Standing(values, by_year)
    previous = flags.get(current - 1)
    known = koperasi.rat_history_from is None or current - 1 >= koperasi.rat_history_from
    owed = owes(current - 1, first_owed_year(fye, koperasi.tgl_badan_hukum))
    if previous is None and owed and known:
        deadlines = new_cycle_rules(policy, facts.rules, current - 1).deadlines
        obliged = is_obliged(state.status_aktivitas)
        previous = cycle_flags(deadlines, None, None, today, obliged=obliged)
    current_flags = flags.get(current, Flags())
    values["tahap"] = by_year.get(current, {}).get("tahap")
    values.update(koperasi_flags(current_flags, previous).stored_fields())
    return Standing(values, by_year)


def _rules(cycle: RatCycle) -> CycleRules:
    dates = {name: getattr(cycle, name) for name in DATES}
    return CycleRules.from_stored(cycle.tahun_buku, dates, cycle.checklist_spec or {})


def _facts(cycle: RatCycle, states: dict[str, str]) -> CycleFacts:
    return CycleFacts(
        states=states,
        planned_date=cycle.planned_date,
        invitation_sent_date=cycle.invitation_sent_date,
        held_date=cycle.held_date,
        reported_date=cycle.reported_date,
        ods_date=cycle.ods_date,
        ods_confirmed=cycle.ods_confirmed_by_person_id is not None,
    )
