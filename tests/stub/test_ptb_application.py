"""A real PTB Application polls the stub while the driver acts as a user."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from telegram_stub import BotApiStub
from tests.helpers.driver import Driver


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    code = " ".join(context.args or [])
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Setuju", callback_data="agree")]])
    await update.effective_message.reply_text(
        f"Kode <b>{code}</b> diterima", parse_mode="HTML", reply_markup=keyboard
    )


async def _agree(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Tersimpan")
    await query.edit_message_text("Terima kasih")


@pytest.fixture
async def polling_app(stub: BotApiStub) -> AsyncIterator[object]:
    app = (
        Application.builder()
        .token(stub.token)
        .base_url(stub.bot_base_url)
        .base_file_url(stub.file_base_url)
        .build()
    )
    app.add_handler(CommandHandler("start", _start))
    app.add_handler(CallbackQueryHandler(_agree))
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        yield app
        await app.updater.stop()
        await app.stop()


async def test_deep_link_reply_and_button_press_round_trip(
    polling_app: object,
    driver: Driver,
    stub: BotApiStub,
) -> None:
    ani = driver.user(1001, "Ani")

    await ani.send("/start KSU-42")
    [reply] = await ani.wait_for_reply()
    await ani.press("Setuju")
    edited = await ani.wait_for_edit(reply)

    assert reply.text == "Kode KSU-42 diterima"
    assert reply.entities == [{"type": "bold", "offset": 5, "length": 6}]
    assert edited.text == "Terima kasih"
    [answer] = stub.callback_answers()
    assert answer["answered"] is True
    assert answer["answer"]["text"] == "Tersimpan"
