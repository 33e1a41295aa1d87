"""Splits of a roll-up, the group a /rekap view is narrowed to, and the drill-down measures.

A view shows one group: the whole scope, or one kecamatan, jenis, kelompok or officer.
Kecamatan, jenis and kelompok travel in buttons as indexes into their configured or seeded
lists (a kelompok outside the seed list is shown in the split but cannot be opened); an
officer as their person id, re-checked against the viewer's scope on every press.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from domain.register import JENIS, KELOMPOK
from domain.rollup.counts import TOTAL
from domain.stages import STAGES


class Split(StrEnum):
    """What a roll-up is grouped by."""

    NONE = "n"
    KECAMATAN = "k"
    JENIS = "j"
    KELOMPOK = "g"
    PETUGAS = "p"


SPLITS = (Split.KECAMATAN, Split.JENIS, Split.KELOMPOK, Split.PETUGAS)


@dataclass(frozen=True)
class Group:
    """The group a view shows: `split` NONE for the whole scope, else one value of it.

    `value` is an index (kecamatan, jenis, kelompok) or an officer's person id (0: the
    cooperatives without an officer).
    """

    split: Split = Split.NONE
    value: int = 0


def group_key(group: Group, kecamatan: Sequence[str]) -> str | int | None:
    """The stored value a group stands for (a name, a code, a person id); None: no such one.

    The officer group 0 (no officer) is the key 0.
    """
    if group.split is Split.NONE:
        return None
    if group.split is Split.PETUGAS:
        return group.value
    values = {Split.KECAMATAN: kecamatan, Split.JENIS: JENIS, Split.KELOMPOK: KELOMPOK}
    names = values[group.split]
    return names[group.value] if 0 <= group.value < len(names) else None


def group_of(split: Split, key: str | int | None, kecamatan: Sequence[str]) -> Group | None:
    """The group of a split row's stored value, or None when it cannot be opened."""
    if split is Split.PETUGAS:
        return Group(split, key if isinstance(key, int) else 0)
    values = {Split.KECAMATAN: kecamatan, Split.JENIS: JENIS, Split.KELOMPOK: KELOMPOK}
    names = list(values.get(split, ()))
    return Group(split, names.index(key)) if key in names else None


class Measure(StrEnum):
    """A number of the card whose cooperatives a drill-down lists."""

    REGISTERED = "reg"
    ACTIVE = "akt"
    NOT_ACTIVE = "nakt"  # in the ratio base, not active
    HELD = "rat"
    MISSED_TARGET = "mt"  # obliged at the cut-off, no RAT by its date
    MISSED_REPORT = "mr"
    MISSED_STATUTORY = "ms"
    NOT_REPORTED = "nl"  # RAT held, not reported
    NOT_ODS = "no"  # reported, not entered in ODS
    NIK_MISSING = "nik"  # active without a valid NIK certificate
    NOT_VISITED = "nv"
    STAGE_0 = "s0"
    STAGE_1 = "s1"
    STAGE_2 = "s2"
    STAGE_3 = "s3"
    STAGE_4 = "s4"
    STAGE_5 = "s5"
    STAGE_6 = "s6"


STAGE_MEASURES = (
    Measure.STAGE_0,
    Measure.STAGE_1,
    Measure.STAGE_2,
    Measure.STAGE_3,
    Measure.STAGE_4,
    Measure.STAGE_5,
    Measure.STAGE_6,
)
assert len(STAGE_MEASURES) == len(STAGES)  # noqa: S101 - a declaration check at import


def stage_of(measure: Measure) -> str | None:
    """The stage a stage measure lists, else None."""
    return STAGES[STAGE_MEASURES.index(measure)] if measure in STAGE_MEASURES else None


@dataclass(frozen=True)
class RollupFilter:
    """Which cooperatives a roll-up counts: the viewer's scope (an officer: theirs), an
    optional kecamatan, and an optional group of a split (`key` from `group_key`)."""

    petugas_id: int | None = None
    kecamatan: str | None = None
    split: Split = Split.NONE
    key: str | int | None = None
    # reguler or kdkmp: that segment only; total: both (the counts split by segment anyway).
    segment: str = TOTAL


@dataclass(frozen=True)
class DrillLine:
    """One cooperative of a drill-down list."""

    id: int
    nama: str
    kecamatan: str | None
