"""Who sees which roll-up (docs/rules.md#roll-ups), and what `/rekap 2025 Kraksaan` asks for.

Admins and pimpinan see the regency; an officer only the cooperatives assigned to them (their
own officer group at most). Pimpinan change nothing: only admins get *Kirim pengingat*.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.access import Role, Viewer
from domain.errors import InputError
from domain.keys import N_
from domain.koperasi_list import list_scope
from domain.register import match_code
from domain.rollup.period import EARLIEST_YEAR
from domain.rollup.split import Group, RollupFilter, Split, group_key


def rollup_filter(
    viewer: Viewer, kecamatan: int, group: Group, names: Sequence[str]
) -> RollupFilter | None:
    """The cooperatives a view counts for `viewer`; None when the view is not theirs.

    `kecamatan` is an index into `names` plus one (0: all).
    """
    scope = list_scope(viewer)
    if scope is None:
        return None
    chosen = None
    if kecamatan:
        if not 0 < kecamatan <= len(names):
            return None
        chosen = names[kecamatan - 1]
    if group.split is Split.PETUGAS and not scope.region and group.value != scope.petugas_id:
        return None
    key = group_key(group, names)
    if group.split is not Split.NONE and key is None:
        return None
    return RollupFilter(scope.petugas_id, chosen, group.split, key)


def may_remind(viewer: Viewer) -> bool:
    """*Kirim pengingat* under a drill-down: admins only."""
    return viewer.has(Role.ADMIN)


def splits_for(viewer: Viewer) -> tuple[Split, ...]:
    """The splits a viewer is offered (an officer's own cooperatives have one officer)."""
    region = viewer.has(Role.ADMIN, Role.PIMPINAN)
    splits = (Split.KECAMATAN, Split.JENIS, Split.KELOMPOK, Split.PETUGAS)
    return splits if region else splits[:-1]


@dataclass(frozen=True)
class RekapArgs:
    """What the command's arguments chose: a fiscal year, a kecamatan (index plus one)."""

    year: int | None = None
    kecamatan: int = 0


def parse_args(args: Sequence[str], names: Sequence[str], latest_year: int) -> RekapArgs:
    """`2025`, `Kraksaan`, `2025 Kota Anyar` (either order); InputError for anything else."""
    year: int | None = None
    words: list[str] = []
    years: set[int] = set()
    for arg in args:
        if arg.isascii() and arg.isdigit() and len(arg) == 4:
            years.add(int(arg))
        else:
            words.append(arg)
    if len(years) == 1:
        [year] = years
    if len(years) > 1 or (year is not None and not EARLIEST_YEAR <= year <= latest_year):
        raise InputError(N_("rekap.args.bad_year"), latest=str(latest_year))
    kecamatan = 0
    if words:
        found = match_code(" ".join(words), tuple(names))
        if found is None:
            raise InputError(N_("rekap.args.bad_kecamatan"))
        kecamatan = list(names).index(found) + 1
    return RekapArgs(year, kecamatan)


def _narrowed(where: RollupFilter) -> tuple[str | None, int | None] | None:
    """The kecamatan and officer a filter comes down to; None for a group with no snapshot."""
    kecamatan, petugas = where.kecamatan, where.petugas_id
    if where.split is Split.KECAMATAN:
        if kecamatan is not None or not isinstance(where.key, str):
            return None
        return where.key, petugas
    if where.split is Split.PETUGAS:
        if not isinstance(where.key, int) or where.key == 0:
            return None
        if petugas is not None and petugas != where.key:
            return None
        return kecamatan, where.key
    return (kecamatan, petugas) if where.split is Split.NONE else None


def snapshot_scope(where: RollupFilter) -> tuple[str, str | None] | None:
    """The stored snapshot rows matching a filter (scope, key); None: no snapshot kept for it.

    Snapshots are kept for the regency, each kecamatan and each officer's cooperatives.
    """
    narrowed = _narrowed(where)
    if narrowed is None:
        return None
    kecamatan, petugas = narrowed
    if petugas is None:
        return ("regency", None) if kecamatan is None else ("kecamatan", kecamatan)
    return ("petugas", str(petugas)) if kecamatan is None else None
