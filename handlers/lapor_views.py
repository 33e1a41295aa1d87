"""How the /lapor menu looks: every checklist item with its state, then the milestones."""

from __future__ import annotations

import functools

from telegram import InlineKeyboardMarkup

from domain.callbacks import LaporButton
from domain.callbacks.rat import UNDO
from domain.rat.report import MILESTONES, MenuEntry, late_target, late_year
from handlers.keyboards import Row, button, rows_of, single
from locales import N_, Translator

STATE_MARKS = {
    "belum": "⬜",
    "proses": "🔄",
    "selesai": "✅",
    "tidak_berlaku": "➖",
    "open": "⬜",
    "done": "✅",
}
ITEM_KEYS = {
    "A1": N_("lapor.item.A1"),
    "A2": N_("lapor.item.A2"),
    "A3": N_("lapor.item.A3"),
    "A4": N_("lapor.item.A4"),
    "A5": N_("lapor.item.A5"),
    "A6": N_("lapor.item.A6"),
    "A7": N_("lapor.item.A7"),
    "A8": N_("lapor.item.A8"),
    "A9": N_("lapor.item.A9"),
    "A10": N_("lapor.item.A10"),
    "A11": N_("lapor.item.A11"),
    "A12": N_("lapor.item.A12"),
    "A13": N_("lapor.item.A13"),
    "A14": N_("lapor.item.A14"),
}
MILESTONE_KEYS = {
    "plan": N_("lapor.milestone.plan"),
    "invite": N_("lapor.milestone.invite"),
    "materials": N_("lapor.milestone.materials"),
    "held": N_("lapor.milestone.held"),
    "minutes": N_("lapor.milestone.minutes"),
    "reported": N_("lapor.milestone.reported"),
    "ods": N_("lapor.milestone.ods"),
}


def target_label(tr: Translator, target: str) -> str:
    """An item ("A4 LPJ pengurus") or a milestone in words; an unknown code as it is."""
    year = late_year(target)
    if year is not None:
        return tr.t("lapor.late", year=str(year))
    if target in MILESTONE_KEYS:
        return tr.t(MILESTONE_KEYS[target])
    if target in ITEM_KEYS:
        return f"{target} {tr.t(ITEM_KEYS[target])}"
    return target


def render_menu(
    tr: Translator,
    koperasi_id: int,
    nama: str,
    entries: list[MenuEntry],
    *,
    mandatory: set[str],
    late: tuple[int, ...] = (),
) -> tuple[str, InlineKeyboardMarkup]:
    """The menu: a line and a button per target, the missed years' late RAT (`late`), and
    *Batalkan perubahan terakhir* last.

    Remembered per reader's language, cooperative and states: a board opens the same menu
    again and again between changes, and its ~22 buttons cost more to build than to read
    the states (PTB's keyboard objects are immutable, so one can be sent many times).
    """
    return _menu(tr, koperasi_id, nama, tuple(entries), frozenset(mandatory), tuple(late))


@functools.lru_cache(maxsize=2048)
def _menu(
    tr: Translator,
    koperasi_id: int,
    nama: str,
    entries: tuple[MenuEntry, ...],
    mandatory: frozenset[str],
    late: tuple[int, ...],
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [tr.t("lapor.menu.title", nama=nama), tr.t("lapor.menu.items")]
    items = [e for e in entries if e.target not in MILESTONES]
    milestones = [e for e in entries if e.target in MILESTONES]
    for entry in items:
        star = "*" if entry.target in mandatory else ""
        label = target_label(tr, entry.target) + star
        lines.append(f"{STATE_MARKS.get(entry.state, '⬜')} {label}")
    lines += ["", tr.t("lapor.menu.milestones")]
    lines += [f"{STATE_MARKS[e.state]} {target_label(tr, e.target)}" for e in milestones]
    lines += ["", tr.t("lapor.menu.hint")]
    item_buttons = [
        button(f"{STATE_MARKS.get(e.state, '⬜')} {e.target}", _data(koperasi_id, e.target))
        for e in items
    ]
    rows: list[Row] = rows_of(item_buttons, 4)
    rows += rows_of(
        [
            button(
                f"{STATE_MARKS[e.state]} {target_label(tr, e.target)}",
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
    rows.append(single(tr.t("lapor.button.undo"), _data(koperasi_id, UNDO)))
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def _data(koperasi_id: int, target: str) -> str:
    return LaporButton(koperasi_id, target).encode()
