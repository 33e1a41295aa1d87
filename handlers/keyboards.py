"""Inline keyboard builders (no routing): rows of numbered buttons, page rows, single buttons.

Callers pass the callback data already encoded; every builder checks Telegram's 64-byte limit.
"""

from __future__ import annotations

import html
import json
import operator
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, TelegramObject

from domain.callbacks import MAX_CALLBACK_BYTES
from domain.koperasi_list import PageWindow
from locales import Translator
from runtime.parsed_keyboards import remember_again, remember_sent

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


# A button's fields besides its text and callback data: None on the buttons the bot builds.
_OTHER_FIELDS = tuple(sorted(set(InlineKeyboardButton.__slots__) - {"text", "callback_data"}))
_others = operator.attrgetter(*_OTHER_FIELDS)
_NONE = (None,) * len(_OTHER_FIELDS)
# The JSON of objects sent again and again (a cached menu, the defaults' link preview
# options), by identity, with a keyboard's key in `runtime.parsed_keyboards` (None: none);
# each entry holds its object, so an id is not reused while cached.
_SENT: dict[int, tuple[TelegramObject, str, Hashable | None]] = {}
_SENT_MAX = 512


def _button_dict(b: InlineKeyboardButton) -> dict[str, Any]:
    """`b.to_dict()` for a plain callback button without PTB's generic walk (its keys sorted
    as PTB's slots are); anything else through `to_dict`."""
    data = b.callback_data
    if type(data) is str and not b.api_kwargs and _others(b) == _NONE:
        return {"callback_data": data, "text": b.text}
    return b.to_dict()


def keyboard_dict(markup: InlineKeyboardMarkup) -> dict[str, Any]:
    """`markup.to_dict()`, in one loop over the buttons for a keyboard of plain buttons."""
    if not markup.inline_keyboard or markup.api_kwargs:
        return markup.to_dict()
    return {"inline_keyboard": [[_button_dict(b) for b in row] for row in markup.inline_keyboard]}


def api_json(value: TelegramObject) -> str:
    """The parameter string PTB would send for `value` (`json.dumps(value.to_dict())`, the
    same text), for a Bot API call that passes it as an already encoded parameter.

    An inline keyboard is encoded in one loop over its buttons (PTB's `to_dict` and request
    parameters cost more than the rest of a send); the result is remembered per object
    (keyboards are immutable), so a menu shown again and again is encoded once.
    """
    key = id(value)
    hit = _SENT.get(key)
    if hit is not None and hit[0] is value:
        if hit[2] is not None and isinstance(value, InlineKeyboardMarkup):
            remember_again(value, hit[2])  # the memo may have dropped it meanwhile
        return hit[1]
    pressed: Hashable | None = None
    if isinstance(value, InlineKeyboardMarkup):
        data = keyboard_dict(value)
        encoded = json.dumps(data)
        if data and not value.api_kwargs:  # pressed, it comes back: not parsed again
            pressed = remember_sent(value, data["inline_keyboard"])
    else:
        encoded = json.dumps(value.to_dict())
    if len(_SENT) >= _SENT_MAX:
        del _SENT[next(iter(_SENT))]  # the oldest
    _SENT[key] = (value, encoded, pressed)
    return encoded
