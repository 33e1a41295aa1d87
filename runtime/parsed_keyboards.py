"""The keyboards of pressed messages, not parsed button by button on every press.

A callback query's update carries the pressed message with all its buttons, and PTB parses
each button into an `InlineKeyboardButton` (about 25 µs each: the 22 of a /lapor menu cost
more than the rest of the update, the database aside). But the pressed keyboard is almost
always one the bot sent itself, and PTB's keyboard objects are immutable: the keyboard sent
(`remember_sent`, from `handlers.keyboards.api_json`) or parsed before is handed out again
when the same buttons come back. The handlers read an equal `InlineKeyboardMarkup` — same
buttons, same values, the same bot on each button — only not a new object each time.

:func:`remember_parsed_keyboards` installs this on `InlineKeyboardMarkup.de_json` (PTB's
message parsing calls it for every `reply_markup`) for the bot it is given; keyboards parsed
for any other bot (tests build several), and those with nested values (a login URL, a web
app), are parsed as PTB parses them.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

from telegram import Bot, InlineKeyboardMarkup

# Distinct keyboards remembered, the least recently used dropped first: the menus open in
# many chats at once (one per cooperative and state). One not remembered is parsed again.
# A 22-button menu with its key costs about 18 KB: 256 of them stay under 5 MB.
SIZE = 256

_Parse = Callable[[dict[str, Any], Bot | None], InlineKeyboardMarkup]


class _Memo:
    """Keyboards by their buttons' values."""

    def __init__(self, parse: _Parse) -> None:
        self.parse = parse  # PTB's own
        self.bot: Bot | None = None  # only keyboards of this bot are remembered
        self.size = SIZE
        self.markups: OrderedDict[Hashable, InlineKeyboardMarkup] = OrderedDict()

    def de_json(self, data: dict[str, Any], bot: Bot | None) -> InlineKeyboardMarkup:
        if bot is None or bot is not self.bot:
            return self.parse(data, bot)
        try:
            key = _key(data["inline_keyboard"])
            markup = self.markups.get(key)
        except (TypeError, KeyError, AttributeError):  # a nested value: not hashable
            return self.parse(data, bot)
        if markup is None:
            self.add(key, self.parse(data, bot))
            return self.markups[key]
        self.markups.move_to_end(key)
        return markup

    def add(self, key: Hashable, markup: InlineKeyboardMarkup) -> None:
        self.markups[key] = markup
        if len(self.markups) > self.size:
            self.markups.popitem(last=False)


_MEMO: _Memo | None = None


def remember_parsed_keyboards(bot: Bot, size: int = SIZE) -> None:
    """Remembers the keyboards `bot` sends and receives (for the last bot given, if called
    again: one application per process, except in tests)."""
    global _MEMO  # noqa: PLW0603 - one memo per process, as PTB's class is one per process
    if _MEMO is None:
        _MEMO = memo = _Memo(InlineKeyboardMarkup.de_json)
        # The classmethod's function, for a subclass (none is used).
        parse = InlineKeyboardMarkup.de_json.__func__  # type: ignore[attr-defined]

        def de_json(
            cls: type[InlineKeyboardMarkup], data: dict[str, Any], bot: Bot | None = None
        ) -> InlineKeyboardMarkup:
            if cls is InlineKeyboardMarkup:
                return memo.de_json(data, bot)
            return parse(cls, data, bot)  # type: ignore[no-any-return] # PTB's own

        # Replaced once per process; see the module docstring.
        InlineKeyboardMarkup.de_json = classmethod(de_json)  # type: ignore[assignment, method-assign]
    _MEMO.bot, _MEMO.size = bot, size
    _MEMO.markups.clear()


def remember_sent(
    markup: InlineKeyboardMarkup, rows: Sequence[Sequence[Mapping[str, Any]]]
) -> Hashable | None:
    """`markup`, about to be sent as `rows` (its JSON values), for when it is pressed; its
    key (None: not rememberable), for `remember_again` when the same object is sent again."""
    memo = _MEMO
    if memo is None or memo.bot is None:
        return None
    try:
        key = _key(rows)
        hash(key)
    except TypeError:  # a nested value: not hashable
        return None
    remember_again(markup, key)
    return key


def remember_again(markup: InlineKeyboardMarkup, key: Hashable) -> None:
    """`markup` sent again (its key from `remember_sent`): remembered anew if it was dropped
    meanwhile, so a press hands back this object rather than a parsed copy of it."""
    memo = _MEMO
    if memo is None or memo.bot is None:
        return
    if memo.markups.get(key) is markup:
        memo.markups.move_to_end(key)
        return
    for row in markup.inline_keyboard:
        for button in row:
            button.set_bot(memo.bot)  # as PTB's parse sets it (a private attribute)
    memo.add(key, markup)


def _key(rows: Sequence[Sequence[Mapping[str, Any]]]) -> Hashable:
    """The buttons' values in a hashable form, whatever the order of each button's keys."""
    return tuple(tuple(tuple(sorted(button.items())) for button in row) for row in rows)
