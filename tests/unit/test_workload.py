"""Officers' workload and the reassignment rules, on a fixture counted by hand."""

from __future__ import annotations

from datetime import date

from domain.workload import (
    AssignVia,
    KoperasiFacts,
    Reassignment,
    Workload,
    named,
    reassignments,
    tally,
)

TODAY = date(2027, 3, 1)
SOON, LATER = date(2027, 3, 20), date(2027, 6, 30)


def test_tally_matches_the_hand_count() -> None:
    officers = [(1, "Ani"), (2, "Budi"), (3, None)]
    facts = [
        # Ani: 4 cooperatives; late: k1, k2; at risk: k3 (target soon), k4 (RAWAN, also late)
        KoperasiFacts(1, "PERSIAPAN", None, LATER, ("TERLAMBAT_TARGET",), frozenset({10})),
        KoperasiFacts(1, "BELUM_MULAI", None, None, ("TIDAK_RAT", "LEWAT_BATAS_UU")),
        KoperasiFacts(1, "BELUM_MULAI", None, SOON, (), frozenset({10, 11})),
        KoperasiFacts(1, "SIAP_RAT", "RAWAN", SOON, ("TERLAMBAT_LAPOR",)),
        # Budi: 1 cooperative, ready, nothing to report
        KoperasiFacts(2, "SIAP_RAT", "AKTIF_RAT", SOON),
        # the admins' queue and an unknown officer count for nobody
        KoperasiFacts(None, "BELUM_MULAI", "RAWAN", SOON, ("TIDAK_RAT",), frozenset({12})),
        KoperasiFacts(99, "BELUM_MULAI", None, SOON),
    ]
    loads = tally(officers, facts, TODAY)
    assert loads[1] == Workload(1, "Ani", koperasi=4, late=3, at_risk=2, unreachable=2)
    assert loads[2] == Workload(2, "Budi", koperasi=1)
    assert loads[3] == Workload(3, None)  # an officer with nothing yet still shows
    assert set(loads) == {1, 2, 3}


def test_reassignments_leave_out_what_does_not_change() -> None:
    current = {5: None, 3: 7, 4: 8}
    changes = reassignments(current, 8)
    assert changes == [Reassignment(3, 7, 8), Reassignment(5, None, 8)]
    assert reassignments({3: 8}, 8) == []  # a repeated request records nothing twice
    assert reassignments({3: 8, 4: None}, None) == [Reassignment(3, 8, None)]


def test_audit_details_hold_ids_and_codes_only() -> None:
    details = Reassignment(3, 7, None).audit_details(AssignVia.DEACTIVATE)
    assert details == {"old_petugas_id": 7, "new_petugas_id": None, "via": "deactivate"}


def test_named_matches_a_name_fragment_ignoring_case_and_spaces() -> None:
    loads = [Workload(1, "Ani Lestari"), Workload(2, "Budi"), Workload(3, None)]
    assert [w.person_id for w in named(loads, "ani les")] == [1]
    assert [w.person_id for w in named(loads, "I")] == [1, 2]
    assert named(loads, "  ") == []
