"""Matching import rows against the stored register, and what each row would change.

A row updates the cooperative with its `nik_koperasi`, else the one with its `no_badan_hukum`;
pointing at two different cooperatives, repeating a key of another row of the file, or aiming
at the same cooperative as another row makes it invalid. Blank cells change nothing, so
importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from domain.errors import InputError
from domain.keys import N_
from domain.rat.validation import DEFAULT_QUORUM_RULE
from domain.register import AKTIF, COLUMNS, STATUS_KANTOR, Kind
from domain.register_dates import DEFAULT_FISCAL_YEAR_END, add_months
from domain.register_rows import RegisterRow, RowError
from domain.stages import STAGES

HELD_STAGE = "RAT_TERLAKSANA"
ACTIVITY = "status_aktivitas"
SET_BY_OFFICE = frozenset(STATUS_KANTOR) - {AKTIF}
# Koperasi attributes an import writes (akhir_tahun_buku is stored as month and day).
KOPERASI_FIELDS = (
    *(column.name for column in COLUMNS if column.kind is not Kind.FISCAL_YEAR_END),
    "fye_month",
    "fye_day",
    "wajib_audit",  # derived from jenis and modal_sendiri (domain.register_rows)
)
LAST_RAT_FIELDS = ("last_rat_tahun_buku", "last_rat_date")
# The first tahun buku the RAT history covers, over every import (docs/rules.md#the-register).
HISTORY_FROM = "rat_history_from"
# What a new cooperative gets where its row is blank (the columns' database defaults).
NEW_DEFAULTS: Mapping[str, object] = {
    "fye_month": 12,
    "fye_day": 31,
    "segmen": "reguler",
    "wajib_audit": False,
    "quorum_rule": DEFAULT_QUORUM_RULE,
}
# docs/rules.md#deadlines: default offsets from the fiscal-year end, in months: (primer, sekunder).
TARGET_MONTHS = (3, 6)
REPORT_MONTHS = (4, 6)
STATUTORY_MONTHS = 6
# Rows listed in "same as rows …" before the list is cut short.
ROWS_NAMED = 5


class Action(StrEnum):
    """What importing a row does."""

    ADD = "add"
    UPDATE = "update"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class KeyIndex:
    """The stored cooperatives' keys: NIK koperasi and legal number to id."""

    by_nik: Mapping[str, int]
    by_badan_hukum: Mapping[str, int]


def find_target(row: RegisterRow, index: KeyIndex) -> int | None:
    """The stored cooperative the row updates (None: a new one); InputError if two match."""
    by_nik = index.by_nik.get(row.nik_koperasi) if row.nik_koperasi else None
    by_badan_hukum = index.by_badan_hukum.get(row.no_badan_hukum) if row.no_badan_hukum else None
    if by_nik is not None and by_badan_hukum is not None and by_nik != by_badan_hukum:
        raise InputError(N_("impor.error.matches_two"))
    return by_nik if by_nik is not None else by_badan_hukum


_REPEAT_KEYS = {
    "nik_koperasi": N_("impor.error.duplicate_nik"),
    "no_badan_hukum": N_("impor.error.duplicate_badan_hukum"),
    "koperasi": N_("impor.error.same_koperasi"),
}


class FileKeys:
    """The keys and targets seen in the file, to refuse rows that repeat another row's."""

    def __init__(self) -> None:
        # Per kind of key: the first row with each value, and the rows of repeated values.
        self._first: dict[str, dict[object, int]] = {kind: {} for kind in _REPEAT_KEYS}
        self._repeated: dict[tuple[str, object], list[int]] = {}

    def add(self, row: RegisterRow, target: int | None) -> None:
        """Records the row's keys and the cooperative it updates."""
        keys = (
            ("nik_koperasi", row.nik_koperasi),
            ("no_badan_hukum", row.no_badan_hukum),
            ("koperasi", target),
        )
        for kind, value in keys:
            if value is None:
                continue
            first = self._first[kind].setdefault(value, row.row)
            if first != row.row:
                self._repeated.setdefault((kind, value), [first]).append(row.row)

    def errors(self) -> list[RowError]:
        """One error per row for each key it shares with other rows."""
        errors = []
        for (kind, _), rows in self._repeated.items():
            column = "nik_koperasi" if kind == "koperasi" else kind
            for row in rows:
                others = [str(other) for other in rows if other != row]
                named = ", ".join(others[:ROWS_NAMED]) + (
                    ", …" if len(others) > ROWS_NAMED else ""
                )
                errors.append(RowError(row, column, _REPEAT_KEYS[kind], {"rows": named}))
        return errors


@dataclass(frozen=True)
class StoredCycle:
    """A stored RAT cycle as the import sees it."""

    id: int
    held_date: date | None
    tahap: str


@dataclass(frozen=True)
class StoredKoperasi:
    """A stored cooperative's importable values, last RAT and cycles by tahun buku."""

    id: int
    values: Mapping[str, object]
    cycles: Mapping[int, StoredCycle] = field(default_factory=dict)


@dataclass(frozen=True)
class RowPlan:
    """What importing a row writes: koperasi values, new cycles and held dates of old ones."""

    action: Action
    koperasi_id: int | None
    values: Mapping[str, object]
    new_cycles: tuple[Mapping[str, object], ...] = ()
    held_updates: tuple[tuple[int, date, str], ...] = ()  # (cycle id, held date, tahap)


def plan_row(row: RegisterRow, stored: StoredKoperasi | None) -> RowPlan:
    """The writes of one valid row against the cooperative it matched (None: a new one)."""
    before: Mapping[str, object] = stored.values if stored is not None else NEW_DEFAULTS
    row = _office_status(row, before)
    merged = {**before, **row.values}
    cycles = stored.cycles if stored is not None else {}
    new_cycles, held_updates = [], []
    for year, held in sorted(row.rat_held.items()):
        cycle = cycles.get(year)
        if cycle is None:
            new_cycles.append(history_cycle(year, held, merged))
        elif cycle.held_date != held:
            held_updates.append((cycle.id, held, _at_least_held(cycle.tahap)))
    helds = {year: c.held_date for year, c in cycles.items() if c.held_date is not None}
    helds.update(row.rat_held)
    last = max(helds.items()) if helds else None
    if stored is None:
        values = {name: merged.get(name) for name in KOPERASI_FIELDS}
        values.update(zip(LAST_RAT_FIELDS, last or (None, None), strict=True))
        # Without a rat_<year> column, what the bot records from the import's year on.
        values[HISTORY_FROM] = row.history_from or row.imported_year
        return RowPlan(Action.ADD, None, values, tuple(new_cycles))
    changed = {
        name: value for name, value in row.values.items() if not same(before.get(name), value)
    }
    covered = history_from(before.get(HISTORY_FROM), row.history_from)
    if row.history_from is not None and covered != before.get(HISTORY_FROM):
        changed[HISTORY_FROM] = covered
    if (
        last is not None
        and (before.get("last_rat_tahun_buku"), before.get("last_rat_date")) != last
    ):
        changed.update(zip(LAST_RAT_FIELDS, last, strict=True))
    action = Action.UPDATE if changed or new_cycles or held_updates else Action.UNCHANGED
    return RowPlan(action, stored.id, changed, tuple(new_cycles), tuple(held_updates))


def _office_status(row: RegisterRow, before: Mapping[str, object]) -> RegisterRow:
    """`AKTIF` in the register clears a status the office set (DALAM_PEMBUBARAN, BUBAR) and
    leaves any other alone: the recompute decides it (docs/rules.md#the-register)."""
    if row.values.get(ACTIVITY) != AKTIF:
        return row
    values = dict(row.values)
    del values[ACTIVITY]
    if before.get(ACTIVITY) in SET_BY_OFFICE:
        values[ACTIVITY] = None
    return replace(row, values=values)


def history_from(stored: object, imported: int | None) -> int | None:
    """The first year the RAT history covers after an import: the earlier of what was
    covered before and the file's first `rat_<year>` column (an import never narrows it)."""
    if not isinstance(stored, int):
        return imported
    return stored if imported is None else min(stored, imported)


def same(stored: object, new: object) -> bool:
    """Whether a stored value equals an imported one (amounts compared to the sen)."""
    if isinstance(new, Decimal) and isinstance(stored, Decimal | int | float):
        return Decimal(str(stored)).quantize(Decimal("0.01")) == new.quantize(Decimal("0.01"))
    return stored == new


def _at_least_held(tahap: str) -> str:
    """A held RAT puts a cycle at RAT_TERLAKSANA at least (a later stage stays)."""
    if tahap in STAGES and STAGES.index(tahap) > STAGES.index(HELD_STAGE):
        return tahap
    return HELD_STAGE


def history_cycle(year: int, held: date, koperasi: Mapping[str, object]) -> dict[str, object]:
    """A past RAT cycle seeded from the register: its deadlines (docs/rules.md#deadlines), held.

    Flags are left to the daily recompute; a held date alone puts it at RAT_TERLAKSANA.
    """
    month, day = koperasi.get("fye_month"), koperasi.get("fye_day")
    if not (isinstance(month, int) and isinstance(day, int)):
        month, day = DEFAULT_FISCAL_YEAR_END
    year_end = date(year, month, day)
    secondary = int(koperasi.get("bentuk") == "sekunder")
    return {
        "tahun_buku": year,
        "fiscal_year_end": year_end,
        "target_date": add_months(year_end, TARGET_MONTHS[secondary]),
        "report_deadline": add_months(year_end, REPORT_MONTHS[secondary]),
        "statutory_limit": add_months(year_end, STATUTORY_MONTHS),
        "tidak_rat_date": add_months(year_end, 12),
        "held_date": held,
        "tahap": HELD_STAGE,
    }
