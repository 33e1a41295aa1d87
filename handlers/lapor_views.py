"""How the /lapor menu looks: every checklist item with its state, then the milestones."""

from __future__ import annotations

import functools

from telegram import InlineKeyboardMarkup

from domain.callbacks import LaporButton
from domain.callbacks.rat import HISTORY, UNDO
from domain.rat.report import MILESTONES, MenuEntry, late_target
from handlers.keyboards import Row, button, rows_of, single
from locales import Translator
from locales.labels import target_label

STATE_MARKS = {
    "belum": "⬜",
    "proses": "🔄",
    "selesai": "✅",
    "tidak_berlaku": "➖",
    "open": "⬜",
    "done": "✅",
}


def render_menu(
    tr: Translator,
    koperasi_id: int,
    nama: str,
    entries: list[MenuEntry],
    *,
    mandatory: set[str],
    late: tuple[int, ...] = (),
    system: str = "ods",
) -> tuple[str, InlineKeyboardMarkup]:
    """The menu: a line and a button per target, the missed years' late RAT (`late`), and
    *Batalkan perubahan terakhir* last. `system`: where the cooperative reports (its ODS
    milestone reads SIMKOPDES for KDKMP).

    Remembered per reader's language, cooperative and states: a board opens the same menu
    again and again between changes, and its ~22 buttons cost more to build than to read
    the states (PTB's keyboard objects are immutable, so one can be sent many times).
    """
    return _menu(tr, koperasi_id, nama, tuple(entries), frozenset(mandatory), tuple(late), system)


@functools.lru_cache(maxsize=2048)
def _menu(
    tr: Translator,
    koperasi_id: int,
    nama: str,
    entries: tuple[MenuEntry, ...],
    mandatory: frozenset[str],
    late: tuple[int, ...],
    system: str,
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [tr.t("lapor.menu.title", nama=nama)]
    items = [e for e in entries if e.target not in MILESTONES]
    milestones = [e for e in entries if e.target in MILESTONES]
    if items:  # a cycle seeded from the register has no checklist of its own
        lines.append(tr.t("lapor.menu.items"))
    for entry in items:
        star = "*" if entry.target in mandatory else ""
        label = target_label(tr, entry.target) + star
        lines.append(f"{STATE_MARKS.get(entry.state, '⬜')} {label}")
    lines += ["", tr.t("lapor.menu.milestones")]
    lines += [f"{STATE_MARKS[e.state]} {target_label(tr, e.target, system)}" for e in milestones]
    lines += ["", tr.t("lapor.menu.hint")]
    item_buttons = [
        button(f"{STATE_MARKS.get(e.state, '⬜')} {e.target}", _data(koperasi_id, e.target))
        for e in items
    ]
    rows: list[Row] = rows_of(item_buttons, 4)
    rows += rows_of(
        [
            button(
                f"{STATE_MARKS[e.state]} {target_label(tr, e.target, system)}",
                _data(koperasi_id, e.target),
            )
            for e in milestones
        ],
        2,
    )
    for year in late:
        target = late_target(year)
        rows.append(single(f"⏰ {target_label(tr, target)}", _data(koperasi_id, target)))
    if late:
        lines.insert(-1, tr.t("lapor.menu.late"))
    rows.append(single(tr.t("lapor.button.history"), _data(koperasi_id, HISTORY)))
    rows.append(single(tr.t("lapor.button.undo"), _data(koperasi_id, UNDO)))
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _data(koperasi_id: int, target: str) -> str:
    return LaporButton(koperasi_id, target).encode()
