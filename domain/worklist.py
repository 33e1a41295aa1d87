"""The officer's worklist: which of their cooperatives need action, and in what order.

Pure: storage counts per cooperative (`WorkCounts`), the caller passes `today`. The order
(issue 11): overdue follow-ups, then returned items not fixed, then TIDAK_AKTIF / RAWAN,
then not visited in `NOT_VISITED_DAYS` days, then an unreachable board; within the same
first flag, the most days overdue first, then by name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from domain.rat.activity import RAWAN, TIDAK_AKTIF

NOT_VISITED_DAYS = 30
HOME_LINES = 5
# A cooperative never visited sorts as if its last visit were this long ago.
NEVER_VISITED_DAYS = 10_000


class WorkFlag(IntEnum):
    """Why a cooperative is on the worklist; the value is its rank (lower comes first)."""

    OVERDUE_FOLLOW_UP = 0
    RETURNED = 1
    TIDAK_AKTIF = 2
    RAWAN = 3
    NOT_VISITED = 4
    UNREACHABLE_BOARD = 5


@dataclass(frozen=True)
class WorkCounts:
    """What storage counted for one cooperative in the officer's scope."""

    koperasi_id: int
    nama: str
    status_aktivitas: str | None
    overdue_follow_ups: int
    oldest_due: date | None  # the earliest due date among the overdue follow-ups
    returned: int
    oldest_return: date | None  # when the longest-waiting returned item was returned
    last_visit: date | None
    unreachable_board: int


@dataclass(frozen=True)
class WorkLine:
    """One worklist line: the cooperative, its flags (by rank) and the first flag's days."""

    koperasi_id: int
    nama: str
    flags: tuple[WorkFlag, ...]
    days_overdue: int
    counts: WorkCounts


def _not_visited_days(counts: WorkCounts, today: date) -> int | None:
    """Days beyond the visit interval (None: visited recently enough)."""
    if counts.last_visit is None:
        return NEVER_VISITED_DAYS
    since = (today - counts.last_visit).days
    return since - NOT_VISITED_DAYS if since > NOT_VISITED_DAYS else None


def _days(start: date | None, today: date) -> int:
    return max(0, (today - start).days) if start is not None else 0


def flags_of(counts: WorkCounts, today: date) -> dict[WorkFlag, int]:
    """The cooperative's flags, each with its days overdue (0 for a state without a date)."""
    flags: dict[WorkFlag, int] = {}
    if counts.overdue_follow_ups:
        flags[WorkFlag.OVERDUE_FOLLOW_UP] = _days(counts.oldest_due, today)
    if counts.returned:
        flags[WorkFlag.RETURNED] = _days(counts.oldest_return, today)
    if counts.status_aktivitas == TIDAK_AKTIF:
        flags[WorkFlag.TIDAK_AKTIF] = 0
    elif counts.status_aktivitas == RAWAN:
        flags[WorkFlag.RAWAN] = 0
    not_visited = _not_visited_days(counts, today)
    if not_visited is not None:
        flags[WorkFlag.NOT_VISITED] = not_visited
    if counts.unreachable_board:
        flags[WorkFlag.UNREACHABLE_BOARD] = 0
    return flags


def worklist(rows: Sequence[WorkCounts], today: date) -> list[WorkLine]:
    """The cooperatives with at least one flag, in worklist order."""
    lines = []
    for counts in rows:
        flags = flags_of(counts, today)
        if not flags:
            continue
        first = min(flags)
        line = WorkLine(
            counts.koperasi_id, counts.nama, tuple(sorted(flags)), flags[first], counts
        )
        lines.append(line)
    return sorted(
        lines, key=lambda w: (w.flags[0], -w.days_overdue, w.nama.lower(), w.koperasi_id)
    )
