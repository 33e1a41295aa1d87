"""The roll-up's pure rules: ratios and "—", adding segments, snapshots round-tripping, targets
per kecamatan, the cut-offs and snapshots due, /rekap's arguments, who sees which view."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from domain.access import Role, RoleGrant, Viewer
from domain.callbacks import RekapButton
from domain.delivery import MAX_CAPTION
from domain.errors import InputError
from domain.rat.calendar import Offsets
from domain.rollup import Counts, Targets, TargetSet, cutoffs_for, metrics_of, ratio
from domain.rollup.access import (
    may_remind,
    parse_args,
    rollup_filter,
    snapshot_scope,
    splits_for,
)
from domain.rollup.counts import with_total
from domain.rollup.period import default_period, periods_around, snapshots_due
from domain.rollup.split import Group, RollupFilter, Split
from services.reminders.rollup import with_reminders

PRIMER = Offsets(3, 4, 6)
NAMES = ["Kraksaan", "Kotaanyar", "Maron"]


def _viewer(role: Role, person_id: int = 5) -> Viewer:
    return Viewer(1, 1, person_id, frozenset({RoleGrant(role)}))


def test_a_ratio_without_a_denominator_is_none_not_zero() -> None:
    assert ratio(1, 3) == Fraction(1, 3)
    assert ratio(0, 0) is None
    m = metrics_of(Counts(registered=4, base=3, active=3, held=0))
    assert m.aktif == 1
    assert m.reporting is None  # nothing held: "—"
    assert m.compliance["target"] is None  # nobody obliged yet
    assert m.median_answer_seconds is None


def test_segments_add_up_to_the_total_and_survive_json() -> None:
    reguler = Counts(registered=5, held=2, stages={"PERSIAPAN": 2}, answer_seconds=(60.0,))
    kdkmp = Counts(registered=2, held=1, stages={"PERSIAPAN": 1, "SIAP_RAT": 1})
    total = with_total({"reguler": reguler, "kdkmp": kdkmp})["total"]
    assert (total.registered, total.held) == (7, 3)
    assert dict(total.stages) == {"PERSIAPAN": 3, "SIAP_RAT": 1}
    assert total.answer_seconds == (60.0,)
    assert Counts.from_json(total.to_json()) == total
    assert Counts.from_json({"registered": 3, "unknown_later_field": 1}).registered == 3


def test_kecamatan_targets_fall_back_to_the_regency_key_by_key() -> None:
    targets = Targets(
        TargetSet(rat_target=Fraction(3, 5), aktif=Fraction(4, 5)),
        {"Maron": TargetSet(rat_target=Fraction(9, 10))},
    )
    maron = targets.for_kecamatan("Maron")
    assert (maron.rat_target, maron.aktif) == (Fraction(9, 10), Fraction(4, 5))
    assert targets.for_kecamatan("Tiris") == targets.regency
    assert targets.for_kecamatan(None).get("report") is None


def test_cut_offs_periods_and_the_snapshots_due() -> None:
    cutoffs = cutoffs_for(2025, PRIMER, 18)
    assert cutoffs.date_of("target") == date(2026, 3, 31)
    assert cutoffs.date_of("report") == date(2026, 4, 30)
    assert cutoffs.date_of("statutory") == date(2026, 6, 30)
    assert cutoffs.date_of("season_end") == date(2026, 12, 31)
    assert default_period(date(2026, 7, 15)) == 2025
    assert periods_around(date(2026, 1, 1)) == (2025, 2024, 2023)
    years = [cutoffs_for(2024, PRIMER, 18), cutoffs]
    assert snapshots_due(date(2026, 3, 31), years, set()) == []  # the cut-off's own day
    assert snapshots_due(date(2026, 4, 1), years, set()) == [(2025, "target")]
    assert snapshots_due(date(2026, 4, 1), years, {(2025, "target")}) == []  # never twice
    assert snapshots_due(date(2026, 4, 14), years, set()) == [(2025, "target")]  # caught up
    assert snapshots_due(date(2026, 4, 16), years, set()) == []  # too late to be that day's
    assert snapshots_due(date(2026, 1, 1), years, set()) == [(2024, "season_end")]


def test_arguments_give_a_year_and_a_kecamatan_in_any_order() -> None:
    assert parse_args([], NAMES, 2025).year is None
    args = parse_args(["Kota", "Anyar", "2024"], NAMES, 2025)
    assert (args.year, args.kecamatan) == (2024, 2)
    assert parse_args(["maron"], NAMES, 2025).kecamatan == 3
    with pytest.raises(InputError) as bad_year:
        parse_args(["2026"], NAMES, 2025)
    assert bad_year.value.key == "rekap.args.bad_year"
    with pytest.raises(InputError) as bad_place:
        parse_args(["Atlantis"], NAMES, 2025)
    assert bad_place.value.key == "rekap.args.bad_kecamatan"


def test_who_sees_which_view() -> None:
    admin, boss, ani = _viewer(Role.ADMIN), _viewer(Role.PIMPINAN), _viewer(Role.PETUGAS, 7)
    assert rollup_filter(admin, 0, Group(), NAMES) == RollupFilter()
    assert rollup_filter(ani, 3, Group(), NAMES) == RollupFilter(7, "Maron")
    assert rollup_filter(ani, 0, Group(Split.PETUGAS, 8), NAMES) is None  # another officer
    assert rollup_filter(ani, 0, Group(Split.PETUGAS, 7), NAMES) is not None
    assert rollup_filter(admin, 4, Group(), NAMES) is None  # no such kecamatan
    assert rollup_filter(admin, 0, Group(Split.JENIS, 99), NAMES) is None
    assert rollup_filter(_viewer(Role.PENGURUS), 0, Group(), NAMES) is None
    assert [may_remind(v) for v in (admin, boss, ani)] == [True, False, False]
    assert Split.PETUGAS in splits_for(boss)
    assert Split.PETUGAS not in splits_for(ani)


def test_which_views_have_snapshots() -> None:
    assert snapshot_scope(RollupFilter()) == ("regency", None)
    assert snapshot_scope(RollupFilter(kecamatan="Maron")) == ("kecamatan", "Maron")
    assert snapshot_scope(RollupFilter(7)) == ("petugas", "7")
    assert snapshot_scope(RollupFilter(split=Split.KECAMATAN, key="Maron")) == (
        "kecamatan",
        "Maron",
    )
    assert snapshot_scope(RollupFilter(split=Split.PETUGAS, key=9)) == ("petugas", "9")
    assert snapshot_scope(RollupFilter(split=Split.PETUGAS, key=0)) is None
    assert snapshot_scope(RollupFilter(7, "Maron")) is None
    assert snapshot_scope(RollupFilter(split=Split.JENIS, key="jasa")) is None


@pytest.mark.parametrize(
    "data",
    [
        "rk:d:2025:r:0:n:0:-:0",  # a drill-down without a measure
        "rk:s:2025:r:0:n:0:akt:0",  # a split named by a measure
        "rk:c:2025:r:0:n:0:akt:0",  # a card with an argument
        "rk:c:2025:r:0:n:3:-:0",  # no split but a value
        "rk:c:1999:r:0:n:0:-:0",  # a year before 2000
        "rk:c:2025:x:0:n:0:-:0",  # no such segment
    ],
)
def test_rekap_buttons_whose_parts_do_not_belong_together_are_none(data: str) -> None:
    assert RekapButton.decode(data) is None


def test_reminders_go_in_the_caption_when_they_fit_else_follow_as_text() -> None:
    assert with_reminders("Rekap", None) == ("Rekap", None)
    assert with_reminders("Rekap", "Pengingat") == ("Rekap\n\nPengingat", None)
    long = "x" * (MAX_CAPTION - len("Rekap\n\n") + 1)
    assert with_reminders("Rekap", long) == ("Rekap", long)
    exact = long[:-1]
    assert with_reminders("Rekap", exact) == (f"Rekap\n\n{exact}", None)
    # Telegram counts an emoji as two: a caption of 1,024 characters with one is too long.
    emoji = "😀" + exact[1:]
    assert with_reminders("Rekap", emoji) == ("Rekap", emoji)
