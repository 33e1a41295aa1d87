"""What the bot's own encoding of a reply sends is what PTB's typed call would send.

`handlers.replies.reply` passes the keyboard and the link preview options already encoded
(`handlers.keyboards.api_json`); Telegram must receive the same parameters with the same
values, encoded the same way.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from telegram import (
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    LoginUrl,
    Message,
    Update,
    WebAppInfo,
)
from telegram._utils.types import ODVInput
from telegram.constants import ParseMode
from telegram.ext import Defaults, ExtBot
from telegram.request import BaseRequest, RequestData

from handlers.context import BotContext
from handlers.keyboards import api_json, button, keyboard_dict, rows_of, single
from handlers.replies import edit, reply
from runtime.chat_waits import ChatWaits, replying
from runtime.parsed_keyboards import remember_parsed_keyboards

CHAT = 4_440_300_222


class Capture(BaseRequest):
    """Records every request's parameters and answers with a sent message."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes]] = []

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        assert request_data is not None
        self.sent.append((url.rsplit("/", 1)[-1], request_data.json_payload))
        message = {"message_id": 7, "date": 0, "chat": {"id": CHAT, "type": "private"}}
        return 200, json.dumps({"ok": True, "result": message}).encode()


def _bot(capture: Capture, defaults: Defaults | None) -> ExtBot[None]:
    return ExtBot(
        "123:abc", request=capture, get_updates_request=capture, defaults=defaults,
        rate_limiter=ChatWaits(),
    )  # fmt: skip


def _update() -> Update:
    chat = Chat(CHAT, Chat.PRIVATE)
    return Update(1, message=Message(1, datetime.now(UTC), chat, text="/lapor"))


class _Context:
    def __init__(self, bot: ExtBot[None]) -> None:
        self.bot = bot


def _markups() -> list[InlineKeyboardMarkup | None]:
    numbered = [button(f"✅ {n} <b>&amp;</b> «ü»", f"lp:{n}:9001:undangan") for n in range(22)]
    mixed = InlineKeyboardMarkup(
        [
            single("Tersimpan", "x:1"),
            [
                InlineKeyboardButton("situs", url="https://example.org/?a=1&b=2"),
                InlineKeyboardButton("masuk", login_url=LoginUrl("https://example.org")),
            ],
            [InlineKeyboardButton("app", web_app=WebAppInfo("https://example.org/app"))],
            [InlineKeyboardButton("cari", switch_inline_query_current_chat="")],
            [InlineKeyboardButton("lain", callback_data="y", api_kwargs={"extra": 1})],
        ]
    )
    return [
        None,
        InlineKeyboardMarkup(rows_of(numbered, 4)),
        mixed,
        InlineKeyboardMarkup([]),
        InlineKeyboardMarkup([[]]),
    ]


@pytest.mark.parametrize("markup", _markups())
@pytest.mark.parametrize(
    "defaults",
    [
        Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(True)),
        Defaults(parse_mode=ParseMode.HTML),
        None,
    ],
)
async def test_a_reply_sends_what_the_typed_call_sends(
    markup: InlineKeyboardMarkup | None, defaults: Defaults | None
) -> None:
    typed, ours = Capture(), Capture()
    text = "<b>Tersimpan</b>. Terima kasih! ✅"
    await _bot(typed, defaults).send_message(CHAT, text, reply_markup=markup)
    with replying():
        sent = await reply(
            _update(), cast(BotContext, _Context(_bot(ours, defaults))), text, markup=markup
        )
    assert sent == 7
    # The same parameters with the same encoded values (their order in the body aside).
    [(method, body)] = ours.sent
    [(typed_method, typed_body)] = typed.sent
    assert method.lower() == typed_method.lower() == "sendmessage"
    assert json.loads(body) == json.loads(typed_body)


@pytest.mark.parametrize("markup", _markups())
async def test_an_edit_sends_what_the_typed_call_sends(
    markup: InlineKeyboardMarkup | None,
) -> None:
    typed, ours = Capture(), Capture()
    defaults = Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(True))
    text = "<b>Daftar</b> 2/3 ✅"
    shown = _update().message
    assert shown is not None
    typed_bot = _bot(typed, defaults)
    shown.set_bot(typed_bot)
    await shown.edit_text(text, reply_markup=markup)
    with replying():
        await edit(shown, cast(BotContext, _Context(_bot(ours, defaults))), text, markup)
    [(method, body)] = ours.sent
    [(typed_method, typed_body)] = typed.sent
    assert method.lower() == typed_method.lower() == "editmessagetext"
    assert json.loads(body) == json.loads(typed_body)


def test_a_keyboard_is_encoded_as_ptb_encodes_it_and_once() -> None:
    for markup in _markups():
        if markup is not None:
            assert keyboard_dict(markup) == markup.to_dict()
            assert api_json(markup) == json.dumps(markup.to_dict())
            assert api_json(markup) is api_json(markup)


def _pressed(markup: dict[str, Any], bot: ExtBot[None]) -> InlineKeyboardMarkup | None:
    """The keyboard of a pressed message as the handlers read it."""
    chat = {"id": CHAT, "type": "private"}
    data = {
        "update_id": 1,
        "callback_query": {
            "id": "9",
            "from": {"id": CHAT, "is_bot": False, "first_name": "A"},
            "chat_instance": "1",
            "data": "lp:1:9001:undangan",
            "message": {"message_id": 3, "date": 0, "chat": chat, "text": "menu",
                        "reply_markup": markup},
        },
    }  # fmt: skip
    update = Update.de_json(data, bot)
    assert update.callback_query is not None
    message = update.callback_query.message
    assert isinstance(message, Message)
    return message.reply_markup


def _same(a: InlineKeyboardMarkup | None, b: InlineKeyboardMarkup | None) -> bool:
    """Equal as PTB compares, and in every field of every button (their bots aside)."""
    assert a is not None
    assert b is not None
    assert a == b
    assert a.to_dict() == b.to_dict()
    for row_a, row_b in zip(a.inline_keyboard, b.inline_keyboard, strict=True):
        for x, y in zip(row_a, row_b, strict=True):
            assert type(x) is type(y)
            for name in (*InlineKeyboardButton.__slots__, "api_kwargs"):
                assert getattr(x, name) == getattr(y, name), name
    return True


def test_a_pressed_keyboard_reads_as_ptb_parses_it_sent_or_received_before() -> None:
    bot, other = _bot(Capture(), None), _bot(Capture(), None)
    remember_parsed_keyboards(bot)
    for markup in _markups():
        if markup is None or not markup.inline_keyboard:
            continue
        sent = json.loads(api_json(markup))  # sent by the bot: remembered
        received = json.loads(json.dumps(sent))
        # Telegram may order a button's keys otherwise
        received["inline_keyboard"] = [
            [dict(reversed(button.items())) for button in row]
            for row in received["inline_keyboard"]
        ]
        as_ptb = _pressed(received, other)  # another bot: parsed by PTB
        for _ in range(2):
            assert _same(_pressed(received, bot), as_ptb)
        parsed = _pressed(received, bot)
        assert parsed is not None
        assert all(b._bot is bot for row in parsed.inline_keyboard for b in row)
        plain = all(b.callback_data for row in markup.inline_keyboard for b in row)
        assert (parsed is markup) == plain  # the one sent, unless it has nested values
    # A keyboard never sent is remembered once parsed; one of another bot is not.
    fresh = {"inline_keyboard": [[{"text": "baru", "callback_data": "z"}]]}
    assert _pressed(fresh, bot) is _pressed(fresh, bot)
    assert _pressed(fresh, other) is not _pressed(fresh, other)
    assert _same(_pressed(fresh, bot), _pressed(fresh, other))


def test_a_cached_keyboard_sent_again_is_remembered_again_after_the_memo_dropped_it() -> None:
    """The memo holds few keyboards (memory): one it dropped is remembered again when the same
    object is sent again, so its press hands back that object, not a parsed copy of it."""
    bot = _bot(Capture(), None)
    remember_parsed_keyboards(bot, size=2)
    menu = InlineKeyboardMarkup([[InlineKeyboardButton("Menu", callback_data="m:1")]])
    sent = json.loads(api_json(menu))
    for index in range(3):  # three other keyboards sent: the menu is dropped
        other = InlineKeyboardMarkup(
            [[InlineKeyboardButton(str(index), callback_data=str(index))]]
        )
        api_json(other)
    assert _pressed(sent, bot) is not menu  # dropped: parsed again, an equal copy
    api_json(menu)  # the cached menu shown again
    assert _pressed(sent, bot) is menu
