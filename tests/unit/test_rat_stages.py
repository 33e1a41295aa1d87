"""The stage of a cycle: the highest stage whose own condition holds (docs/rules.md#stages)."""

from __future__ import annotations

from datetime import date

import pytest

from config import RatConfig
from domain.rat.checklist import ChecklistSpec
from domain.stages import STAGES, CycleFacts, at_least, stage_for

POLICY = RatConfig().policy()
PLAIN = POLICY.checklist_spec(wajib_audit=False)
AUDITED = POLICY.checklist_spec(wajib_audit=True)
ALL_MANDATORY = dict.fromkeys(PLAIN.mandatory_codes, "selesai")
PLANNED = date(2026, 3, 20)
INVITED = date(2026, 3, 5)
HELD = date(2026, 3, 20)
REPORTED = date(2026, 4, 2)
ODS = date(2026, 4, 3)


@pytest.mark.parametrize(
    ("facts", "spec", "stage"),
    [
        (CycleFacts(), PLAIN, "BELUM_MULAI"),
        (CycleFacts({"A1": "proses"}), PLAIN, "BELUM_MULAI"),
        (CycleFacts({"A7": "selesai"}), PLAIN, "PERSIAPAN"),  # any item done
        (CycleFacts({"A7": "tidak_berlaku"}), PLAIN, "BELUM_MULAI"),
        (CycleFacts(ALL_MANDATORY), PLAIN, "PERSIAPAN"),  # no RAT date yet
        (CycleFacts(planned_date=PLANNED), PLAIN, "BELUM_MULAI"),
        (CycleFacts(ALL_MANDATORY, planned_date=PLANNED), PLAIN, "SIAP_RAT"),
        (
            CycleFacts({**ALL_MANDATORY, "A10": "tidak_berlaku"}, planned_date=PLANNED),
            PLAIN,
            "SIAP_RAT",
        ),
        # With an audit duty A3 is also needed.
        (CycleFacts(ALL_MANDATORY, planned_date=PLANNED), AUDITED, "PERSIAPAN"),
        (
            CycleFacts({**ALL_MANDATORY, "A3": "selesai"}, planned_date=PLANNED),
            AUDITED,
            "SIAP_RAT",
        ),
        # TERJADWAL needs A11 done and its date; the checklist need not be complete.
        (CycleFacts({"A11": "selesai"}, invitation_sent_date=INVITED), PLAIN, "TERJADWAL"),
        (CycleFacts({"A11": "selesai"}), PLAIN, "PERSIAPAN"),
        (CycleFacts(invitation_sent_date=INVITED), PLAIN, "BELUM_MULAI"),
        # A RAT held before the checklist was complete.
        (CycleFacts({"A1": "selesai"}, held_date=HELD), PLAIN, "RAT_TERLAKSANA"),
        (CycleFacts(held_date=HELD, reported_date=REPORTED), PLAIN, "DILAPORKAN"),
        # ODS counts only when an officer or an admin confirmed it.
        (
            CycleFacts(held_date=HELD, reported_date=REPORTED, ods_date=ODS),
            PLAIN,
            "DILAPORKAN",
        ),
        (
            CycleFacts(held_date=HELD, reported_date=REPORTED, ods_date=ODS, ods_confirmed=True),
            PLAIN,
            "TERINPUT_ODS",
        ),
        (CycleFacts(ods_confirmed=True), PLAIN, "BELUM_MULAI"),
        # A cycle seeded from the register's history: no checklist, a held date.
        (CycleFacts(held_date=HELD), ChecklistSpec(()), "RAT_TERLAKSANA"),
    ],
)
def test_the_stage_is_the_highest_whose_own_condition_holds(
    facts: CycleFacts, spec: ChecklistSpec, stage: str
) -> None:
    assert stage_for(facts, spec) == stage


def test_stages_are_ordered_lowest_first() -> None:
    assert STAGES[0] == "BELUM_MULAI"
    assert STAGES[-1] == "TERINPUT_ODS"
    assert at_least("DILAPORKAN", "RAT_TERLAKSANA")
    assert not at_least("SIAP_RAT", "TERJADWAL")
