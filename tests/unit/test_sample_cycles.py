"""Sample progress on current cycles: every stage reachable, always valid, same seed same data."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

from config import RatConfig
from domain.rat.koperasi import KoperasiFacts
from domain.rat.policy import new_cycle_rules
from domain.rat.validation import MilestoneDates, check_milestones
from domain.stages import STAGES, TERINPUT_ODS, CycleFacts, stage_for
from sample.cycles import SampleProgress, sample_progress

POLICY = RatConfig().policy()
RULES = new_cycle_rules(POLICY, KoperasiFacts().rules, 2025)
TODAY = date(2026, 11, 1)
MILESTONES = ("planned_date", "invitation_sent_date", "held_date", "reported_date", "ods_date")


def _draws(seed: int, held: date | None, *, can_confirm: bool = True) -> list[SampleProgress]:
    rng = random.Random(seed)
    return [sample_progress(rng, RULES, held, TODAY, can_confirm=can_confirm) for _ in range(400)]


def _dates(progress: SampleProgress, held: date | None = None) -> dict[str, date | None]:
    """The milestone dates recorded (the register's held date when given)."""
    values: dict[str, date | None] = {}
    for name in MILESTONES:
        value = progress.milestones.get(name)
        assert value is None or isinstance(value, date)
        values[name] = value
    if held is not None:
        values["held_date"] = held
    return values


def _stage(progress: SampleProgress, held: date | None) -> str:
    values = _dates(progress, held)
    check_milestones(MilestoneDates(**values), RULES.deadlines, TODAY)
    confirmed = values["ods_date"] is not None
    facts = CycleFacts(states=progress.states, ods_confirmed=confirmed, **values)
    return stage_for(facts, RULES.checklist)


def test_every_stage_is_reached_and_each_is_what_its_records_make_it() -> None:
    draws = _draws(7, None)
    assert {progress.stage for progress in draws} == set(STAGES)
    for progress in draws:
        assert _stage(progress, None) == progress.stage


def test_a_rat_the_register_records_is_kept_and_may_be_reported() -> None:
    held = date(2026, 2, 14)
    draws = _draws(3, held)
    assert {progress.stage for progress in draws} == set(STAGES[4:])
    for progress in draws:
        assert "held_date" not in progress.milestones
        assert _stage(progress, held) == progress.stage


def test_without_an_officer_nothing_is_confirmed_in_ods() -> None:
    assert all(p.stage != TERINPUT_ODS for p in _draws(7, None, can_confirm=False))


def test_the_same_seed_gives_the_same_progress() -> None:
    assert _draws(11, None) == _draws(11, None)
    assert _draws(11, None) != _draws(12, None)


def test_a_cycle_closed_just_before_today_still_gets_valid_dates() -> None:
    late = replace(RULES.deadlines, fiscal_year_end=date(2026, 10, 30))
    rules = replace(RULES, deadlines=late)
    rng = random.Random(5)
    for _ in range(200):
        progress = sample_progress(rng, rules, None, TODAY, can_confirm=True)
        check_milestones(MilestoneDates(**_dates(progress)), late, TODAY)
