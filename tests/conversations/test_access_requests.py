"""Access requests and the first admin, as a new user lives them: a request made while nobody
is admin, the menu a new admin gets whichever way they became one, the list of requests
waiting, and the cool-down after a refusal."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot import grant_configured_admins
from config import AppConfig
from domain.callbacks import JoinPendingList
from storage.tables import JoinRequest, Outbox
from telegram_stub import BotApiStub
from tests.helpers.bot import Conversation, conversation
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import Driver, UserSession
from tests.helpers.onboarding import deliver_outbox, make_admin, press_forged

ADMIN = 8001


async def _rows(conv: Conversation, table: Any, *where: Any) -> list[Any]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        return list(await uow.session.scalars(select(table).where(*where)))


async def _ask(conv: Conversation, stranger: UserSession) -> None:
    await conv.say(stranger, "/start")
    await conv.press(stranger, "Minta akses")
    await conv.say(stranger, "1")  # send without a note


def _chat_menu(stub: BotApiStub, chat_id: int) -> list[str]:
    menus = [m for m in stub.command_menus() if m["scope"] == f"chat:{chat_id}"]
    return [c["command"] for m in menus for c in m["commands"]]


async def test_a_request_made_while_nobody_is_admin_reaches_the_first_admin(
    conv: Conversation, driver: Driver, stub: BotApiStub
) -> None:
    admin, citra = driver.user(ADMIN, "Dinas"), driver.user(8601, "Citra")
    await conv.say(admin, "/start")  # not an admin yet: a stranger
    await _ask(conv, citra)
    [request] = await _rows(conv, JoinRequest)
    assert request.status == "pending"
    assert await deliver_outbox(conv.app) == []  # nobody to tell yet

    await make_admin(conv.app, ADMIN)  # `python bot.py admin add 8001`
    await deliver_outbox(conv.app)
    [asked] = await admin.wait_for_reply()
    assert f"Permintaan akses #{request.id}" in asked.body
    assert "Citra" in asked.body
    assert asked.buttons[-1] == "Tolak"
    assert "undang" in _chat_menu(stub, ADMIN)  # and the admin's own menu, not the public one

    done = await conv.press(admin, "Tolak")
    assert "Ditolak" in done.body
    await deliver_outbox(conv.app)
    [told] = await citra.wait_for_reply()
    assert "tidak disetujui" in told.body


async def test_configured_admins_get_their_menu_and_the_waiting_requests_at_start_up(
    cfg: AppConfig, clock: FrozenClock, driver: Driver, stub: BotApiStub
) -> None:
    admin = driver.user(ADMIN, "Dinas")
    async with conversation(cfg, clock) as conv:
        await conv.say(admin, "/start")
        await _ask(conv, driver.user(8602, "Dewi"))
    configured = cfg.model_copy(
        update={"access": cfg.access.model_copy(update={"admin_telegram_ids": [ADMIN]})}
    )
    async with conversation(configured, clock) as conv:
        await grant_configured_admins(conv.app.bot_data.services)  # as on_startup does
        await grant_configured_admins(conv.app.bot_data.services)  # a restart: nothing twice
        rows = await _rows(conv, Outbox, Outbox.chat_id == ADMIN)
        assert sorted(row.method for row in rows) == ["sendMessage", "setMyCommands"]
        await deliver_outbox(conv.app)
    [asked] = await admin.wait_for_reply()
    assert "Dewi" in asked.body
    assert "petugas" in _chat_menu(stub, ADMIN)


async def test_admins_list_the_requests_waiting_from_the_invite_menu(
    conv: Conversation, driver: Driver
) -> None:
    admin = driver.user(ADMIN, "Dinas")
    await make_admin(conv.app, ADMIN)
    menu = await conv.say(admin, "/undang")
    assert not any(b.startswith("Permintaan akses") for b in menu.buttons)
    for number, name in enumerate(("Eka", "Fitri"), start=1):
        await _ask(conv, driver.user(8610 + number, name))
    menu = await conv.say(admin, "/undang")
    assert menu.buttons[:3] == ["Petugas pendamping", "Admin Dinas", "Pimpinan Dinas"]
    assert menu.buttons[-1] == "Permintaan akses (2)"
    await admin.press("Permintaan akses (2)")
    await conv.deliver()
    header, eka, fitri = await admin.wait_for_reply(3)
    assert "menunggu keputusan: 2" in header.body
    assert "Eka" in eka.body
    assert "Fitri" in fitri.body
    assert fitri.buttons[0] == "Setujui sebagai petugas pendamping"
    await admin.press("Setujui sebagai petugas pendamping")  # the latest: Fitri's
    await conv.deliver()
    [request] = await _rows(conv, JoinRequest, JoinRequest.display_name == "Fitri")
    assert request.status == "approved"
    assert (await conv.say(admin, "/undang")).buttons[-1] == "Permintaan akses (1)"


async def test_the_request_is_sent_only_once_the_person_chooses(
    conv: Conversation, driver: Driver
) -> None:
    await conv.say(driver.user(ADMIN, "Dinas"), "/start")
    await make_admin(conv.app, ADMIN)
    await deliver_outbox(conv.app)  # the admin's menu
    gita = driver.user(8620, "Gita")
    await conv.say(gita, "/start")
    how = await conv.press(gita, "Minta akses")
    assert "Permintaan akses Anda dikirim" not in how.body
    assert "akan dikirim" in how.body
    [draft] = await _rows(conv, JoinRequest)
    assert draft.status == "draft"
    assert await deliver_outbox(conv.app) == []  # no admin told of a request not yet sent
    note_prompt = await conv.say(gita, "2")
    assert "dikirim ke admin" not in note_prompt.body
    sent = await conv.say(gita, "Bendahara KUD Tani")
    assert "sudah dikirim ke admin" in sent.body
    [asked] = await deliver_outbox(conv.app)
    assert "Catatan: Bendahara KUD Tani" in asked.payload["text"]


async def test_a_refused_stranger_may_ask_again_only_after_the_cool_down(
    conv: Conversation, driver: Driver, clock: FrozenClock
) -> None:
    admin, hadi = driver.user(ADMIN, "Dinas"), driver.user(8630, "Hadi")
    await conv.say(admin, "/start")
    await make_admin(conv.app, ADMIN)
    await _ask(conv, hadi)
    again = await conv.press(hadi, "Minta akses")
    assert "sudah terkirim dan menunggu" in again.body  # one open request at a time
    await deliver_outbox(conv.app)
    await admin.wait_for_reply()
    await conv.press(admin, "Tolak")
    clock.advance(days=3)
    await conv.say(hadi, "/start")
    cooling = await conv.press(hadi, "Minta akses")
    assert "bisa meminta lagi mulai" in cooling.body
    assert len(await _rows(conv, JoinRequest)) == 1
    clock.advance(days=5)  # 8 days after the refusal; the cool-down is 7
    await conv.say(hadi, "/start")
    how = await conv.press(hadi, "Minta akses")
    assert "1. Kirim tanpa catatan" in how.body
    assert len(await _rows(conv, JoinRequest)) == 2


async def test_only_admins_may_list_the_requests(
    conv: Conversation, driver: Driver, stub: BotApiStub
) -> None:
    await _ask(conv, driver.user(8640, "Indah"))
    mallory = driver.user(8641, "Mallory")
    await conv.say(mallory, "/start")
    await press_forged(conv.app, mallory, JoinPendingList().encode())
    await conv.deliver()
    [answer] = [r["answer"] for r in stub.callback_answers() if r["data"] == "j:l"]
    assert "tidak memiliki akses" in answer["text"]
    assert not any("Indah" in m.body for m in await mallory.messages())
