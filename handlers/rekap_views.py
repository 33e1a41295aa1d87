"""/rekap screens: the headline card, a split table, a drill-down page, the kecamatan picker.

Rendering only (numbers and percentages through the translator's Babel formats); the data
comes from `handlers.rekap`. The card's keyboard is a list of rows built by small functions,
so another row is one more function in `CARD_ROWS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from telegram import InlineKeyboardMarkup

from domain.callbacks import ChartButton, RekapAction, RekapButton, RekapView
from domain.koperasi_list import PageWindow, shorten
from domain.rat.compliance import CUTOFFS
from domain.rollup import Counts, Cutoffs, TargetSet, metrics_of
from domain.rollup.counts import VIEW_SEGMENTS
from domain.rollup.period import SEASON_END
from domain.rollup.split import STAGE_MEASURES, DrillLine, Group, Measure, Split
from domain.rollup.targets import AKTIF
from domain.stages import STAGES
from handlers.keyboards import Row, button, numbered_rows, page_row, plain, rows_of, single
from locales import N_, Translator
from locales.labels import STAGE_KEYS

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


@dataclass(frozen=True)
class Card:
    """What the headline card shows."""

    view: RekapView
    where: str  # the scope's and group's description, rendered
    counts: Mapping[str, Counts]  # by segment
    snapshots: Mapping[str, Mapping[str, Counts]]  # by cut-off, by segment
    targets: TargetSet
    cutoffs: Cutoffs
    today: date
    splits: Sequence[Split]
    years: Sequence[int]


def stage_name(tr: Translator, stage: str) -> str:
    """A stage as lists show it."""
    return tr.t(STAGE_KEYS[stage])


def dash(tr: Translator) -> str:
    """A metric without data."""
    return tr.t("rekap.none")


def pct(tr: Translator, value: Fraction | None) -> str:
    """A share as `45,0 %`, or "—"."""
    return dash(tr) if value is None else tr.percent(float(value))


def short_date(tr: Translator, day: date) -> str:
    """`31 Mar`."""
    return tr.date(day, "d MMM")


def _duration(tr: Translator, seconds: float | None) -> str:
    if seconds is None:
        return dash(tr)
    if seconds < 3600:
        return tr.t("rekap.minutes", minutes=round(seconds / 60))
    return tr.t("rekap.hours", hours=round(seconds / 3600, 1))


def measure_label(tr: Translator, measure: Measure, cutoffs: Cutoffs) -> str:
    """A drill-down's name (stage measures: the stage's name)."""
    if measure in STAGE_MEASURES:
        return stage_name(tr, STAGES[STAGE_MEASURES.index(measure)])
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


def _against(tr: Translator, value: Fraction | None, target: Fraction | None) -> str:
    if target is None:
        return pct(tr, value)
    return tr.t("rekap.against_target", value=pct(tr, value), target=pct(tr, target))


def _compliance_lines(tr: Translator, card: Card, c: Counts) -> list[str]:
    m = metrics_of(c)
    lines = []
    for cutoff in CUTOFFS:
        day = short_date(tr, card.cutoffs.date_of(cutoff))
        line = tr.t(
            CUTOFF_KEYS[cutoff],
            day=day,
            now=_against(tr, m.compliance[cutoff], card.targets.get(cutoff)),
        )
        stored = card.snapshots.get(cutoff, {}).get(card.view.segment)
        if stored is not None:
            then = metrics_of(stored).compliance[cutoff]
            line += tr.t("rekap.snapshot", day=day, value=pct(tr, then))
        lines.append(line)
    season_end = card.snapshots.get(SEASON_END, {}).get(card.view.segment)
    if season_end is not None:
        ended = metrics_of(season_end)
        lines.append(
            tr.t(
                "rekap.season_end",
                day=short_date(tr, card.cutoffs.date_of(SEASON_END)),
                aktif=pct(tr, ended.aktif),
                rat=pct(tr, ended.compliance["statutory"]),
            )
        )
    return lines


def _activity_lines(tr: Translator, c: Counts) -> list[str]:
    m = metrics_of(c)
    by_poac = " · ".join(f"{code} {tr.number(n)}" for code, n in sorted(c.visits_by_poac.items()))
    by_jenis = " · ".join(
        f"{code} {tr.number(n)}" for code, n in sorted(c.visits_by_jenis.items())
    )
    lines = [tr.t("rekap.visits", count=c.visits, poac=by_poac or dash(tr))]
    if by_jenis:
        lines.append(tr.t("rekap.visits_by_type", types=by_jenis))
    lines += [
        tr.t("rekap.follow_ups", not_visited=c.not_visited, overdue=c.overdue_follow_ups),
        tr.t(
            "rekap.threads",
            waiting=c.threads_waiting,
            median=_duration(tr, m.median_answer_seconds),
            unreachable=c.unreachable_board,
        ),
    ]
    return lines


def render_card_text(tr: Translator, card: Card) -> str:
    """The headline card of one segment: short enough for a phone."""
    c = card.counts[card.view.segment]
    m = metrics_of(c)
    funnel = " · ".join(f"{stage_name(tr, stage)} {tr.number(c.stage(stage))}" for stage in STAGES)
    lines = [
        tr.t("rekap.title", year=str(card.view.year)),
        card.where,
        tr.t(
            "rekap.segment_line",
            segment=tr.t(SEGMENT_KEYS[card.view.segment]),
            today=card.today,
        ),
        "",
        tr.t("rekap.registered", registered=c.registered, base=c.base),
        tr.t("rekap.aktif", value=_against(tr, m.aktif, card.targets.get(AKTIF))),
        *_compliance_lines(tr, card, c),
        tr.t(
            "rekap.reporting",
            reporting=pct(tr, m.reporting),
            ods=pct(tr, m.ods_input),
            nik=pct(tr, m.nik_coverage),
        ),
        tr.t(
            "rekap.verified",
            held=pct(tr, m.verified_held),
            reported=pct(tr, m.verified_reported),
        ),
        tr.t("rekap.funnel", stages=funnel, checklist=pct(tr, m.checklist)),
        *_activity_lines(tr, c),
    ]
    return "\n".join(lines)


def _data(action: RekapAction, view: RekapView, arg: str = "-", page: int = 0) -> str:
    return RekapButton.of(action, view, arg, page).encode()


def _choice(tr: Translator, label: str, chosen: bool) -> str:
    return tr.t("rekap.chosen", label=label) if chosen else label


def period_rows(tr: Translator, card: Card) -> list[Row]:
    """The fiscal years and the segments."""
    v = card.view
    years = [
        button(_choice(tr, str(y), y == v.year), _data(RekapAction.CARD, _with(v, year=y)))
        for y in card.years
    ]
    segments = [
        button(
            _choice(tr, plain(tr.t(SEGMENT_KEYS[s])), s == v.segment),
            _data(RekapAction.CARD, _with(v, segment=s)),
        )
        for s in VIEW_SEGMENTS
    ]
    return [years, segments]


def drill_rows(tr: Translator, card: Card) -> list[Row]:
    """A button per number of the card with cooperatives behind it."""
    c = card.counts[card.view.segment]
    buttons = []
    for measure in Measure:
        n = measure_count(measure, c)
        if n > 0:
            label = tr.t("rekap.drill_button", label=measure_label(tr, measure, card.cutoffs), n=n)
            buttons.append(button(plain(label), _data(RekapAction.DRILL, card.view, measure)))
    return rows_of(buttons, 2)


def split_rows(tr: Translator, card: Card) -> list[Row]:
    """Per kecamatan / jenis / kelompok / petugas, and the kecamatan picker."""
    v = card.view
    buttons = [
        button(plain(tr.t(SPLIT_KEYS[s])), _data(RekapAction.SPLIT, v, s.value))
        for s in card.splits
    ]
    rows = rows_of(buttons, 2)
    rows.append(single(plain(tr.t("rekap.pick_kecamatan")), _data(RekapAction.KECAMATAN, v)))
    if v.group.split is not Split.NONE:
        whole = RekapView(v.year, v.segment, v.kecamatan)
        rows.append(single(plain(tr.t("rekap.back_whole")), _data(RekapAction.CARD, whole)))
    return rows


def chart_rows(tr: Translator, card: Card) -> list[Row]:
    """*Grafik*: the charts of the card's kecamatan (or all) and fiscal year, drawn for the
    viewer's scope when pressed (handlers/grafik.py)."""
    data = ChartButton(card.view.kecamatan, card.view.year).encode()
    return [[button(plain(tr.t("grafik.button")), data)]]


# The card's keyboard, top to bottom.
CARD_ROWS: list[Callable[[Translator, Card], list[Row]]] = [
    drill_rows,
    period_rows,
    split_rows,
    chart_rows,
]


def render_card(tr: Translator, card: Card) -> Screen:
    """The card and its keyboard."""
    rows = [row for build in CARD_ROWS for row in build(tr, card)]
    return render_card_text(tr, card), InlineKeyboardMarkup(rows)


def _with(view: RekapView, **changes: object) -> RekapView:
    values: dict[str, object] = {
        "year": view.year,
        "segment": view.segment,
        "kecamatan": view.kecamatan,
        "group": view.group,
    }
    values.update(changes)
    return RekapView(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class SplitRow:
    """One row of a split table: its label, its counts, and its group (None: not openable)."""

    label: str
    counts: Counts
    group: Group | None


def render_split(
    tr: Translator,
    view: RekapView,
    split: Split,
    rows: Sequence[SplitRow],
    window: PageWindow,
    cutoffs: Cutoffs,
) -> Screen:
    """A page of a split table: each group's size, % aktif and % RAT by the office target."""
    lines = [tr.t("rekap.split_title", split=tr.t(SPLIT_KEYS[split]), year=str(view.year))]
    shown = rows[window.offset : window.offset + window.size]
    day = short_date(tr, cutoffs.date_of("target"))
    for index, row in enumerate(shown):
        m = metrics_of(row.counts)
        lines.append(
            tr.t(
                "rekap.split_row",
                number=window.number(index),
                label=shorten(row.label, NAME_LIMIT),
                registered=row.counts.registered,
                aktif=pct(tr, m.aktif),
                rat=pct(tr, m.compliance["target"]),
                day=day,
            )
        )
    if not rows:
        lines.append(tr.t("rekap.split_empty"))
    opened = [
        (window.number(i), RekapView(view.year, view.segment, view.kecamatan, row.group))
        for i, row in enumerate(shown)
        if row.group is not None
    ]
    keyboard = rows_of(
        [button(str(n), _data(RekapAction.CARD, target)) for n, target in opened], 5
    )
    keyboard.append(page_row(tr, window, lambda p: _data(RekapAction.SPLIT, view, split.value, p)))
    keyboard.append(single(plain(tr.t("rekap.back")), _data(RekapAction.CARD, view)))
    return "\n".join(lines), InlineKeyboardMarkup([r for r in keyboard if r])


def render_drill(
    tr: Translator,
    view: RekapView,
    measure: Measure,
    lines_: Sequence[DrillLine],
    window: PageWindow,
    cutoffs: Cutoffs,
    *,
    may_remind: bool,
) -> Screen:
    """A page of the cooperatives behind a number; admins get *Kirim pengingat*."""
    title = tr.t(
        "rekap.drill_title",
        label=measure_label(tr, measure, cutoffs),
        n=window.total,
        year=str(view.year),
        segment=tr.t(SEGMENT_KEYS[view.segment]),
    )
    lines = [title]
    for index, line in enumerate(lines_):
        lines.append(
            tr.t(
                "rekap.drill_line",
                number=window.number(index),
                nama=shorten(line.nama, NAME_LIMIT),
                kecamatan=line.kecamatan or dash(tr),
            )
        )
    if not lines_:
        lines.append(tr.t("rekap.split_empty"))
    keyboard = [page_row(tr, window, lambda p: _data(RekapAction.DRILL, view, measure, p))]
    if may_remind and window.total > 0:
        keyboard.append(
            single(plain(tr.t("rekap.remind")), _data(RekapAction.REMIND, view, measure))
        )
    keyboard.append(single(plain(tr.t("rekap.back")), _data(RekapAction.CARD, view)))
    return "\n".join(lines), InlineKeyboardMarkup([r for r in keyboard if r])


def render_kecamatan_picker(
    tr: Translator, view: RekapView, names: Sequence[str], window: PageWindow
) -> Screen:
    """The configured kecamatan, numbered, a page at a time; *Semua* clears the choice."""
    shown = names[window.offset : window.offset + window.size]
    lines = [tr.t("rekap.kecamatan_title")]
    lines += [f"{window.number(i)}. {tr.fmt(name)}" for i, name in enumerate(shown)]
    indexes = [window.offset + i + 1 for i in range(len(shown))]
    keyboard = numbered_rows(
        window,
        indexes,
        lambda k: _data(RekapAction.CARD, RekapView(view.year, view.segment, k)),
    )
    keyboard.append(page_row(tr, window, lambda p: _data(RekapAction.KECAMATAN, view, page=p)))
    everyone = RekapView(view.year, view.segment, 0)
    keyboard.append(single(plain(tr.t("rekap.all_kecamatan")), _data(RekapAction.CARD, everyone)))
    return "\n".join(lines), InlineKeyboardMarkup([r for r in keyboard if r])
