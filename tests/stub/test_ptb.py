"""python-telegram-bot talks to the stub as to Telegram, including its error classes."""

from __future__ import annotations

import datetime as dt

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter

from telegram_stub import BotApiStub, StubUser


async def test_ptb_bot_gets_me_sends_a_keyboard_and_polls(
    bot: telegram.Bot, stub: BotApiStub, ani: StubUser
) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Setuju", callback_data="ok")]])

    me = await bot.get_me()
    sent = await bot.send_message(
        1001, "<b>Lanjut</b> &amp; simpan?", parse_mode="HTML", reply_markup=keyboard
    )
    stub.inject_message(ani, "/start ABC")
    stub.press(ani, "Setuju")
    updates = await bot.get_updates(timeout=1)

    assert (me.id, me.username, me.is_bot) == (123456, "gempur_test_bot", True)
    assert sent.text == "Lanjut & simpan?"
    assert sent.parse_entities() == {sent.entities[0]: "Lanjut"}
    assert sent.reply_markup == keyboard
    assert updates[0].message is not None
    assert updates[0].message.text == "/start ABC"
    assert updates[0].message.get_bot() is bot
    assert updates[1].callback_query is not None
    assert updates[1].callback_query.data == "ok"
    assert await updates[1].callback_query.answer("Tersimpan") is True


async def test_ptb_raises_bad_request_for_telegrams_refusals(
    bot: telegram.Bot, ani: StubUser
) -> None:
    sent = await bot.send_message(1001, "Halo")

    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("Halo", chat_id=1001, message_id=sent.message_id)
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await bot.send_message(1001, "KSU <Sejahtera>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await bot.send_message(
            1001,
            "?",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("x", callback_data="d" * 65)]]
            ),
        )


async def test_ptb_raises_forbidden_for_a_blocked_user(
    bot: telegram.Bot, stub: BotApiStub, ani: StubUser
) -> None:
    stub.inject_chat_member(ani, "kicked")

    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(1001, "Halo")


# PTB 22 warns that retry_after will become a timedelta; either form is accepted here.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_ptb_raises_retry_after_with_the_stubs_delay(
    bot: telegram.Bot, stub: BotApiStub, ani: StubUser
) -> None:
    stub.rate_limit(9, chat_id=1001, count=1)

    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(1001, "Halo")
    sent = await bot.send_message(1001, "Halo")

    assert caught.value.retry_after in (9, dt.timedelta(seconds=9))
    assert sent.text == "Halo"


async def test_ptb_uploads_reuses_and_downloads_files(
    bot: telegram.Bot, ani: StubUser, budi: StubUser
) -> None:
    first = await bot.send_document(1001, b"isi dokumen", filename="catatan.txt")
    assert first.document is not None

    again = await bot.send_document(1002, first.document.file_id)
    file = await bot.get_file(first.document.file_id)
    content = await file.download_as_bytearray()

    assert again.document is not None
    assert again.document.file_id == first.document.file_id
    assert bytes(content) == b"isi dokumen"


async def test_ptb_sends_albums_and_sets_commands(bot: telegram.Bot, ani: StubUser) -> None:
    album = await bot.send_media_group(
        1001, [telegram.InputMediaPhoto(b"photo-1"), telegram.InputMediaPhoto(b"photo-2")]
    )
    await bot.set_my_commands(
        [("start", "Mulai")], scope=telegram.BotCommandScopeChat(1001), language_code="id"
    )

    commands = await bot.get_my_commands(
        scope=telegram.BotCommandScopeChat(1001), language_code="id"
    )

    assert len(album) == 2
    assert album[0].media_group_id == album[1].media_group_id is not None
    assert commands == (telegram.BotCommand("start", "Mulai"),)
