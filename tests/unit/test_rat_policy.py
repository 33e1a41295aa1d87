"""The [rat] configuration, the frozen rules of a cycle, and recompute after a config change."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from config import ConfigError, RatBentukConfig, RatConfig, load_config, parse_config
from domain.rat.calendar import FiscalYearEnd, Offsets
from domain.rat.policy import CycleRules, KoperasiRules, new_cycle_rules, refresh_rules

D = date
POLICY = RatConfig().policy()
KOPERASI = KoperasiRules("primer", FiscalYearEnd(), wajib_audit=False)


def test_the_default_policy_is_domain_section_1() -> None:
    assert POLICY.offsets_for("primer") == Offsets(3, 4, 6)
    assert POLICY.offsets_for("sekunder") == Offsets(6, 6, 6)
    assert POLICY.late_rat_months == 18
    assert POLICY.at_risk_days == 30
    assert (POLICY.activity.rawan_missed, POLICY.activity.tidak_aktif_missed) == (2, 3)
    assert POLICY.audit_item == "A3"


def test_the_example_config_documents_the_defaults() -> None:
    example = Path(__file__).resolve().parents[2] / "config.example.toml"
    assert load_config(example, environ={}).rat == RatConfig()


def test_a_cycles_rules_round_trip_through_the_stored_columns() -> None:
    rules = new_cycle_rules(POLICY, KoperasiRules("sekunder", FiscalYearEnd(6, 30), True), 2025)
    fields = rules.stored_fields()
    assert fields["tahun_buku"] == 2025
    assert fields["target_date"] == D(2025, 12, 31)
    assert fields["checklist_spec"]["late_rat_months"] == 18
    dates = {name: value for name, value in fields.items() if isinstance(value, date)}
    assert CycleRules.from_stored(2025, dates, fields["checklist_spec"]) == rules
    record = rules.year_record(held=True)
    assert (record.fiscal_year_end, record.tidak_rat_date) == (D(2025, 6, 30), D(2026, 6, 30))


def test_a_cycle_seeded_from_the_register_reads_back_with_the_default_window() -> None:
    seeded = new_cycle_rules(POLICY, KOPERASI, 2024).deadlines.stored_fields()
    rules = CycleRules.from_stored(2024, seeded, {"source": "impor"})
    assert rules.deadlines.latest_rat_date == D(2026, 6, 30)
    assert rules.checklist.codes == ()


def test_a_cycle_keeps_its_rules_until_an_explicit_recompute() -> None:
    created = new_cycle_rules(POLICY, KOPERASI, 2025)
    changed = RatConfig(
        primer=RatBentukConfig(target_months=2, report_months=3, statutory_months=6),
        mandatory=["A1", "A2", "A4", "A5", "A6", "A7", "A8", "A10"],
        late_rat_months=12,
    ).policy()
    daily = refresh_rules(created, changed, KOPERASI, apply_config=False)
    assert daily == created
    explicit = refresh_rules(created, changed, KOPERASI, apply_config=True)
    assert explicit.deadlines.target_date == D(2026, 2, 28)
    assert explicit.deadlines.report_deadline == D(2026, 3, 31)
    assert explicit.deadlines.latest_rat_date == D(2026, 12, 31)
    assert "A7" in explicit.checklist.mandatory_codes
    assert "A7" not in created.checklist.mandatory_codes


def test_an_audit_duty_set_later_reaches_the_cycle_through_the_recompute() -> None:
    created = new_cycle_rules(POLICY, KOPERASI, 2025)
    audited = KoperasiRules("primer", FiscalYearEnd(), wajib_audit=True)
    assert refresh_rules(created, POLICY, audited, apply_config=False).checklist == (
        created.checklist
    )
    recomputed = refresh_rules(created, POLICY, audited, apply_config=True)
    assert "A3" in recomputed.checklist.mandatory_codes


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ({"mandatory": ["A1", "A99"]}, "mandatory items not in the checklist: ['A99']"),
        ({"mandatory": ["A1", "A3"]}, "audit_item must be a checklist item"),
        ({"audit_item": "B1"}, "audit_item must be a checklist item"),
        ({"checklist": ["A1", "A1", "A3"], "mandatory": []}, "checklist items must be unique"),
        (
            {"rawan_missed_years": 3, "tidak_aktif_missed_years": 3},
            "rawan_missed_years must be less than tidak_aktif_missed_years",
        ),
        (
            {"primer": {"target_months": 7, "report_months": 7, "statutory_months": 6}},
            "target_months must not be after statutory_months",
        ),
        ({"late_rat_months": 48}, "rat.late_rat_months"),
        ({"sekunder": {"target_months": 6}}, "rat.sekunder.report_months"),
        ({"at_risk": 30}, "rat.at_risk: unknown key"),
    ],
)
def test_bad_rat_settings_name_the_problem(section: dict[str, object], problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"rat": section}, source="c.toml")
    assert any(problem in line and "rat" in line for line in caught.value.problems)
