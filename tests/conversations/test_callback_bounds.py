"""Callback data out of range is a stale button (issue 9, item 4): ids too large for the id
columns, pressed by a stranger or an admin, get the ordinary "menu expired" answer, once, and
nothing reaches the database or the error log."""

from __future__ import annotations

import logging

import pytest

from domain.access import Role
from domain.callbacks import MAX_ID
from telegram_stub import BotApiStub
from tests.helpers.bot import Conversation
from tests.helpers.driver import Driver
from tests.helpers.seed import add_person, answer_of, forge_press

STRANGER, ADMIN = 7001, 7009
HUGE = "9" * 25  # what SQLite refused with OverflowError
OVER = str(MAX_ID + 1)  # one past the largest INTEGER id: PostgreSQL refuses it
TAG = "A" * 16

# Any sender reaches these handlers (the consent and board buttons check the person later).
ANYONE = [f"i:y:{HUGE}:{TAG}", f"i:y:{OVER}:{TAG}", f"i:s:{HUGE}:status", f"f:{HUGE}:1:a:0"]
# Admins' buttons: past the role check, the id went to the database.
ADMIN_ONLY = [
    f"i:r:{HUGE}:0",
    f"i:g:{HUGE}",
    f"m:{HUGE}:ok",
    f"j:r:{HUGE}",
    f"j:a:{HUGE}:petugas",
    f"i:r:{OVER}:0",
    f"m:{OVER}:no",
    f"k:c:{OVER}:0:-",
    f"p:o:{OVER}",
    f"p:a:{HUGE}:0:0",
]


@pytest.fixture
async def people(conv: Conversation, driver: Driver) -> None:
    """An admin and a stranger, each with a message from the bot to press buttons on."""
    async with conv.app.bot_data.services.uow() as uow:
        await add_person(uow, ADMIN, "Dedi", roles=[Role.ADMIN])
        await uow.commit()
    await conv.say(driver.user(ADMIN, "Dedi"), "/start")
    await conv.say(driver.user(STRANGER, "Tamu"), "/start")


@pytest.mark.usefixtures("people")
@pytest.mark.parametrize(
    ("user_id", "data"),
    [(STRANGER, data) for data in ANYONE] + [(ADMIN, data) for data in ANYONE + ADMIN_ONLY],
)
async def test_an_id_out_of_range_is_a_stale_button_answered_once(
    conv: Conversation,
    stub: BotApiStub,
    caplog: pytest.LogCaptureFixture,
    user_id: int,
    data: str,
) -> None:
    before = len(stub.calls("sendMessage"))
    query_id = forge_press(stub, user_id, data)
    with caplog.at_level(logging.WARNING):
        await conv.deliver()
    answer = answer_of(stub, query_id)
    assert answer["answered"] is True
    assert "kedaluwarsa" in answer["answer"]["text"]  # type: ignore[index]
    answers = stub.calls("answerCallbackQuery")
    assert [call.params["callback_query_id"] for call in answers].count(query_id) == 1
    assert all(call.status == 200 for call in answers)
    assert len(stub.calls("sendMessage")) == before  # no apology, no screen
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
