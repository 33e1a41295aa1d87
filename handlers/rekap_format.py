"""What every /rekap screen says the same way: the names of cut-offs, segments, splits and
measures, shares, durations and short dates, the number behind each drill-down, and the
buttons' callback data.

Numbers and percentages go through the translator's Babel formats.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from telegram import InlineKeyboardMarkup

from domain.callbacks import RekapAction, RekapButton, RekapView
from domain.rollup import KDKMP, Counts, Cutoffs
from domain.rollup.split import STAGE_MEASURES, Measure, Split
from domain.stages import STAGES
from locales import N_, Translator
from locales.labels import stage_label

Screen = tuple[str, InlineKeyboardMarkup]
NAME_LIMIT = 48

CUTOFF_KEYS = {
    "target": N_("rekap.cutoff.target"),
    "report": N_("rekap.cutoff.report"),
    "statutory": N_("rekap.cutoff.statutory"),
}
SEGMENT_KEYS = {
    "reguler": N_("rekap.segment.reguler"),
    "kdkmp": N_("rekap.segment.kdkmp"),
    "total": N_("rekap.segment.total"),
}
SPLIT_KEYS = {
    Split.KECAMATAN: N_("rekap.split.kecamatan"),
    Split.JENIS: N_("rekap.split.jenis"),
    Split.KELOMPOK: N_("rekap.split.kelompok"),
    Split.PETUGAS: N_("rekap.split.petugas"),
}
MEASURE_KEYS = {
    Measure.REGISTERED: N_("rekap.measure.registered"),
    Measure.ACTIVE: N_("rekap.measure.active"),
    Measure.NOT_ACTIVE: N_("rekap.measure.not_active"),
    Measure.HELD: N_("rekap.measure.held"),
    Measure.MISSED_TARGET: N_("rekap.measure.missed_target"),
    Measure.MISSED_REPORT: N_("rekap.measure.missed_report"),
    Measure.MISSED_STATUTORY: N_("rekap.measure.missed_statutory"),
    Measure.NOT_REPORTED: N_("rekap.measure.not_reported"),
    Measure.NOT_ODS: N_("rekap.measure.not_ods"),
    Measure.NIK_MISSING: N_("rekap.measure.nik_missing"),
    Measure.NOT_VISITED: N_("rekap.measure.not_visited"),
}


def reporting_system_of(segment: str) -> str:
    """Where a segment's cooperatives report: KDKMP in SIMKOPDES, the others (and the total,
    mostly reguler) in ODS — the names its card and lists use."""
    return "simkopdes" if segment == KDKMP else "ods"


def dash(tr: Translator) -> str:
    """A metric without data."""
    return tr.t("rekap.none")


def pct(tr: Translator, value: Fraction | None) -> str:
    """A share as `45,0 %`, or "—"."""
    return dash(tr) if value is None else tr.percent(float(value))


def short_date(tr: Translator, day: date) -> str:
    """`31 Mar`."""
    return tr.date(day, "d MMM")


def duration(tr: Translator, seconds: float | None) -> str:
    if seconds is None:
        return dash(tr)
    if seconds < 3600:
        return tr.t("rekap.minutes", minutes=round(seconds / 60))
    return tr.t("rekap.hours", hours=round(seconds / 3600, 1))


def measure_label(tr: Translator, measure: Measure, cutoffs: Cutoffs, segment: str) -> str:
    """A drill-down's name (stage measures: the stage's name) in the segment's words."""
    system = reporting_system_of(segment)
    if measure in STAGE_MEASURES:
        return stage_label(tr, STAGES[STAGE_MEASURES.index(measure)], system)
    if measure is Measure.NOT_ODS and system == "simkopdes":
        return tr.t("rekap.measure.not_simkopdes")
    day = {
        Measure.MISSED_TARGET: "target",
        Measure.MISSED_REPORT: "report",
        Measure.MISSED_STATUTORY: "statutory",
    }.get(measure)
    if day is not None:
        return tr.t(MEASURE_KEYS[measure], day=short_date(tr, cutoffs.date_of(day)))
    return tr.t(MEASURE_KEYS[measure])


def measure_count(measure: Measure, c: Counts) -> int:
    """The card's number behind a drill-down."""
    if measure in STAGE_MEASURES:
        return c.stage(STAGES[STAGE_MEASURES.index(measure)])
    counts = {
        Measure.REGISTERED: c.registered,
        Measure.ACTIVE: c.active,
        Measure.NOT_ACTIVE: c.base - c.active,
        Measure.HELD: c.held,
        Measure.MISSED_TARGET: c.obliged_target - c.held_target,
        Measure.MISSED_REPORT: c.obliged_report - c.held_report,
        Measure.MISSED_STATUTORY: c.obliged_statutory - c.held_statutory,
        Measure.NOT_REPORTED: c.held - c.reported,
        Measure.NOT_ODS: c.reported - c.ods,
        Measure.NIK_MISSING: c.active - c.active_nik_valid,
        Measure.NOT_VISITED: c.not_visited,
    }
    return counts[measure]


def data(action: RekapAction, view: RekapView, arg: str = "-", page: int = 0) -> str:
    return RekapButton.of(action, view, arg, page).encode()
