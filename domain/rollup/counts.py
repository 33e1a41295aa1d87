"""What SQL counts for one group of cooperatives (one segment of one split value).

Every field is a plain count over stored columns and dates; the ratios come from these in
`domain.rollup.metrics`. Two groups add up field by field (reguler + KDKMP = total), so the
total is never counted twice, and a group round-trips through JSON for the snapshots.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from domain.register import SEGMEN
from domain.stages import STAGES

REGULER, KDKMP = SEGMEN
TOTAL = "total"
SEGMENTS: tuple[str, ...] = (REGULER, KDKMP)
# What /rekap can show: each segment and their sum (headline figures use reguler).
VIEW_SEGMENTS: tuple[str, ...] = (REGULER, KDKMP, TOTAL)

_MAPS = ("stages", "visits_by_jenis", "visits_by_poac")


def _merged(a: Mapping[str, int], b: Mapping[str, int]) -> dict[str, int]:
    out = dict(a)
    for key, value in b.items():
        out[key] = out.get(key, 0) + value
    return out


@dataclass(frozen=True)
class Counts:
    """The counts behind every metric of one group (docs/rules.md#roll-ups)."""

    registered: int = 0
    # Not BARU, DALAM_PEMBUBARAN or BUBAR: the denominator of % aktif.
    base: int = 0
    active: int = 0
    # Per cut-off: obliged (past the cycle's own date) and RAT held by that date.
    obliged_target: int = 0
    held_target: int = 0
    obliged_report: int = 0
    held_report: int = 0
    obliged_statutory: int = 0
    held_statutory: int = 0
    held: int = 0
    reported: int = 0
    ods: int = 0
    held_verified: int = 0
    reported_verified: int = 0
    active_nik_valid: int = 0
    not_visited: int = 0
    stages: Mapping[str, int] = field(default_factory=dict)
    checklist_done: int = 0
    checklist_total: int = 0
    visits: int = 0
    visits_by_jenis: Mapping[str, int] = field(default_factory=dict)
    visits_by_poac: Mapping[str, int] = field(default_factory=dict)
    overdue_follow_ups: int = 0
    threads_waiting: int = 0
    unreachable_board: int = 0
    # Seconds from a board's message to the officer's answer, for the median.
    answer_seconds: tuple[float, ...] = ()

    def __add__(self, other: Counts) -> Counts:
        values: dict[str, Any] = {}
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if f.name in _MAPS:
                values[f.name] = _merged(mine, theirs)
            else:
                values[f.name] = mine + theirs
        return Counts(**values)

    def stage(self, code: str) -> int:
        """Cooperatives at stage `code` in the period's cycle (none yet: BELUM_MULAI)."""
        return self.stages.get(code, 0)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready mapping (for a snapshot)."""
        data: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            data[f.name] = dict(value) if f.name in _MAPS else value
        data["answer_seconds"] = list(self.answer_seconds)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Counts:
        """The counts a snapshot stored; keys it lacks (an older snapshot) count zero."""
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {k: v for k, v in data.items() if k in known}
        for name in _MAPS:
            if name in values:
                values[name] = {str(k): int(v) for k, v in dict(values[name]).items()}
        if "answer_seconds" in values:
            values["answer_seconds"] = tuple(float(s) for s in values["answer_seconds"])
        return cls(**values)


def total_of(by_segment: Mapping[str, Counts]) -> Counts:
    """reguler + KDKMP (a missing segment counts zero)."""
    out = Counts()
    for segment in SEGMENTS:
        out = out + by_segment.get(segment, Counts())
    return out


def with_total(by_segment: Mapping[str, Counts]) -> dict[str, Counts]:
    """Each segment's counts (zero when absent) and their total, keyed by VIEW_SEGMENTS."""
    out = {segment: by_segment.get(segment, Counts()) for segment in SEGMENTS}
    out[TOTAL] = total_of(out)
    return out


__all__ = [
    "KDKMP",
    "REGULER",
    "SEGMENTS",
    "STAGES",
    "TOTAL",
    "VIEW_SEGMENTS",
    "Counts",
    "total_of",
    "with_total",
]
