"""The checklist: items from config, A3 mandatory only with an audit duty, states, progress."""

from __future__ import annotations

from decimal import Decimal

import pytest

from config import RatConfig
from domain.errors import InputError
from domain.rat.checklist import (
    ChecklistSpec,
    check_item_state,
    derive_wajib_audit,
    evidence_requested,
    open_items,
    progress,
    reporting_system,
)

POLICY = RatConfig().policy()
PLAIN = POLICY.checklist_spec(wajib_audit=False)
AUDITED = POLICY.checklist_spec(wajib_audit=True)
BILLION = Decimal(1_000_000_000)


def test_the_checklist_has_a1_to_a14_and_a3_is_mandatory_only_with_an_audit_duty() -> None:
    assert PLAIN.codes == tuple(f"A{n}" for n in range(1, 15))
    assert PLAIN.mandatory_codes == ("A1", "A2", "A4", "A5", "A6", "A8", "A10")
    assert AUDITED.mandatory_codes == ("A1", "A2", "A3", "A4", "A5", "A6", "A8", "A10")


@pytest.mark.parametrize(
    ("states", "spec", "shown", "complete"),
    [
        ({}, PLAIN, (0, 7), False),
        ({"A1": "selesai", "A2": "proses", "A7": "selesai"}, PLAIN, (1, 7), False),
        (
            dict.fromkeys(("A1", "A2", "A4", "A5", "A6"), "selesai"),
            PLAIN,
            (5, 7),
            False,
        ),
        # Not applicable satisfies a mandatory item.
        (
            {**dict.fromkeys(PLAIN.mandatory_codes, "selesai"), "A5": "tidak_berlaku"},
            PLAIN,
            (7, 7),
            True,
        ),
        (dict.fromkeys(PLAIN.mandatory_codes, "selesai"), AUDITED, (7, 8), False),
        (dict.fromkeys(AUDITED.mandatory_codes, "selesai"), AUDITED, (8, 8), True),
        # States of items outside the cycle's spec do not count.
        ({"X9": "selesai"}, PLAIN, (0, 7), False),
    ],
)
def test_progress_counts_satisfied_mandatory_items(
    states: dict[str, str], spec: ChecklistSpec, shown: tuple[int, int], complete: bool
) -> None:
    got = progress(spec, states)
    assert (got.done, got.mandatory) == shown
    assert got.complete is complete


def test_progress_also_counts_every_item_done() -> None:
    got = progress(PLAIN, {"A7": "selesai", "A9": "selesai", "A1": "tidak_berlaku"})
    assert got.selesai_total == 2


def test_open_items_are_those_neither_done_nor_not_applicable() -> None:
    states = {"A1": "selesai", "A2": "proses", "A3": "tidak_berlaku"}
    assert open_items(PLAIN, states) == tuple(f"A{n}" for n in (2, *range(4, 15)))


@pytest.mark.parametrize(
    ("jenis", "capital", "wajib"),
    [
        ("simpan_pinjam", 5 * BILLION, True),
        ("simpan_pinjam", 5 * BILLION - 1, False),
        ("simpan_pinjam", None, False),
        ("konsumen", 50 * BILLION, False),
        (None, 50 * BILLION, False),
    ],
)
def test_an_audit_is_mandatory_for_savings_and_loans_with_5_billion_capital(
    jenis: str | None, capital: Decimal | None, wajib: bool
) -> None:
    assert derive_wajib_audit(jenis, capital, POLICY.audit_rule) is wajib


def test_the_audit_threshold_and_jenis_come_from_config() -> None:
    policy = RatConfig(audit_jenis=["simpan_pinjam", "serba_usaha"], audit_min_capital=1).policy()
    assert derive_wajib_audit("serba_usaha", Decimal(1), policy.audit_rule)


def test_the_spec_round_trips_through_its_stored_json() -> None:
    assert ChecklistSpec.from_json(AUDITED.to_json()) == AUDITED
    assert AUDITED.to_json()["items"][2] == {"code": "A3", "mandatory": True}


def test_a_cycle_seeded_from_the_register_history_has_no_checklist() -> None:
    spec = ChecklistSpec.from_json({"source": "impor"})
    assert spec.codes == ()
    assert progress(spec, {}).complete


def test_item_states_are_checked_against_the_cycles_items() -> None:
    assert check_item_state("tidak_berlaku", PLAIN, "A3") == "tidak_berlaku"
    with pytest.raises(InputError) as unknown_state:
        check_item_state("done", PLAIN, "A1")
    assert unknown_state.value.key == "rat.error.unknown_item_state"
    with pytest.raises(InputError) as unknown_item:
        check_item_state("selesai", PLAIN, "A15")
    assert unknown_item.value.key == "rat.error.unknown_item"
    assert unknown_item.value.params == {"item": "A15"}


def test_village_cooperatives_report_in_simkopdes_without_duplicate_uploads() -> None:
    assert not evidence_requested("kdkmp")
    assert evidence_requested("reguler")
    assert evidence_requested(None)
    assert reporting_system("kdkmp") == "simkopdes"
    assert reporting_system("reguler") == "ods"
