"""The RAT cycle as people live it, with the bot polling telegram_stub.

A board member works through the checklist over two sessions (the bot process SIGKILLed in
the middle of a sub-flow between them),
reaches SIAP_RAT, schedules and holds the RAT, uploads the minutes, reports, and the officer
confirms ODS; a cooperative with no board on Telegram gets there through its officer alone;
another board and a pimpinan can change none of it.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from config import RatConfig
from domain.access import Role
from domain.callbacks import LaporButton
from services.rat_recompute import recompute_koperasi
from storage.engine import create_engine, session_factory
from storage.tables import Koperasi
from storage.uow import UnitOfWork
from telegram_stub import BotApiStub
from tests.e2e.test_crash import _kill, _start
from tests.e2e.test_kunjungan import _write_config
from tests.helpers.bot import bot_config, migrate, polling_bot, sqlite_url
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import BotMessage, Driver, DriverError, UserSession
from tests.helpers.seed import (
    NOW,
    add_board_member,
    add_koperasi,
    add_person,
    answer_of,
    forge_press,
)

TODAY = date(2027, 1, 4)
FORMED = date(2020, 1, 1)
WIB = ZoneInfo("Asia/Jakarta")
RINA, ANI, BUDI, PAK = 9101, 9102, 9103, 9104
NO_FLAGS = "Tanda: tidak ada keterlambatan"


async def _seed(database_url: str, stub: BotApiStub) -> dict[str, int]:
    policy = bot_config(stub, database_url).rat.policy()
    engine = create_engine(database_url)
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            ani = await add_person(uow, ANI, "Ani", roles=[Role.PETUGAS])
            await add_person(uow, PAK, "Pak", roles=[Role.PIMPINAN])
            ids = {}
            for nama in ("KSP Sejahtera", "KUD Tanpa Pengurus", "Koperasi Lain"):
                made = await add_koperasi(
                    uow, nama, petugas_id=ani.id, bentuk="primer", tgl_badan_hukum=date(2026, 1, 1)
                )
                await recompute_koperasi(uow, made.id, policy, TODAY, now=NOW)
                ids[nama] = made.id
            await add_board_member(uow, await add_person(uow, RINA, "Rina"), ids["KSP Sejahtera"])
            await add_board_member(uow, await add_person(uow, BUDI, "Budi"), ids["Koperasi Lain"])
            await uow.commit()
    finally:
        await engine.dispose()
    return ids


async def _stage(database_url: str, koperasi_id: int) -> str:
    engine = create_engine(database_url)
    try:
        async with UnitOfWork(session_factory(engine), write=False) as uow:
            found = await uow.session.get(Koperasi, koperasi_id)
            assert found is not None
            return found.tahap
    finally:
        await engine.dispose()


async def _press(user: UserSession, button: str, count: int = 1) -> BotMessage:
    await user.press(button)
    return (await user.wait_for_reply(count))[-1]


async def _say(user: UserSession, text: str, count: int = 1) -> BotMessage:
    await user.send(text)
    return (await user.wait_for_reply(count))[-1]


async def _menu(user: UserSession, office_card: bool) -> None:
    if office_card:
        await _press(user, "📝 Catat laporan RAT")
    else:
        await _say(user, "/lapor")


async def _item_done(user: UserSession, code: str, *, office: bool = False) -> BotMessage:
    """Marks an item done from the menu; returns the status card shown after it."""
    await _menu(user, office)
    await _press(user, f"⬜ {code}")
    await _press(user, "3. Selesai")
    await _say(user, "-")
    return await _press(user, "2. Lewati")


async def _dated(
    user: UserSession, milestone: str, day: str, *, office: bool = False
) -> BotMessage:
    await _menu(user, office)
    await _press(user, f"⬜ {milestone}")
    return await _say(user, day)


async def _planned(user: UserSession, day: str, *, office: bool = False) -> BotMessage:
    await _menu(user, office)
    await _press(user, "⬜ Rencana tanggal dan cara RAT")
    await _say(user, day)
    return await _press(user, "1. tatap muka (luring)")


async def _held(user: UserSession, day: str, *, office: bool = False) -> BotMessage:
    await _menu(user, office)
    await _press(user, "⬜ RAT terlaksana")
    await _say(user, day)
    await _say(user, "50")
    await _say(user, "40")
    for _ in range(3):  # LPJ, statements, RK/RAPB
        await _press(user, "1. Ya")
    await _press(user, "2. Tidak")  # no SHU decided: its amount is not asked
    return await _press(user, "2. Tidak")


async def _through(user: UserSession, card: BotMessage, stage: str) -> None:
    assert f"Tahap: {stage}" in card.body, card.body
    assert NO_FLAGS in card.body


async def _seed_now(url: str) -> int:
    """KSP Sejahtera (formed 2020, officer Ani, Rina on its board) recomputed for the real
    today: the bot process reads the system clock, so its current cycle is the latest one."""
    engine = create_engine(url)
    today = datetime.now(WIB).date()
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            ani = await add_person(uow, ANI, "Ani", roles=[Role.PETUGAS])
            made = await add_koperasi(
                uow, "KSP Sejahtera", petugas_id=ani.id, bentuk="primer", tgl_badan_hukum=FORMED
            )
            await recompute_koperasi(uow, made.id, RatConfig().policy(), today, now=NOW)
            await add_board_member(uow, await add_person(uow, RINA, "Rina"), made.id)
            await uow.commit()
            return made.id
    finally:
        await engine.dispose()


async def _new_with(
    user: UserSession,
    act: Callable[[], Awaitable[object]],
    needle: str,
    timeout: float = 20,  # noqa: ASYNC109 - a deadline for polling the stub, by design
) -> BotMessage:
    """Does `act`, then waits for a new message holding `needle` (reminders or notes from
    the outbox may arrive beside the replies)."""
    try:
        seen = len(await user.messages())
    except DriverError:  # the chat does not exist yet: nothing written to it
        seen = 0
    await act()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        for message in (await user.messages())[seen:]:
            if needle in message.body:
                return message
        assert loop.time() < deadline, f"no message with {needle!r}"
        await asyncio.sleep(0.05)


async def _tap(user: UserSession, button: str, needle: str, timeout: float = 20) -> BotMessage:  # noqa: ASYNC109
    return await _new_with(user, lambda: user.press(button), needle, timeout)


async def _type(user: UserSession, text: str, needle: str, timeout: float = 20) -> BotMessage:  # noqa: ASYNC109
    return await _new_with(user, lambda: user.send(text), needle, timeout)


CARD = "Status RAT —"


async def _done(user: UserSession, code: str) -> BotMessage:
    """Marks an item done without a note or a file; the status card shown after it."""
    await _type(user, "/lapor", "Lapor RAT")
    await _tap(user, f"⬜ {code}", "keadaan butir")
    await _tap(user, "3. Selesai", "catatan singkat")
    await _type(user, "-", "melampirkan bukti")
    return await _tap(user, "2. Lewati", CARD)


async def _on_today(user: UserSession, milestone: str) -> BotMessage:
    await _type(user, "/lapor", "Lapor RAT")
    await _tap(user, f"⬜ {milestone}", "Tanggal berapa")
    return await _type(user, "hari ini", CARD)


async def test_board_works_through_the_cycle_across_a_sigkill_and_the_officer_confirms_ods(
    tmp_path: Path, stub: BotApiStub, driver: Driver
) -> None:
    """Rina marks three items in one session and is in the middle of a fourth's sub-flow
    when the bot process is SIGKILLed; after the restart the draft resumes at the same step,
    and she goes on to SIAP_RAT, plans, invites, holds the RAT, uploads the minutes and
    reports; her officer confirms the ODS entry. Stage asserted at each step (the bot reads
    the system clock, so the current cycle is the latest closed year, and its dates are
    "hari ini")."""
    url = sqlite_url(tmp_path)
    await migrate(url)
    koperasi_id = await _seed_now(url)
    config = tmp_path / "config.toml"
    _write_config(config, stub, url)
    rina, ani = driver.user(RINA, "Rina"), driver.user(ANI, "Ani")
    first = await _start(config)
    try:
        await _type(rina, "/lapor", "Lapor RAT — KSP Sejahtera", timeout=45)
        for code in ("A1", "A2", "A4"):
            card = await _done(rina, code)
        assert "Tahap: Persiapan" in card.body
        assert "Checklist: 3/7" in card.body
        await _type(rina, "/lapor", "Lapor RAT")
        await _tap(rina, "⬜ A5", "keadaan butir")
        await _tap(rina, "3. Selesai", "catatan singkat")
        await _type(
            rina, "Neraca sudah disusun", "melampirkan bukti"
        )  # waiting at the evidence step
    finally:
        await _kill(first)  # SIGKILL in the middle of the sub-flow
    assert await _stage(url, koperasi_id) == "PERSIAPAN"
    second = await _start(config)
    try:
        # The new process takes the dead one's lease first (up to 30 s on SQLite).
        menu = await _type(rina, "/lapor", "Lapor RAT", timeout=60)
        assert "✅ A4 LPJ pengurus*" in menu.body  # kept across the crash
        resumed = await _tap(rina, "⬜ A5", "Melanjutkan draf")
        assert "melampirkan bukti" in resumed.body  # the same step, the note kept
        card = await _tap(rina, "2. Lewati", CARD)
        assert "Checklist: 4/7" in card.body
        for code in ("A6", "A8"):
            await _done(rina, code)
        card = await _done(rina, "A10")
        assert "Tahap: Persiapan" in card.body  # all mandatory done, no date planned yet
        await _type(rina, "/lapor", "Lapor RAT")
        await _tap(rina, "⬜ Rencana tanggal dan cara RAT", "Tanggal berapa")
        await _type(rina, "hari ini", "Bagaimana RAT akan diadakan")
        card = await _tap(rina, "1. tatap muka (luring)", CARD)
        assert "Tahap: Siap RAT" in card.body
        await _done(rina, "A11")
        assert "Tahap: Terjadwal" in (await _on_today(rina, "Undangan terkirim")).body
        await _type(rina, "/lapor", "Lapor RAT")
        await _tap(rina, "⬜ RAT terlaksana", "Tanggal berapa")
        await _type(rina, "hari ini", "anggota yang terdaftar")
        await _type(rina, "50", "anggota yang hadir")
        await _type(rina, "40", "LPJ pengurus diterima")
        await _tap(rina, "1. Ya", "laporan keuangan")
        await _tap(rina, "1. Ya", "RK dan RAPB")
        await _tap(rina, "1. Ya", "SHU diputuskan")
        await _tap(rina, "2. Tidak", "pemilihan pengurus")  # no SHU: its amount is not asked
        card = await _tap(rina, "2. Tidak", CARD)
        assert "Tahap: RAT terlaksana" in card.body
        await _type(rina, "/lapor", "Lapor RAT")
        await _tap(rina, "⬜ Berita acara", "berita acara RAT")
        card = await _new_with(
            rina, lambda: rina.send_document(b"%PDF-1.4 berita acara", "ba.pdf"), CARD
        )
        assert "Tahap: RAT terlaksana" in card.body
        assert "Tahap: Dilaporkan" in (await _on_today(rina, "Dilaporkan ke dinas")).body
        assert "Terinput di ODS" not in (await _type(rina, "/lapor", "Lapor RAT")).body

        await _type(ani, "/koperasi", "KSP Sejahtera")
        listed = await _listing(ani)
        await ani.press(_number_of(listed, "KSP Sejahtera"))
        await ani.wait_for_edit(listed, timeout=20)
        await _tap(ani, "📝 Catat laporan RAT", "Lapor RAT")
        await _tap(ani, "⬜ Terinput di ODS", "Tanggal berapa")
        card = await _type(ani, "hari ini", CARD)
        assert "Tahap: Terinput ODS" in card.body
    finally:
        second.send_signal(signal.SIGTERM)
        await asyncio.wait_for(second.wait(), timeout=20)
        await _kill(second)
    assert await _stage(url, koperasi_id) == "TERINPUT_ODS"


async def _answered(stub: BotApiStub, query: str, seconds: float = 10) -> None:
    """Waits until the bot answered the callback query (polling, with a deadline)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not answer_of(stub, query)["answered"]:
        assert loop.time() < deadline, "the bot did not get there in time"
        await asyncio.sleep(0.02)


async def _listing(user: UserSession) -> BotMessage:
    """The newest /koperasi list in the chat (numbered lines with buttons), once it is there."""
    for _ in range(400):
        for message in reversed(await user.messages()):
            if message.buttons and any(line[:2] == "1." for line in message.body.splitlines()):
                return message
        await asyncio.sleep(0.025)
    raise AssertionError("no /koperasi list arrived")


def _number_of(listed: BotMessage, nama: str) -> str:
    """The list button of a cooperative: its line's number."""
    line = next(line for line in listed.body.splitlines() if nama in line and line[:1].isdigit())
    return line.split(".", 1)[0].strip()


async def test_a_cooperative_without_a_board_reaches_ods_through_its_officer_alone(
    stub: BotApiStub, database_url: str, driver: Driver, clock: FrozenClock
) -> None:
    ids = await _seed(database_url, stub)
    ani, budi, pak = driver.user(ANI, "Ani"), driver.user(BUDI, "Budi"), driver.user(PAK, "Pak")
    async with polling_bot(bot_config(stub, database_url), clock):

        async def card_of_kud() -> None:
            await _say(ani, "/koperasi")
            # The list, not the day's reminder that may arrive meanwhile and name the KUD too.
            listed = await _listing(ani)
            await ani.press(_number_of(listed, "KUD Tanpa Pengurus"))
            await ani.wait_for_edit(listed)

        for code in ("A1", "A2", "A4", "A5", "A6", "A8", "A10", "A11"):
            await card_of_kud()
            card = await _item_done(ani, code, office=True)
        await card_of_kud()
        await _through(ani, await _planned(ani, "03-01-2027", office=True), "Siap RAT")
        await card_of_kud()
        await _dated(ani, "Undangan terkirim", "02-01-2027", office=True)
        await card_of_kud()
        await _through(ani, await _held(ani, "03-01-2027", office=True), "RAT terlaksana")
        await card_of_kud()
        await _dated(ani, "Dilaporkan ke dinas", "04-01-2027", office=True)
        await card_of_kud()
        card = await _dated(ani, "Terinput di ODS", "04-01-2027", office=True)
        await _through(ani, card, "Terinput ODS")
        listed = await _say(ani, "/verifikasi")
        assert "Tidak ada laporan" in listed.body  # recorded by the officer: verified

        # another board: sees only its own, changes nothing of theirs
        status = await _say(budi, "/status")
        assert "Koperasi Lain" in status.body
        for target in ("A3", "held", "menu"):
            query = forge_press(stub, BUDI, LaporButton(ids["KSP Sejahtera"], target).encode())
            await _answered(stub, query)
            assert "tidak memiliki akses" in str(answer_of(stub, query)["answer"])
        # a pimpinan reads the card, with no way to record anything
        listed = await _say(pak, "/koperasi")
        await pak.press(_number_of(listed, "KUD Tanpa Pengurus"))
        card = await pak.wait_for_edit(listed)
        assert "Tahap: Terinput ODS" in card.body
        assert "📝 Catat laporan RAT" not in card.buttons
        assert "tidak memiliki akses" in (await _say(pak, "/lapor")).body
    assert await _stage(database_url, ids["KUD Tanpa Pengurus"]) == "TERINPUT_ODS"
