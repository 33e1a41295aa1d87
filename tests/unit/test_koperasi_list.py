"""The /koperasi list rules: scope, filter codes, pages, at risk, search, the card's actions."""

from __future__ import annotations

from datetime import date

import pytest

from domain.access import Role, RoleGrant, Viewer
from domain.errors import InputError
from domain.koperasi_list import (
    CardActions,
    KoperasiScope,
    ListFilter,
    card_actions,
    check_search,
    criteria_for,
    flags_of,
    is_at_risk,
    is_late,
    list_scope,
    page_window,
    search_key,
    shorten,
    split_shown,
    stage_of,
)
from domain.stages import STAGES

TODAY = date(2027, 3, 1)
KECAMATAN = ["Bantaran", "Kotaanyar", "Maron"]


def _viewer(*roles: Role, person_id: int | None = 7) -> Viewer:
    return Viewer(100, 100, person_id, frozenset(RoleGrant(role) for role in roles))


def test_admins_and_pimpinan_see_the_region_officers_their_own_others_nothing() -> None:
    assert list_scope(_viewer(Role.ADMIN)) == KoperasiScope()
    assert list_scope(_viewer(Role.ADMIN, Role.PETUGAS)) == KoperasiScope()
    assert list_scope(_viewer(Role.PETUGAS)) == KoperasiScope(7)
    assert list_scope(_viewer(Role.PIMPINAN)) == KoperasiScope()  # read-only: no card actions
    assert card_actions(_viewer(Role.PIMPINAN), 7) == CardActions(False, False)
    board = Viewer(100, 100, 7, frozenset({RoleGrant(Role.PENGURUS, 3)}))
    assert list_scope(board) is None
    assert list_scope(_viewer()) is None


def test_an_officers_scope_covers_only_their_cooperatives() -> None:
    mine = KoperasiScope(7)
    assert mine.covers(7)
    assert not mine.covers(8)
    assert not mine.covers(None)  # the admins' queue is not an officer's
    assert KoperasiScope().covers(None)
    assert KoperasiScope().covers(8)


@pytest.mark.parametrize(
    ("list_filter", "code"),
    [
        (ListFilter(), "-"),
        (ListFilter(kecamatan=23), "d23"),
        (ListFilter(stage=6), "t6"),
        (ListFilter(kecamatan=2, stage=1, late=True, at_risk=True, search=True), "d2t1lrq"),
        (ListFilter(late=True, search=True), "lq"),
    ],
)
def test_filter_codes_are_short_and_round_trip(list_filter: ListFilter, code: str) -> None:
    assert list_filter.encode() == code
    assert ListFilter.decode(code) == list_filter


@pytest.mark.parametrize(
    "code", ["", "x", "t7", "ld1", "d1234", "rl", "qq", "d-1", "t 1", "d\u0663", "t\u00b2"]
)
def test_malformed_filter_codes_are_refused(code: str) -> None:
    assert ListFilter.decode(code) is None


def test_filter_changes_keep_the_rest() -> None:
    base = ListFilter(kecamatan=1, late=True)
    assert base.with_kecamatan(None) == ListFilter(late=True)
    assert base.with_stage(2) == ListFilter(kecamatan=1, stage=2, late=True)
    assert base.toggled_late() == ListFilter(kecamatan=1)
    assert base.toggled_at_risk().at_risk
    assert base.active
    assert not ListFilter().active


def test_criteria_resolve_indexes_and_the_last_search() -> None:
    criteria = criteria_for(
        ListFilter(kecamatan=1, stage=1, late=True, search=True), KECAMATAN, "Maju Jaya", TODAY
    )
    assert criteria.kecamatan == "Kotaanyar"
    assert criteria.stage == "PERSIAPAN"
    assert criteria.late
    assert criteria.search == "majujaya"
    # A kecamatan index beyond the configured list (config changed) and a search never made.
    stale = criteria_for(ListFilter(kecamatan=9, search=True), KECAMATAN, None, TODAY)
    assert stale.kecamatan is None
    assert stale.search is None


@pytest.mark.parametrize(
    ("total", "requested", "page", "pages", "offset"),
    [(0, 0, 0, 1, 0), (10, 0, 0, 1, 0), (11, 1, 1, 2, 10), (23, 5, 2, 3, 20), (23, -1, 0, 3, 0)],
)
def test_pages_are_clamped(total: int, requested: int, page: int, pages: int, offset: int) -> None:
    window = page_window(total, requested)
    assert (window.page, window.pages, window.offset) == (page, pages, offset)
    assert window.has_previous == (page > 0)
    assert window.has_next == (page + 1 < pages)


def test_list_numbers_continue_across_pages() -> None:
    window = page_window(23, 2)
    assert [window.number(i) for i in range(3)] == [21, 22, 23]


def test_stage_defaults_and_flags() -> None:
    assert stage_of(None) == "BELUM_MULAI"
    assert stage_of("GARBAGE") == "BELUM_MULAI"
    assert stage_of("DILAPORKAN") == "DILAPORKAN"
    assert STAGES.index("SIAP_RAT") == 2
    assert flags_of(True, False, True, False) == ("TERLAMBAT_TARGET", "LEWAT_BATAS_UU")
    assert is_late(("TIDAK_RAT",))
    assert not is_late(())


@pytest.mark.parametrize(
    ("tahap", "aktivitas", "target", "expected"),
    [
        ("BELUM_MULAI", None, date(2027, 3, 31), True),  # 30 days away: at risk
        ("PERSIAPAN", None, date(2027, 3, 1), True),  # today
        ("PERSIAPAN", None, date(2027, 4, 1), False),  # 31 days away
        ("PERSIAPAN", None, date(2027, 2, 28), False),  # passed: late, not at risk
        ("SIAP_RAT", None, date(2027, 3, 10), False),  # ready
        ("PERSIAPAN", None, None, False),  # no current cycle yet
        ("RAT_TERLAKSANA", "RAWAN", None, True),  # RAWAN is at risk whatever the stage
        (None, "AKTIF_RAT", date(2027, 3, 10), True),  # no stage computed yet = BELUM_MULAI
    ],
)
def test_at_risk(
    tahap: str | None, aktivitas: str | None, target: date | None, expected: bool
) -> None:
    assert is_at_risk(tahap, aktivitas, target, TODAY) is expected


def test_search_ignores_case_spaces_and_needs_two_characters() -> None:
    assert search_key(" Kota Anyar ") == "kotaanyar"
    assert search_key("KSU_Maju-Jaya") == "ksumajujaya"
    check_search("ab")
    with pytest.raises(InputError) as refused:
        check_search(" - a _ ")
    assert refused.value.key == "koperasi.search.too_short"


def test_long_values_are_cut_before_escaping() -> None:
    assert shorten("KSU Maju", 20) == "KSU Maju"
    assert shorten("A" * 30, 10) == "A" * 9 + "…"
    assert split_shown([1, 2, 3, 4], 3) == ([1, 2, 3], 1)
    assert split_shown([1], 3) == ([1], 0)


def test_card_actions_follow_role_and_assignment() -> None:
    admin = card_actions(_viewer(Role.ADMIN), None)
    assert (admin.change_officer, admin.remove_board) == (True, True)
    own = card_actions(_viewer(Role.PETUGAS), 7)
    assert (own.change_officer, own.remove_board) == (False, True)
    other = card_actions(_viewer(Role.PETUGAS), 8)
    assert (other.change_officer, other.remove_board) == (False, False)
