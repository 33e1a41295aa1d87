"""The ratios of a group's counts (docs/rules.md#roll-ups), each None when it has no data.

A ratio with nothing to divide by (no obliged cooperative yet, no RAT held, no checklist) is
None, shown as "—": a zero there would read as a failure that has not happened.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from domain.rat.compliance import REPORT, STATUTORY, TARGET
from domain.rollup.counts import Counts


def ratio(part: int, whole: int) -> Fraction | None:
    """`part / whole` exactly, or None when `whole` is zero."""
    return None if whole <= 0 else Fraction(part, whole)


def median(values: Sequence[float]) -> float | None:
    """The median, or None for no values."""
    return statistics.median(values) if values else None


@dataclass(frozen=True)
class Metrics:
    """The derived figures of one group."""

    aktif: Fraction | None
    compliance: dict[str, Fraction | None]  # by cut-off: target, report, statutory
    reporting: Fraction | None  # reported / held
    ods_input: Fraction | None  # entered / reported
    nik_coverage: Fraction | None  # valid certificates / active
    verified_held: Fraction | None
    verified_reported: Fraction | None
    checklist: Fraction | None  # mean checklist completion
    median_answer_seconds: float | None


def metrics_of(counts: Counts) -> Metrics:
    """Every ratio of `counts`."""
    c = counts
    return Metrics(
        aktif=ratio(c.active, c.base),
        compliance={
            TARGET: ratio(c.held_target, c.obliged_target),
            REPORT: ratio(c.held_report, c.obliged_report),
            STATUTORY: ratio(c.held_statutory, c.obliged_statutory),
        },
        reporting=ratio(c.reported, c.held),
        ods_input=ratio(c.ods, c.reported),
        nik_coverage=ratio(c.active_nik_valid, c.active),
        verified_held=ratio(c.held_verified, c.held),
        verified_reported=ratio(c.reported_verified, c.reported),
        checklist=ratio(c.checklist_done, c.checklist_total),
        median_answer_seconds=median(c.answer_seconds),
    )
