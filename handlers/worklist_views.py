"""How the officer's worklist looks: lines with translated flags, on /koperasi and the home.

Renderers only. Names are cut before the translator escapes them.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from domain.callbacks import KoperasiAction, KoperasiButton
from domain.koperasi_list import NAME_IN_LIST, ListState, page_window, shorten, split_shown
from domain.worklist import NOT_VISITED_DAYS, WorkFlag, WorkLine
from handlers.keyboards import Row, numbered_rows, page_row, single
from handlers.koperasi_views import Screen, card_data, list_data
from locales import N_, Safe, Translator

WORKLIST_PAGE_SIZE = 10  # lines per page of "Perlu tindakan"


_PLAIN_KEYS = {
    WorkFlag.TIDAK_AKTIF: N_("worklist.flag.tidak_aktif"),
    WorkFlag.RAWAN: N_("worklist.flag.rawan"),
}


def _flag(tr: Translator, flag: WorkFlag, line: WorkLine) -> str:
    counts = line.counts
    if flag in _PLAIN_KEYS:
        return tr.t(_PLAIN_KEYS[flag])
    if flag is WorkFlag.OVERDUE_FOLLOW_UP:
        return tr.t("worklist.flag.overdue", count=counts.overdue_follow_ups)
    if flag is WorkFlag.RETURNED:
        return tr.t("worklist.flag.returned", count=counts.returned)
    if flag is WorkFlag.UNREACHABLE_BOARD:
        return tr.t("worklist.flag.unreachable", count=counts.unreachable_board)
    if counts.last_visit is None:
        return tr.t("worklist.flag.never_visited")
    return tr.t("worklist.flag.not_visited", days=line.days_overdue + NOT_VISITED_DAYS)


def worklist_line(tr: Translator, number: int, line: WorkLine) -> str:
    """`3. <b>Name</b> — flag, flag`."""
    flags = ", ".join(_flag(tr, flag, line) for flag in line.flags)
    nama = shorten(line.nama, NAME_IN_LIST)
    return tr.t("worklist.line", number=number, nama=nama, flags=Safe(flags))


def worklist_block(tr: Translator, lines: Sequence[WorkLine], limit: int) -> str:
    """The title and the first `limit` lines ('' when nothing needs action)."""
    if not lines:
        return ""
    shown, more = split_shown(lines, limit)
    text = [tr.t("worklist.title", count=len(lines))]
    text += [worklist_line(tr, index + 1, line) for index, line in enumerate(shown)]
    if more:
        text.append(tr.t("worklist.more", count=more))
    return "\n".join(text)


def render_worklist(
    tr: Translator, lines: Sequence[WorkLine], back: ListState, page: int = 0
) -> Screen:
    """The "Perlu tindakan" screen, a page of it: the lines numbered across pages, a button
    per card, ◀︎ n/m ▶︎ when there are more, and back to the list."""
    if not lines:
        return tr.t("worklist.empty"), InlineKeyboardMarkup(
            [single(tr.t("koperasi.button.back_to_list"), list_data(back))]
        )
    window = page_window(len(lines), page, size=WORKLIST_PAGE_SIZE)
    shown = list(lines[window.offset : window.offset + window.size])
    text = [tr.t("worklist.title", count=len(lines))]
    text += [worklist_line(tr, window.number(index), line) for index, line in enumerate(shown)]
    rows = numbered_rows(
        window, [line.koperasi_id for line in shown], lambda kid: card_data(kid, back)
    )
    pager = page_row(tr, window, lambda number: worklist_data(back, number))
    if pager:
        rows.append(pager)
    rows.append(single(tr.t("koperasi.button.back_to_list"), list_data(back)))
    return "\n".join(text), InlineKeyboardMarkup(rows)


def worklist_data(back: ListState, page: int = 0) -> str:
    """The worklist's page `page` (the first: the list's own button), back to `back`."""
    if page == 0:
        return KoperasiButton(KoperasiAction.WORKLIST, (), back).encode()
    return KoperasiButton(KoperasiAction.WORKLIST_PAGE, (page,), back).encode()


def worklist_row(tr: Translator, count: int, state: ListState) -> Row:
    """The list's *Perlu tindakan (N)* button, returning to the list page `state`."""
    return single(tr.t("worklist.button", count=count), worklist_data(state))
