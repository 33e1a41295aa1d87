"""Inline keyboard builders (no routing): rows of numbered buttons, page rows, single buttons.

Callers pass the callback data already encoded; every builder checks Telegram's 64-byte limit.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from domain.callbacks import MAX_CALLBACK_BYTES
from domain.koperasi_list import PageWindow
from locales import Translator

Row = list[InlineKeyboardButton]
# Telegram shows at most 8 buttons in a row; 5 keeps numbers readable on a phone.
NUMBERS_PER_ROW = 5


def plain(rendered: str) -> str:
    """A rendered message as a button's text: buttons show no HTML, so nothing stays escaped."""
    return html.unescape(rendered)


def button(text: str, data: str) -> InlineKeyboardButton:
    """One callback button; refuses data Telegram would refuse."""
    if not 0 < len(data.encode()) <= MAX_CALLBACK_BYTES:
        msg = f"callback data of {len(data.encode())} bytes: {data!r}"
        raise ValueError(msg)
    return InlineKeyboardButton(text, callback_data=data)


def rows_of(buttons: Sequence[InlineKeyboardButton], per_row: int) -> list[Row]:
    """`buttons` in rows of `per_row`."""
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def numbered_rows(window: PageWindow, ids: Sequence[int], data: Callable[[int], str]) -> list[Row]:
    """A button per item, labelled with its list number (as in the text above it)."""
    buttons = [button(str(window.number(index)), data(item)) for index, item in enumerate(ids)]
    return rows_of(buttons, NUMBERS_PER_ROW)


def page_row(tr: Translator, window: PageWindow, data: Callable[[int], str]) -> Row:
    """◀︎ n/m ▶︎ for a list of several pages (the middle button re-shows the page); else none."""
    if window.pages <= 1:
        return []
    row: Row = []
    if window.has_previous:
        row.append(button(tr.t("keyboard.previous"), data(window.page - 1)))
    label = tr.t("keyboard.page", page=window.page + 1, pages=window.pages)
    row.append(button(label, data(window.page)))
    if window.has_next:
        row.append(button(tr.t("keyboard.next"), data(window.page + 1)))
    return row


def single(text: str, data: str) -> Row:
    """A row holding one button."""
    return [button(text, data)]


def one_per_row(buttons: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup:
    """A keyboard of (text, callback data) pairs, one button per row (e.g. those a service
    built for a message it also queues)."""
    return InlineKeyboardMarkup([single(text, data) for text, data in buttons])
