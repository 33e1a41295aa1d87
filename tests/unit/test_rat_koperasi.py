"""A cooperative's RAT standing, whole: KDKMP formed mid-year, secondary, BUBAR, a late RAT."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from config import RatConfig
from domain.rat.assess import assess_cycle
from domain.rat.calendar import FiscalYearEnd
from domain.rat.koperasi import KoperasiFacts, koperasi_state, local_date
from domain.rat.policy import new_cycle_rules
from domain.stages import CycleFacts

D = date
POLICY = RatConfig().policy()
WIB = ZoneInfo("Asia/Jakarta")


def test_the_day_is_the_regions_date() -> None:
    """17:30 UTC on 31 Dec is already 1 Jan in WIB: fiscal year 2025 has closed."""
    today = local_date(datetime(2025, 12, 31, 17, 30, tzinfo=UTC), WIB)
    assert today == D(2026, 1, 1)
    assert FiscalYearEnd().latest_closed(today) == 2025


def test_a_village_cooperative_formed_mid_2025_is_baru_then_works_on_2026() -> None:
    kdkmp = KoperasiFacts(tgl_badan_hukum=D(2025, 7, 21))
    season = koperasi_state(kdkmp, POLICY, D(2026, 3, 1))
    assert (season.status_aktivitas, season.current_tahun_buku) == ("BARU", None)
    assert season.late_years == ()
    next_year = koperasi_state(kdkmp, POLICY, D(2027, 4, 1))
    assert next_year.status_aktivitas == "AKTIF_RAT"
    assert next_year.current_tahun_buku == 2026
    rules = new_cycle_rules(POLICY, kdkmp.rules, 2026)
    assessed = assess_cycle(
        rules, CycleFacts(), D(2027, 4, 1), activity="AKTIF_RAT", at_risk_days=30
    )
    assert assessed.flags.codes() == ("TERLAMBAT_TARGET",)


def test_a_secondary_cooperative_is_judged_on_its_own_deadlines() -> None:
    sekunder = KoperasiFacts(bentuk="sekunder", held={2024: D(2025, 6, 20)})
    state = koperasi_state(sekunder, POLICY, D(2026, 5, 1))
    assert (state.status_aktivitas, state.current_tahun_buku) == ("AKTIF_RAT", 2025)
    rules = new_cycle_rules(POLICY, sekunder.rules, 2025)
    assessed = assess_cycle(
        rules, CycleFacts(), D(2026, 5, 1), activity=state.status_aktivitas, at_risk_days=30
    )
    assert assessed.flags.codes() == ()
    assert not assessed.at_risk  # the target, 30 Jun, is 60 days away
    assert assessed.next_deadline is not None
    assert (assessed.next_deadline.kind, assessed.next_deadline.day) == ("target", D(2026, 6, 30))
    june = assess_cycle(
        rules, CycleFacts(), D(2026, 6, 1), activity=state.status_aktivitas, at_risk_days=30
    )
    assert june.at_risk
    july = assess_cycle(
        rules, CycleFacts(), D(2026, 7, 1), activity=state.status_aktivitas, at_risk_days=30
    )
    assert july.flags.codes() == ("TERLAMBAT_TARGET", "TERLAMBAT_LAPOR", "LEWAT_BATAS_UU")


def test_a_late_rat_for_a_missed_year_is_offered_then_counts_as_held() -> None:
    missed = KoperasiFacts(held={2023: D(2024, 3, 1)})
    before = koperasi_state(missed, POLICY, D(2026, 3, 1))
    assert before.current_tahun_buku == 2025
    assert before.late_years == (2024,)
    assert before.status_aktivitas == "AKTIF_BELUM_RAT"
    recorded = KoperasiFacts(held={2023: D(2024, 3, 1), 2024: D(2026, 2, 20)})
    after = koperasi_state(recorded, POLICY, D(2026, 3, 1))
    assert after.late_years == ()
    assert after.status_aktivitas == "AKTIF_RAT"
    assert (after.last_rat_tahun_buku, after.last_rat_date) == (2024, D(2026, 2, 20))


def test_a_dissolved_cooperative_keeps_its_status_and_is_offered_nothing() -> None:
    bubar = KoperasiFacts(status_aktivitas="BUBAR")
    state = koperasi_state(bubar, POLICY, D(2026, 3, 1))
    assert state.status_aktivitas == "BUBAR"
    assert state.late_years == ()
    assert state.stored_fields() == {
        "status_aktivitas": "BUBAR",
        "last_rat_tahun_buku": None,
        "last_rat_date": None,
    }
