"""The form engine through the real application, fed the stub's updates one call at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from config import AppConfig
from storage.tables import FormSession, Outbox, Person
from telegram_stub import BotApiStub
from tests.helpers.bot import Conversation, conversation
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import Driver, UserSession
from tests.helpers.forms import EXTRA_FORMS


@pytest.fixture
async def conv(cfg: AppConfig, clock: FrozenClock) -> AsyncIterator[Conversation]:
    async with conversation(cfg, clock, EXTRA_FORMS) as running:
        yield running


@pytest.fixture
def ani(driver: Driver) -> UserSession:
    return driver.user(4001, "Ani")


async def _say(conv: Conversation, user: UserSession, text: str) -> str:
    return (await conv.say(user, text)).body


async def _session(conv: Conversation, user_id: int, form: str = "uji") -> FormSession:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        found = await uow.form_sessions.get(user_id, user_id, form)
    assert found is not None
    return found


async def test_every_input_kind_with_reasons_and_the_same_question_again(
    conv: Conversation, ani: UserSession
) -> None:
    first = await _say(conv, ani, "/uji")
    assert "1. Satu" in first
    assert "2. Dua" in first
    await ani.press("2. Dua")
    await conv.deliver()
    [name_prompt] = await ani.wait_for_reply()
    assert "teks" in name_prompt.body

    too_long = await _say(conv, ani, "A" * 41)
    assert "terlalu panjang" in too_long
    assert "teks" in too_long  # the same question again
    assert "angka" in await _say(conv, ani, 'KSU "Maju & Jaya" <Sejahtera>')

    assert "paling besar" in await _say(conv, ani, "1.234")
    assert "tanggal" in (await _say(conv, ani, "25")).lower()

    assert "hari-bulan-tahun" in await _say(conv, ani, "03/31/2027")
    assert "masa depan" in await _say(conv, ani, "besok")
    assert "lokasi" in (await _say(conv, ani, "kemarin")).lower()

    assert "lokasi" in (await _say(conv, ani, "di balai desa")).lower()
    await ani.share_location(-7.75, 113.21)
    await conv.deliver()
    [photo_prompt] = await ani.wait_for_reply()
    assert "foto" in photo_prompt.body
    await ani.send_photo()
    await conv.deliver()
    [document_prompt] = await ani.wait_for_reply()
    assert "file" in document_prompt.body
    await ani.send_document(b"%PDF-1.4 berita acara", "berita_acara.pdf")
    await conv.deliver()
    await ani.wait_for_reply()
    await ani.send_album(3)
    await conv.deliver()
    # The album is closed once no piece arrived for the quiet time: one message for three.
    [received] = await ani.wait_for_reply(timeout=10)
    assert "3 berkas diterima" in received.body
    assert "suara" in received.body
    await ani.send_voice()
    await conv.deliver()
    [done] = await ani.wait_for_reply()
    assert "UJI" in done.body

    session = await _session(conv, ani.id)
    assert session.status == "done"
    answers = session.answers
    assert answers["pilihan"] == "dua"
    assert answers["nama"] == 'KSU "Maju & Jaya" <Sejahtera>'
    assert answers["jumlah"] == 25
    assert answers["tanggal"] == "2027-01-03"  # "kemarin" on Monday 4 January 2027 (WIB)
    assert answers["lokasi"] == {"latitude": -7.75, "longitude": 113.21}
    assert answers["berkas"]["name"] == "berita_acara.pdf"
    assert len(answers["album"]) == 3
    assert answers["suara"]["file_id"]


async def test_typed_number_chooses_and_an_old_button_changes_nothing(
    conv: Conversation, ani: UserSession, stub: BotApiStub
) -> None:
    await _say(conv, ani, "/uji")
    skipped = await _say(conv, ani, "3")  # "Tiga" skips the name step
    assert "angka" in skipped
    await ani.press("1. Satu")  # the button of a step the person has left
    await conv.deliver()
    answers = stub.callback_answers()
    assert answers[-1]["answered"] is True
    assert "kedaluwarsa" in answers[-1]["answer"]["text"]
    session = await _session(conv, ani.id)
    assert session.step == "jumlah"
    assert session.answers == {"pilihan": "tiga"}


async def test_a_button_of_an_older_prompt_of_a_repeated_step_is_stale(
    conv: Conversation, ani: UserSession, stub: BotApiStub
) -> None:
    first = await conv.say(ani, "/ulang")
    second = await conv.say(ani, "1")  # typed: the first prompt keeps its buttons
    assert "2. Cukup" in second.body
    # The first prompt's *Cukup* is of the same step, asked before: it must not answer the
    # question asked now.
    await ani.press_on(first.message_id, "2. Cukup")
    await conv.deliver()
    answers = stub.callback_answers()
    assert "kedaluwarsa" in answers[-1]["answer"]["text"]
    session = await _session(conv, ani.id, "ulang")
    assert session.status == "active"
    assert session.answers == {"pilih": ["lagi"]}
    # The current prompt's button still answers.
    await ani.press_on(second.message_id, "2. Cukup")
    await conv.deliver()
    session = await _session(conv, ani.id, "ulang")
    assert session.status == "done"
    assert session.answers == {"pilih": ["lagi", "cukup"]}


async def test_a_command_suspends_the_form_and_the_draft_resumes(
    conv: Conversation, ani: UserSession
) -> None:
    await _say(conv, ani, "/uji")
    await _say(conv, ani, "2")
    await _say(conv, ani, "Ani")
    assert "/bahasa" in await _say(conv, ani, "/bantuan")
    assert "belum paham" in await _say(conv, ani, "30")  # no active form: a hint
    resumed = await _say(conv, ani, "/uji")
    assert "Melanjutkan draf" in resumed
    assert "angka" in resumed
    session = await _session(conv, ani.id)
    assert session.answers == {"pilihan": "dua", "nama": "Ani"}


async def test_batal_keeps_the_draft(conv: Conversation, ani: UserSession) -> None:
    assert "Tidak ada isian" in await _say(conv, ani, "/batal")
    await _say(conv, ani, "/uji")
    await _say(conv, ani, "1")
    assert "draf" in await _say(conv, ani, "/batal")
    session = await _session(conv, ani.id)
    assert session.status == "suspended"
    assert session.answers == {"pilihan": "satu"}


async def test_a_redelivered_update_is_applied_once(conv: Conversation, ani: UserSession) -> None:
    await _say(conv, ani, "/uji")
    await ani.send("3")
    [update] = await conv.deliver()
    await conv.app.process_update(update)  # Telegram delivers it again after a restart
    session = await _session(conv, ani.id)
    assert session.step == "jumlah"
    assert session.answers == {"pilihan": "tiga"}
    replies = await ani.wait_for_reply(count=2)
    assert all("angka" in reply.body for reply in replies)  # the current question, twice


async def test_several_redelivered_updates_are_each_applied_once(
    conv: Conversation, ani: UserSession
) -> None:
    """After a crash Telegram repeats the whole unconfirmed batch, older answers included."""
    await _say(conv, ani, "/uji")
    await ani.send("2")
    [choice] = await conv.deliver()
    await ani.wait_for_reply()
    await ani.send("Ani")
    [name] = await conv.deliver()
    await ani.wait_for_reply()
    for update in (choice, name):  # delivered again, in their order
        await conv.app.process_update(update)
    session = await _session(conv, ani.id)
    assert session.step == "jumlah"
    assert session.answers == {"pilihan": "dua", "nama": "Ani"}
    assert session.applied_updates[-2:] == [choice.update_id, name.update_id]


async def test_bahasa_switches_language_and_queues_the_chat_menu(
    conv: Conversation, ani: UserSession
) -> None:
    prompt = await _say(conv, ani, "/bahasa")
    assert "English" in prompt
    saved = await _say(conv, ani, "2")
    assert "I will use" in saved
    assert "What I can do" in await _say(conv, ani, "/bantuan")
    async with conv.app.bot_data.services.uow(write=False) as uow:
        person = (await uow.session.scalars(select(Person))).one()
        menu = (await uow.session.scalars(select(Outbox))).one()
    assert person.telegram_user_id == ani.id
    assert person.language == "en"
    assert person.full_name is None  # a stranger's row holds no personal data
    assert menu.method == "setMyCommands"
    assert menu.payload["scope"] == {"type": "chat", "chat_id": ani.id}
    assert "language_code" not in menu.payload
    # The menu of an English reader names the English commands (all names keep working).
    entry = {"command": "language", "description": "Choose the language"}
    assert entry in menu.payload["commands"]


async def test_a_newer_menu_supersedes_one_still_waiting(
    conv: Conversation, ani: UserSession
) -> None:
    """Switching languages twice before the outbox sends: only the last menu goes out."""
    for choice in ("2", "1"):
        await _say(conv, ani, "/bahasa")
        await _say(conv, ani, choice)
    async with conv.app.bot_data.services.uow(write=False) as uow:
        menus = list(await uow.session.scalars(select(Outbox).order_by(Outbox.id)))
    assert [row.status for row in menus] == ["superseded", "pending"]
    assert {"command": "bahasa", "description": "Pilih bahasa"} in menus[-1].payload["commands"]


async def test_the_same_language_again_queues_no_menu(
    conv: Conversation, ani: UserSession
) -> None:
    for choice in ("2", "2"):
        await _say(conv, ani, "/bahasa")
        assert "I will use" in await _say(conv, ani, choice)
    async with conv.app.bot_data.services.uow(write=False) as uow:
        menus = list(await uow.session.scalars(select(Outbox)))
    assert [row.status for row in menus] == ["pending"]


async def test_idle_forms_are_suspended_and_old_drafts_erased(
    conv: Conversation, ani: UserSession, clock: FrozenClock
) -> None:
    await _say(conv, ani, "/uji")
    await _say(conv, ani, "1")
    services = conv.app.bot_data.services
    clock.advance(hours=25)
    async with services.uow() as uow:
        assert await services.forms.expire(uow, now=clock.now()) == (1, 0)
        await uow.commit()
    assert (await _session(conv, ani.id)).status == "suspended"
    clock.advance(days=15)
    async with services.uow() as uow:
        assert await services.forms.expire(uow, now=clock.now()) == (0, 1)
        await uow.commit()
    session = await _session(conv, ani.id)
    assert session.status == "expired"
    assert session.answers == {}
