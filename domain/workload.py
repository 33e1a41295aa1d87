"""Officers' workload and the rules of (re)assigning cooperatives to them. Pure.

The SQL behind /petugas counts exactly what `tally` counts; the storage tests hold the two
together over the same fixture.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from domain.koperasi_list import is_at_risk, is_late, search_key


@dataclass(frozen=True)
class Workload:
    """One officer's numbers: cooperatives, late, at risk, unreachable board members."""

    person_id: int
    name: str | None
    koperasi: int = 0
    late: int = 0
    at_risk: int = 0
    unreachable: int = 0


@dataclass(frozen=True)
class KoperasiFacts:
    """The stored values of one cooperative that its officer's workload counts."""

    petugas_id: int | None
    tahap: str | None
    status_aktivitas: str | None
    target_date: date | None
    flags: tuple[str, ...] = ()
    # Board members (person ids) the bot cannot reach (blocked, or never started).
    unreachable_board: frozenset[int] = frozenset()


def tally(
    officers: Iterable[tuple[int, str | None]], facts: Iterable[KoperasiFacts], today: date
) -> dict[int, Workload]:
    """Each officer's workload; an unreachable person on two of their boards counts once."""
    loads = {person_id: Workload(person_id, name) for person_id, name in officers}
    unreachable: dict[int, set[int]] = {person_id: set() for person_id in loads}
    for fact in facts:
        load = loads.get(fact.petugas_id) if fact.petugas_id is not None else None
        if load is None:
            continue
        risky = is_at_risk(fact.tahap, fact.status_aktivitas, fact.target_date, today)
        loads[load.person_id] = replace(
            load,
            koperasi=load.koperasi + 1,
            late=load.late + is_late(fact.flags),
            at_risk=load.at_risk + risky,
        )
        unreachable[load.person_id] |= fact.unreachable_board
    return {
        person_id: replace(load, unreachable=len(unreachable[person_id]))
        for person_id, load in loads.items()
    }


class AssignMode(StrEnum):
    """Which cooperatives of a kecamatan an assignment takes (also a callback code)."""

    UNASSIGNED = "u"  # only those in the admins' queue (no officer)
    ALL = "a"  # every one, taking them from their current officers


class AssignVia(StrEnum):
    """How a change of officer came about (recorded in the audit trail)."""

    KECAMATAN = "kecamatan"
    ONE = "one"
    MOVE_ALL = "move_all"
    DEACTIVATE = "deactivate"


@dataclass(frozen=True)
class Reassignment:
    """One cooperative changing officer (None: the admins' queue)."""

    koperasi_id: int
    old_petugas_id: int | None
    new_petugas_id: int | None

    def audit_details(self, via: AssignVia) -> dict[str, object]:
        """What the audit trail keeps: ids and codes only."""
        return {
            "old_petugas_id": self.old_petugas_id,
            "new_petugas_id": self.new_petugas_id,
            "via": via.value,
        }


def reassignments(
    current: Mapping[int, int | None], new_petugas_id: int | None
) -> list[Reassignment]:
    """The changes that give every cooperative in `current` the new officer.

    `current` maps cooperative ids to their officer now; those that already have the new
    officer change nothing and are left out, so a repeated request records nothing twice.
    """
    return [
        Reassignment(koperasi_id, old, new_petugas_id)
        for koperasi_id, old in sorted(current.items())
        if old != new_petugas_id
    ]


def named(loads: Iterable[Workload], query: str) -> list[Workload]:
    """The officers whose name contains `query` (ignoring case and spaces), in order."""
    key = search_key(query)
    return [load for load in loads if key and key in search_key(load.name or "")]
