"""/rekap's lists: a split table (per kecamatan, jenis, kelompok or officer), a page of the
cooperatives behind a number (with *Kirim pengingat* for admins), the kecamatan picker."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from domain.callbacks import RekapAction, RekapView
from domain.koperasi_list import PageWindow, shorten
from domain.rollup import Counts, Cutoffs, metrics_of
from domain.rollup.split import DrillLine, Group, Measure, Split
from handlers.keyboards import button, numbered_rows, page_row, plain, rows_of, single
from handlers.rekap_format import (
    NAME_LIMIT,
    SEGMENT_KEYS,
    SPLIT_KEYS,
    Screen,
    dash,
    data,
    measure_label,
    pct,
    short_date,
)
from locales import Translator


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
    keyboard = rows_of([button(str(n), data(RekapAction.CARD, target)) for n, target in opened], 5)
    keyboard.append(page_row(tr, window, lambda p: data(RekapAction.SPLIT, view, split.value, p)))
    keyboard.append(single(plain(tr.t("rekap.back")), data(RekapAction.CARD, view)))
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
        label=measure_label(tr, measure, cutoffs, view.segment),
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
    keyboard = [page_row(tr, window, lambda p: data(RekapAction.DRILL, view, measure, p))]
    if may_remind and window.total > 0:
        keyboard.append(
            single(plain(tr.t("rekap.remind")), data(RekapAction.REMIND, view, measure))
        )
    keyboard.append(single(plain(tr.t("rekap.back")), data(RekapAction.CARD, view)))
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
        lambda k: data(RekapAction.CARD, RekapView(view.year, view.segment, k)),
    )
    keyboard.append(page_row(tr, window, lambda p: data(RekapAction.KECAMATAN, view, page=p)))
    everyone = RekapView(view.year, view.segment, 0)
    keyboard.append(single(plain(tr.t("rekap.all_kecamatan")), data(RekapAction.CARD, everyone)))
    return "\n".join(lines), InlineKeyboardMarkup([r for r in keyboard if r])
