"""Helpers for the onboarding tests: admins, cooperatives, invite codes in messages, outbox
delivery, and presses of buttons whose callback data a test made up."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select, update
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import add_admin
from handlers.context import GempurApp
from services.outbox.api import PtbBotApi, stored_file_keys, with_uploads
from storage.repositories.base import rowcount
from storage.tables import Koperasi, Outbox
from tests.helpers.driver import BotMessage, UserSession

CODE_IN_TEXT = re.compile(r"\b([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{5})\b")
LINK_IN_TEXT = re.compile(r"https://t\.me/\w+\?start=([A-Z2-9]{13})")
NOW = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)


async def make_admin(app: GempurApp, telegram_user_id: int) -> None:
    """Grants the admin role as `python bot.py admin add ID` does."""
    services = app.bot_data.services
    async with services.uow() as uow:
        await add_admin(uow, telegram_user_id, services.catalogues, services.clock)
        await uow.commit()


async def add_koperasi(
    app: GempurApp, nama: str, kecamatan: str = "Kraksaan", **fields: object
) -> int:
    """Adds a cooperative to the register; returns its id."""
    services = app.bot_data.services
    async with services.uow() as uow:
        koperasi = await uow.koperasi.add(
            Koperasi(nama=nama, kecamatan=kecamatan, created_at=NOW, updated_at=NOW, **fields)
        )
        await uow.commit()
        return koperasi.id


def invite_code(message: BotMessage) -> str:
    """The code of an invite card, as the deep link carries it (no hyphens)."""
    link = LINK_IN_TEXT.search(message.body)
    shown = CODE_IN_TEXT.search(message.body)
    assert link is not None, message.body
    assert shown is not None, message.body
    assert shown.group(1).replace("-", "") == link.group(1)
    return link.group(1)


async def deliver_outbox(app: GempurApp) -> list[Outbox]:
    """Sends every pending outbox row through the bot, as the leader's paced sender would.

    Each row is taken (pending → sent) before its call, so a real sender running alongside
    could never send it twice.
    """
    services = app.bot_data.services
    async with services.uow(write=False) as uow:
        rows = list(
            await uow.session.scalars(
                select(Outbox).where(Outbox.status == "pending").order_by(Outbox.id)
            )
        )
    sent = []
    for row in rows:
        async with services.uow() as uow:
            taken = await uow.session.execute(
                update(Outbox)
                .where(Outbox.id == row.id, Outbox.status == "pending")
                .values(status="sent", sent_at=services.clock.now())
            )
            await uow.commit()
        if rowcount(taken) == 1:
            payload: dict[str, object] = dict(row.payload)
            if keys := stored_file_keys(payload):  # a generated file: uploaded as the sender does
                async with services.uow(write=False) as uow:
                    payload = with_uploads(payload, await uow.outbox.files(keys))
            message_id = await PtbBotApi(app.bot).call(row.method, payload)
            # Recorded as the sender records it: replies to a relayed copy find it by this id.
            async with services.uow() as uow:
                await uow.session.execute(
                    update(Outbox)
                    .where(Outbox.id == row.id)
                    .values(telegram_message_id=message_id)
                )
                await uow.commit()
            sent.append(row)
    return sent


async def press_forged(app: GempurApp, user: UserSession, data: str) -> None:
    """Presses a button carrying `data` that the bot never offered this user.

    A modified client can send any callback data; the stub only lets users press buttons on
    messages, so the test first plants a message with that button in the user's chat.
    """
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data=data)]])
    await app.bot.send_message(chat_id=user.id, text="·", reply_markup=markup)
    await user.press("x")
