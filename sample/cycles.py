"""Current RAT cycles at every stage for the sample register, for tests and the sandbox.

After the register import (and `sample.people.seed_people`, so officers can confirm ODS
entries), `seed_cycles` recomputes every cooperative — which creates the missing current
cycles — and then records progress on each current cycle nobody has touched: checklist
states, a planned date and mode, invitations, a held RAT with its attendance, the report to
the office, the ODS entry confirmed by the cooperative's officer. A cycle whose RAT the
register already records keeps that date and may go on to be reported. The same register and
seed always give the same cycles; every date passes the milestone validation.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from domain.rat.checklist import INVITATIONS_ITEM, PROSES, SELESAI
from domain.rat.policy import CycleRules, RatPolicy
from domain.rat.recompute import StoredCycle, StoredRat
from domain.rat.validation import MODES, attendance
from domain.stages import (
    BELUM_MULAI,
    DILAPORKAN,
    PERSIAPAN,
    RAT_TERLAKSANA,
    SIAP_RAT,
    STAGES,
    TERINPUT_ODS,
    TERJADWAL,
    at_least,
)
from services.rat_recompute import BATCH_SIZE, recompute_after_import
from storage.uow import UnitOfWork

# Where untouched current cycles end up (weights), and those the register shows held.
STAGE_MIX = (
    (BELUM_MULAI, 25),
    (PERSIAPAN, 25),
    (SIAP_RAT, 12),
    (TERJADWAL, 10),
    (RAT_TERLAKSANA, 10),
    (DILAPORKAN, 10),
    (TERINPUT_ODS, 8),
)
HELD_MIX = ((RAT_TERLAKSANA, 40), (DILAPORKAN, 35), (TERINPUT_ODS, 25))
MODE_WEIGHTS = (70, 10, 15, 5)  # luring, daring, hybrid, tertulis


@dataclass(frozen=True)
class SampleProgress:
    """What is recorded on one cycle to bring it to `stage`."""

    stage: str
    milestones: Mapping[str, object] = field(default_factory=dict)  # rat_cycle columns
    states: Mapping[str, str] = field(default_factory=dict)  # checklist item -> state


def _pick(rng: random.Random, mix: tuple[tuple[str, int], ...], can_confirm: bool) -> str:
    stage = rng.choices([name for name, _ in mix], [weight for _, weight in mix])[0]
    return DILAPORKAN if stage == TERINPUT_ODS and not can_confirm else stage


def _between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def sample_progress(
    rng: random.Random,
    rules: CycleRules,
    held: date | None,
    today: date,
    *,
    can_confirm: bool,
    register_reported: bool = False,
) -> SampleProgress:
    """Progress for a current cycle (fiscal year closed before `today`); `held`: the register's.

    `can_confirm`: someone (the officer) can confirm the ODS entry, else it stops at
    DILAPORKAN. `register_reported`: a RAT the register records counts as reported
    (`[rat] register_rat_counts_as_reported`), so such a cycle is DILAPORKAN at least.
    """
    stage = _pick(rng, HELD_MIX if held is not None else STAGE_MIX, can_confirm)
    if held is not None and register_reported and stage == RAT_TERLAKSANA:
        stage = DILAPORKAN
    dates = rules.deadlines
    milestones: dict[str, object] = {}
    states = _checklist(rng, rules, stage) if held is None else {}
    if held is None and at_least(stage, SIAP_RAT):
        if at_least(stage, RAT_TERLAKSANA):
            last = min(today, dates.latest_rat_date)
            held = _between(rng, min(dates.fiscal_year_end + timedelta(days=20), last), last)
            milestones.update(_held(rng, held))
            planned = held
        else:
            planned = min(today + timedelta(days=rng.randint(3, 45)), dates.latest_rat_date)
        milestones["planned_date"] = planned
        milestones["mode"] = rng.choices(MODES, MODE_WEIGHTS)[0]
        if at_least(stage, TERJADWAL):
            sent = min(today, planned) - timedelta(days=rng.randint(0, 10))
            milestones["invitation_sent_date"] = max(sent, dates.fiscal_year_end)
    if held is not None and at_least(stage, DILAPORKAN):
        reported = min(today, held + timedelta(days=rng.randint(2, 30)))
        milestones["reported_date"] = reported
        if stage == TERINPUT_ODS:
            milestones["ods_date"] = min(today, reported + timedelta(days=rng.randint(0, 10)))
    return SampleProgress(stage, milestones, states)


def _checklist(rng: random.Random, rules: CycleRules, stage: str) -> dict[str, str]:
    """Item states: some mandatory items before SIAP_RAT, all of them from it on."""
    spec = rules.checklist
    if stage == BELUM_MULAI:
        return {}
    mandatory = list(spec.mandatory_codes)
    if stage == PERSIAPAN:
        done = rng.sample(mandatory, rng.randint(1, max(1, len(mandatory) - 1)))
        states = dict.fromkeys(done, SELESAI)
        rest = [code for code in spec.codes if code not in states]
        if rest:
            states[rng.choice(rest)] = PROSES
        return states
    states = dict.fromkeys(mandatory, SELESAI)
    if at_least(stage, TERJADWAL) and INVITATIONS_ITEM in spec.codes:
        states[INVITATIONS_ITEM] = SELESAI
    return states


def _held(rng: random.Random, held: date) -> dict[str, object]:
    """A held RAT: its date, attendance under the default rule, and the usual decisions."""
    registered = rng.randint(20, 900)
    present = rng.randint(registered // 3, registered)
    seen = attendance(registered, present, None)
    return {
        "held_date": held,
        "members_registered": seen.members_registered,
        "members_present": seen.members_present,
        "quorum_rule": seen.quorum_rule,
        "quorum_reached": seen.quorum_reached,
        "lpj_accepted": True,
        "statements_approved": True,
        "rapb_adopted": True,
        "shu_decided": rng.random() < 0.9,
        "elections_held": rng.random() < 0.2,
    }


def _untouched(rat: StoredRat) -> StoredCycle | None:
    """The current cycle if nothing was recorded on it yet (besides the register's RAT)."""
    current_id = rat.stored.get("current_rat_cycle_id")
    cycle = next((c for c in rat.cycles.values() if c.id == current_id), None)
    if cycle is None:
        return None
    facts = cycle.facts
    if facts.states or facts.planned_date or facts.reported_date or facts.ods_date:
        return None
    return cycle


async def seed_cycles(
    uow: UnitOfWork, policy: RatPolicy, *, today: date, now: datetime, seed: int
) -> Counter[str]:
    """Brings untouched current cycles to sample stages; how many cycles per stage.

    Writes a batch at a time and recomputes what it changed; the caller commits. Give it a
    background unit of work, as the import's.
    """
    await recompute_after_import(uow, policy, today, now=now)
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    stages: Counter[str] = Counter()
    after = 0
    repository = uow.rat_cycles
    while rats := await repository.next_batch(after=after, limit=BATCH_SIZE):
        officers = await repository.petugas_ids([rat.koperasi_id for rat in rats])
        changes, entries, touched = [], [], []
        for rat in rats:
            cycle = _untouched(rat)
            if cycle is None:
                continue
            officer = officers.get(rat.koperasi_id)
            progress = sample_progress(
                rng,
                cycle.rules,
                cycle.facts.held_date,
                today,
                can_confirm=officer is not None,
                register_reported=policy.register_rat_reported and not cycle.rules.checklist.items,
            )
            milestones = dict(progress.milestones)
            if progress.stage == TERINPUT_ODS:
                milestones["ods_confirmed_by_person_id"] = officer
            if milestones:
                changes.append((cycle.id, milestones))
            entries += [(cycle.id, code, state) for code, state in progress.states.items()]
            touched.append(rat.koperasi_id)
            stages[progress.stage] += 1
        await repository.update_cycles(changes, now=now)
        await repository.set_checklist_states(entries, now=now)
        await recompute_after_import(uow, policy, today, now=now, koperasi_ids=touched)
        after = rats[-1].koperasi_id
    return Counter({stage: stages[stage] for stage in STAGES if stages[stage]})
