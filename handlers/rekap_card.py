"""/rekap's headline card: the metrics of one segment against the targets (with the snapshots
taken at the cut-offs), and its keyboard — the numbers to drill into, the years and segments,
the splits and the kecamatan picker, the charts.

The keyboard is a list of rows built by small functions, so another row is one more function
in `CARD_ROWS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from telegram import InlineKeyboardMarkup

from domain.callbacks import ChartButton, RekapAction, RekapView
from domain.rat.compliance import CUTOFFS
from domain.rollup import Counts, Cutoffs, TargetSet, metrics_of
from domain.rollup.counts import VIEW_SEGMENTS
from domain.rollup.period import SEASON_END
from domain.rollup.split import Measure, Split
from domain.rollup.targets import AKTIF
from domain.stages import STAGES
from handlers.keyboards import Row, button, plain, rows_of, single
from handlers.rekap_format import (
    CUTOFF_KEYS,
    SEGMENT_KEYS,
    SPLIT_KEYS,
    Screen,
    dash,
    data,
    duration,
    measure_count,
    measure_label,
    pct,
    reporting_system_of,
    short_date,
)
from locales import N_, Translator
from locales.labels import stage_label

# The reporting line names where the segment's cooperatives report (ODS or SIMKOPDES).
REPORTING_KEYS = {
    "ods": N_("rekap.reporting"),
    "simkopdes": N_("rekap.reporting_simkopdes"),
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
            median=duration(tr, m.median_answer_seconds),
            unreachable=c.unreachable_board,
        ),
    ]
    return lines


def render_card_text(tr: Translator, card: Card) -> str:
    """The headline card of one segment: short enough for a phone."""
    c = card.counts[card.view.segment]
    m = metrics_of(c)
    system = reporting_system_of(card.view.segment)
    funnel = " · ".join(
        f"{stage_label(tr, stage, system)} {tr.number(c.stage(stage))}" for stage in STAGES
    )
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
            REPORTING_KEYS[system],
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


def _choice(tr: Translator, label: str, chosen: bool) -> str:
    return tr.t("rekap.chosen", label=label) if chosen else label


def period_rows(tr: Translator, card: Card) -> list[Row]:
    """The fiscal years and the segments."""
    v = card.view
    years = [
        button(_choice(tr, str(y), y == v.year), data(RekapAction.CARD, _with(v, year=y)))
        for y in card.years
    ]
    segments = [
        button(
            _choice(tr, plain(tr.t(SEGMENT_KEYS[s])), s == v.segment),
            data(RekapAction.CARD, _with(v, segment=s)),
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
            label = tr.t(
                "rekap.drill_button",
                label=measure_label(tr, measure, card.cutoffs, card.view.segment),
                n=n,
            )
            buttons.append(button(plain(label), data(RekapAction.DRILL, card.view, measure)))
    return rows_of(buttons, 2)


def split_rows(tr: Translator, card: Card) -> list[Row]:
    """Per kecamatan / jenis / kelompok / petugas, and the kecamatan picker."""
    v = card.view
    buttons = [
        button(plain(tr.t(SPLIT_KEYS[s])), data(RekapAction.SPLIT, v, s.value))
        for s in card.splits
    ]
    rows = rows_of(buttons, 2)
    rows.append(single(plain(tr.t("rekap.pick_kecamatan")), data(RekapAction.KECAMATAN, v)))
    if v.group.split is not Split.NONE:
        whole = RekapView(v.year, v.segment, v.kecamatan)
        rows.append(single(plain(tr.t("rekap.back_whole")), data(RekapAction.CARD, whole)))
    return rows


def chart_rows(tr: Translator, card: Card) -> list[Row]:
    """*Grafik*: the charts of the card's kecamatan (or all) and fiscal year, drawn for the
    viewer's scope when pressed (handlers/grafik.py). A card of one jenis, kelompok or officer
    has none: the charts cannot be narrowed to it and would not match the card."""
    v = card.view
    if v.group.split is Split.KECAMATAN:
        # opened from the split table: the group's index is 0-based, the button's 1-based
        kecamatan = v.group.value + 1
    elif v.group.split is Split.NONE:
        kecamatan = v.kecamatan
    else:
        return []
    data = ChartButton(kecamatan, v.year).encode()
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
