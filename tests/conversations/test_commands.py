"""Commands through the real application: each language sees its own command names in /bantuan
(and /help), and every name works whatever the reader's language."""

from __future__ import annotations

from domain.access import Role
from tests.helpers.bot import Conversation
from tests.helpers.driver import Driver
from tests.helpers.seed import add_person

ADMIN = 7001


async def _admin(conv: Conversation) -> None:
    async with conv.app.bot_data.services.uow() as uow:
        await add_person(uow, ADMIN, "Dedi", roles=[Role.ADMIN])
        await uow.commit()


async def test_an_english_reader_sees_english_command_names(
    conv: Conversation, driver: Driver
) -> None:
    await _admin(conv)
    john = driver.user(ADMIN, "John", language_code="en")
    help_text = (await conv.say(john, "/help")).body
    for name in ("/help", "/language", "/cancel", "/privacy", "/coops", "/officers", "/invite"):
        assert name in help_text
    assert "/import" in help_text
    names = {line.split()[0] for line in help_text.splitlines() if line.startswith("/")}
    assert not names & {"/bantuan", "/bahasa", "/batal", "/privasi", "/koperasi", "/impor"}
    # The Indonesian names keep working for an English reader, and the English ones read
    # the same as the Indonesian ones.
    assert (await conv.say(john, "/bantuan")).body == help_text
    assert "English" in (await conv.say(john, "/language")).body
    assert "Cancelled" in (await conv.say(john, "/cancel")).body  # the /language form


async def test_an_indonesian_reader_sees_indonesian_command_names(
    conv: Conversation, driver: Driver
) -> None:
    await _admin(conv)
    dedi = driver.user(ADMIN, "Dedi", language_code="id")
    help_text = (await conv.say(dedi, "/bantuan")).body
    for name in ("/bantuan", "/bahasa", "/batal", "/privasi", "/koperasi", "/undang", "/impor"):
        assert name in help_text
    names = {line.split()[0] for line in help_text.splitlines() if line.startswith("/")}
    assert not names & {"/help", "/language", "/cancel", "/privacy", "/coops", "/import"}
    assert (await conv.say(dedi, "/help")).body == help_text
    intro = (await conv.say(dedi, "/import")).body  # the form's English name starts it too
    assert "Kirim berkasnya sekarang" in intro


async def test_a_form_command_takes_the_answer_to_its_first_step(
    conv: Conversation, driver: Driver
) -> None:
    ani = driver.user(7002, "Ani", language_code="id")
    assert "I will use" in (await conv.say(ani, "/bahasa English")).body
    assert "saya akan memakai Bahasa Indonesia" in (await conv.say(ani, "/language 1")).body
    refused = (await conv.say(ani, "/bahasa Klingon")).body
    assert "2. English" in refused  # the reason, then the same question with its options
    assert "I will use" in (await conv.say(ani, "2")).body  # the form waits for the answer
