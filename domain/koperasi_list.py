"""The cooperative list and card, as an officer or admin sees them: scope, filters, pages.

Pure: the caller passes `today`; the storage layer turns `ListCriteria` into SQL.

"Late" is any stored flag (docs/rules.md#late-and-at-risk). "At risk" uses stored columns: the
stage is still before SIAP_RAT and the current cycle's office target falls within the next
`AT_RISK_DAYS` days (a target already passed is "late", via TERLAMBAT_TARGET, not "at risk"),
or the activity status is RAWAN.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import TypeVar

from domain.access import Role, Viewer
from domain.errors import InputError
from domain.keys import N_
from domain.parsing import normalise_code
from domain.stages import STAGES

T = TypeVar("T")

STAGES_BEFORE_SIAP_RAT = STAGES[:2]
FLAGS = ("TERLAMBAT_TARGET", "TERLAMBAT_LAPOR", "LEWAT_BATAS_UU", "TIDAK_RAT")
ACTIVITY_RAWAN = "RAWAN"
AT_RISK_DAYS = 30

PAGE_SIZE = 10
MIN_SEARCH_CHARS = 2
# Lengths at which user-supplied values are cut in lists and cards, so a page fits 4096.
NAME_IN_LIST = 80
ADDRESS_IN_CARD = 300
BOARD_SHOWN = 10


def stage_of(tahap: str | None) -> str:
    """The stored stage, `BELUM_MULAI` when none was computed yet."""
    return tahap if tahap in STAGES else "BELUM_MULAI"


def flags_of(
    terlambat_target: bool, terlambat_lapor: bool, lewat_batas_uu: bool, tidak_rat: bool
) -> tuple[str, ...]:
    """The flag codes set among the four stored booleans, in the order of docs/rules.md#flags."""
    values = (terlambat_target, terlambat_lapor, lewat_batas_uu, tidak_rat)
    return tuple(code for code, value in zip(FLAGS, values, strict=True) if value)


def is_late(flags: Sequence[str]) -> bool:
    """Late = any flag (docs/rules.md#late-and-at-risk)."""
    return bool(flags)


def at_risk_until(today: date) -> date:
    """The last office-target date that still makes a cooperative "at risk" today."""
    return today + timedelta(days=AT_RISK_DAYS)


def is_at_risk(
    tahap: str | None, status_aktivitas: str | None, target_date: date | None, today: date
) -> bool:
    """At risk: before SIAP_RAT with the office target within 30 days, or activity RAWAN."""
    if status_aktivitas == ACTIVITY_RAWAN:
        return True
    if stage_of(tahap) not in STAGES_BEFORE_SIAP_RAT or target_date is None:
        return False
    return today <= target_date <= at_risk_until(today)


@dataclass(frozen=True)
class KoperasiScope:
    """Which cooperatives a viewer may see: the region, or those assigned to one officer."""

    petugas_id: int | None = None

    @property
    def region(self) -> bool:
        """True for the whole region (admins)."""
        return self.petugas_id is None

    def covers(self, koperasi_petugas_id: int | None) -> bool:
        """Whether a cooperative assigned to `koperasi_petugas_id` is inside this scope."""
        return self.region or koperasi_petugas_id == self.petugas_id


def list_scope(viewer: Viewer) -> KoperasiScope | None:
    """The viewer's /koperasi scope (docs/rules.md#roles-and-scope); None: not allowed.

    Pimpinan read the whole region's cards (no actions: `card_actions` gives them none).
    """
    if viewer.has(Role.ADMIN, Role.PIMPINAN):
        return KoperasiScope()
    if viewer.has(Role.PETUGAS) and viewer.person_id is not None:
        return KoperasiScope(viewer.person_id)
    return None


_FILTER = re.compile(r"(?:d(?P<d>[0-9]{1,3}))?(?:t(?P<t>[0-9]))?(?P<l>l)?(?P<r>r)?(?P<q>q)?")
NO_FILTER_CODE = "-"


@dataclass(frozen=True)
class ListFilter:
    """The list's filters as a short code for callback data (`d3t1lrq`, `-` for none).

    `kecamatan` indexes the configured kecamatan list, `stage` indexes `STAGES`; `search`
    means "the person's last search", whose text stays in their search form session.
    """

    kecamatan: int | None = None
    stage: int | None = None
    late: bool = False
    at_risk: bool = False
    search: bool = False

    def encode(self) -> str:
        """The short code."""
        parts = [
            f"d{self.kecamatan}" if self.kecamatan is not None else "",
            f"t{self.stage}" if self.stage is not None else "",
            "l" if self.late else "",
            "r" if self.at_risk else "",
            "q" if self.search else "",
        ]
        return "".join(parts) or NO_FILTER_CODE

    @classmethod
    def decode(cls, code: str) -> ListFilter | None:
        """The filter of a code, or None for a malformed one."""
        if code == NO_FILTER_CODE:
            return cls()
        match = _FILTER.fullmatch(code)
        if match is None or not code:
            return None
        stage = int(match["t"]) if match["t"] is not None else None
        if stage is not None and stage >= len(STAGES):
            return None
        return cls(
            kecamatan=int(match["d"]) if match["d"] is not None else None,
            stage=stage,
            late=match["l"] is not None,
            at_risk=match["r"] is not None,
            search=match["q"] is not None,
        )

    @property
    def active(self) -> bool:
        """Whether any filter is set."""
        return self != ListFilter()

    def with_kecamatan(self, index: int | None) -> ListFilter:
        """The same filter for another kecamatan (None: every kecamatan)."""
        return replace(self, kecamatan=index)

    def with_stage(self, index: int | None) -> ListFilter:
        """The same filter for another stage (None: every stage)."""
        return replace(self, stage=index)

    def toggled_late(self) -> ListFilter:
        """Late only, or not any more."""
        return replace(self, late=not self.late)

    def toggled_at_risk(self) -> ListFilter:
        """At risk only, or not any more."""
        return replace(self, at_risk=not self.at_risk)


@dataclass(frozen=True)
class ListState:
    """Where a screen returns to: the list page and its filter."""

    page: int = 0
    filter: ListFilter = field(default_factory=ListFilter)


@dataclass(frozen=True)
class ListCriteria:
    """What the storage layer filters on; values resolved from a `ListFilter`."""

    today: date
    kecamatan: str | None = None
    stage: str | None = None
    late: bool = False
    at_risk: bool = False
    search: str | None = None  # a `search_key`


def criteria_for(
    list_filter: ListFilter, kecamatan: Sequence[str], search: str | None, today: date
) -> ListCriteria:
    """Resolves a filter against the configured kecamatan and the person's last search.

    An index outside the configured list (the configuration changed) filters nothing.
    """
    index = list_filter.kecamatan
    name = kecamatan[index] if index is not None and index < len(kecamatan) else None
    return ListCriteria(
        today=today,
        kecamatan=name,
        stage=STAGES[list_filter.stage] if list_filter.stage is not None else None,
        late=list_filter.late,
        at_risk=list_filter.at_risk,
        search=search_key(search) if list_filter.search and search else None,
    )


def search_key(text: str) -> str:
    """A typed search as matched: case-folded, without spaces, underscores or hyphens."""
    return normalise_code(text)


def check_search(text: str, answers: object = None) -> None:
    """Refuses a search too short to mean anything (a form validator)."""
    del answers
    if len(search_key(text)) < MIN_SEARCH_CHARS:
        raise InputError(N_("koperasi.search.too_short"), minimum=MIN_SEARCH_CHARS)


@dataclass(frozen=True)
class PageWindow:
    """One page of `total` items: which page (0-based, clamped), how many, the offset."""

    page: int
    pages: int
    total: int
    size: int = PAGE_SIZE

    @property
    def offset(self) -> int:
        """Rows to skip."""
        return self.page * self.size

    @property
    def has_previous(self) -> bool:
        """A page before this one exists."""
        return self.page > 0

    @property
    def has_next(self) -> bool:
        """A page after this one exists."""
        return self.page + 1 < self.pages

    def number(self, index: int) -> int:
        """The 1-based list number of the `index`-th item on this page."""
        return self.offset + index + 1


def page_window(total: int, requested: int, size: int = PAGE_SIZE) -> PageWindow:
    """The page to show: `requested` clamped to the pages `total` items make (at least one)."""
    pages = max(1, -(-total // size))
    return PageWindow(page=min(max(requested, 0), pages - 1), pages=pages, total=total, size=size)


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis (before escaping, never after)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def split_shown(items: Sequence[T], limit: int) -> tuple[list[T], int]:
    """The first `limit` items and how many more were left out ("dan N lainnya")."""
    return list(items[:limit]), max(0, len(items) - limit)


@dataclass(frozen=True)
class BoardMember:
    """A person on the board: their name and jabatan only (never a phone or a username)."""

    person_id: int
    name: str | None
    jabatan: str | None


@dataclass(frozen=True)
class KoperasiCard:
    """What the cooperative card shows (docs/rules.md#columns; board, officer, stage, flags)."""

    id: int
    nama: str
    profile: dict[str, object]  # field name -> stored value, in display order
    kecamatan: str | None
    tahap: str
    flags: tuple[str, ...]
    petugas_id: int | None
    petugas_name: str | None
    board: tuple[BoardMember, ...]


@dataclass(frozen=True)
class CardActions:
    """The card's buttons the viewer may use (re-checked on the server when pressed)."""

    change_officer: bool
    remove_board: bool


def card_actions(viewer: Viewer, koperasi_petugas_id: int | None) -> CardActions:
    """Admins change the officer; the cooperative's officer or an admin removes members."""
    admin = viewer.has(Role.ADMIN)
    own = viewer.has(Role.PETUGAS) and koperasi_petugas_id == viewer.person_id
    return CardActions(change_officer=admin, remove_board=admin or own)
