"""Roll-ups for the office (docs/rules.md#roll-ups): the counts SQL returns per group, the
ratios and target comparisons computed from them, the period and its cut-offs, snapshots due,
and the drill-down measures. Pure: no SQL, no clock reads, no Telegram."""

from domain.rollup.counts import KDKMP, REGULER, SEGMENTS, TOTAL, VIEW_SEGMENTS, Counts
from domain.rollup.metrics import Metrics, median, metrics_of, ratio
from domain.rollup.period import (
    CUTOFF_KINDS,
    SEASON_END,
    Cutoffs,
    cutoffs_for,
    default_period,
    periods_around,
    snapshots_due,
)
from domain.rollup.split import Split
from domain.rollup.targets import Targets, TargetSet

__all__ = [
    "CUTOFF_KINDS",
    "KDKMP",
    "REGULER",
    "SEASON_END",
    "SEGMENTS",
    "TOTAL",
    "VIEW_SEGMENTS",
    "Counts",
    "Cutoffs",
    "Metrics",
    "Split",
    "TargetSet",
    "Targets",
    "cutoffs_for",
    "default_period",
    "median",
    "metrics_of",
    "periods_around",
    "ratio",
    "snapshots_due",
]
