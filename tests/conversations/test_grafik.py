"""The charts in chat and the weekly roll-up through the real application and the stand-in:
the *Grafik* button (admins, pimpinan, officers; boards refused; forged data stale), and the
Monday 07:30 job whose photo the sender uploads to Telegram."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from config import AppConfig
from domain.access import Role
from domain.callbacks import ChartButton
from jobs import job_registry
from services import charts
from services.charts import ChartRequest
from services.outbox.api import PtbBotApi
from services.outbox.sender import OutboxSender
from storage.tables import RatCycle
from telegram_stub import BotApiStub
from tests.helpers.bot import Conversation
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import BotMessage, Driver, UserSession
from tests.helpers.outbox_kit import run_until_settled
from tests.helpers.seed import add_board_member, add_koperasi, add_person, answer_of, forge_press

ADMIN, BOSS, OFFICER, BOARD = 9101, 9102, 9103, 9104


async def _seed(conv: Conversation) -> None:
    async with conv.app.bot_data.services.uow() as uow:
        await add_person(uow, ADMIN, "Admin", roles=[Role.ADMIN])
        boss = await add_person(uow, BOSS, "Pimpinan", roles=[Role.PIMPINAN])
        boss.language = "en"
        officer = await add_person(uow, OFFICER, "Petugas", roles=[Role.PETUGAS])
        board = await add_person(uow, BOARD, "Ketua")
        held = await add_koperasi(
            uow, "KSU Sudah", tahap="RAT_TERLAKSANA", target_date=date(2027, 3, 31)
        )
        cycle = await uow.session.get(RatCycle, held.current_rat_cycle_id)
        assert cycle is not None
        cycle.held_date = date(2027, 1, 2)  # the daily recompute keeps it RAT_TERLAKSANA
        await add_koperasi(uow, "KSU Belum", kecamatan="Besuk", petugas_id=officer.id)
        await add_board_member(uow, board, held.id)
        await uow.commit()


def _photos(messages: list[BotMessage]) -> list[BotMessage]:
    return [m for m in messages if m.outgoing and "photo" in m.media]


async def _press(
    conv: Conversation, stub: BotApiStub, user: UserSession, button: ChartButton
) -> str:
    await conv.say(user, "/bantuan")  # a bot message to press on
    query = forge_press(stub, user.id, button.encode())
    await conv.deliver()
    return query


async def test_an_admin_gets_both_charts_of_the_regency(
    conv: Conversation, stub: BotApiStub, driver: Driver
) -> None:
    await _seed(conv)
    admin = driver.user(ADMIN, "Admin")
    query = await _press(conv, stub, admin, ChartButton())
    assert answer_of(stub, query)["answer"]["text"] == "Grafik sedang dibuat…"  # type: ignore[index]
    progress, trend = _photos(await admin.messages())
    assert progress.caption == "Progres RAT per kecamatan — Kabupaten Probolinggo"
    assert trend.caption == "Tren % koperasi aktif dan % RAT — Kabupaten Probolinggo"
    for photo in (progress, trend):
        assert photo.media["photo"][0]["width"] == 1080
        stored = stub.state.file(photo.media["photo"][0]["file_id"])
        assert stored.data.startswith(b"\x89PNG")


async def test_pimpinan_read_them_in_their_language_for_a_kecamatan(
    conv: Conversation, stub: BotApiStub, driver: Driver
) -> None:
    await _seed(conv)
    boss = driver.user(BOSS, "Pimpinan", language_code="en")
    besuk = conv.app.bot_data.services.config.region.kecamatan.index("Besuk") + 1
    await _press(conv, stub, boss, ChartButton(besuk, 2026))
    progress, trend = _photos(await boss.messages())
    assert progress.caption == "RAT progress per kecamatan — Kecamatan Besuk"
    assert trend.caption == "Trend of % active cooperatives and % RAT — Kecamatan Besuk"


async def test_an_officer_gets_the_charts_of_their_cooperatives(
    conv: Conversation, stub: BotApiStub, driver: Driver
) -> None:
    await _seed(conv)
    officer = driver.user(OFFICER, "Petugas")
    await _press(conv, stub, officer, ChartButton())
    captions = [photo.caption for photo in _photos(await officer.messages())]
    assert captions == [
        "Progres RAT per kecamatan — Koperasi dampingan Anda",
        "Tren % koperasi aktif dan % RAT — Koperasi dampingan Anda",
    ]


async def test_a_board_member_is_refused_and_forged_data_is_stale(
    conv: Conversation, stub: BotApiStub, driver: Driver
) -> None:
    await _seed(conv)
    board = driver.user(BOARD, "Ketua")
    query = await _press(conv, stub, board, ChartButton())
    answer = answer_of(stub, query)["answer"]
    assert answer["text"] == "Maaf, Anda tidak memiliki akses untuk itu."  # type: ignore[index]
    assert _photos(await board.messages()) == []
    admin = driver.user(ADMIN, "Admin")
    query = await _press(conv, stub, admin, ChartButton(999, 0))  # no 999th kecamatan
    assert answer_of(stub, query)["answer"]["text"].startswith("Menu kedaluwarsa")  # type: ignore[index]
    assert _photos(await admin.messages()) == []


@pytest.mark.parametrize("year", [1, 1999, 2028, 9999])
async def test_a_forged_year_outside_those_rekap_offers_is_stale(
    conv: Conversation, stub: BotApiStub, driver: Driver, year: int
) -> None:
    """/rekap offers 2000 up to the latest year that can have closed (2027 on the seeded
    day, 4 January 2027); any other year in a forged button is answered as stale, never drawn."""
    await _seed(conv)
    admin = driver.user(ADMIN, "Admin")
    query = await _press(conv, stub, admin, ChartButton(0, year))
    assert answer_of(stub, query)["answer"]["text"].startswith("Menu kedaluwarsa")  # type: ignore[index]
    assert _photos(await admin.messages()) == []


async def test_the_monday_roll_up_reaches_admins_and_pimpinan_as_a_photo_once(
    conv: Conversation, stub: BotApiStub, driver: Driver, clock: FrozenClock
) -> None:
    """Monday 4 January 2027, 09:00 WIB: the 07:30 roll-up is due; a second registry finds it
    taken; the sender uploads the stored chart to each of them, once."""
    await _seed(conv)
    people = {
        ADMIN: driver.user(ADMIN, "Admin"),
        BOSS: driver.user(BOSS, "Pimpinan", language_code="en"),
        OFFICER: driver.user(OFFICER, "Petugas"),
        BOARD: driver.user(BOARD, "Ketua"),
    }
    for user in people.values():
        await conv.say(user, "/bantuan")  # each has a chat with the bot
    services = conv.app.bot_data.services
    first, second = job_registry(conv.app), job_registry(conv.app)
    assert "weekly_rollup" in [name for name, _ in await first.run_due()]
    assert "weekly_rollup" not in [name for name, _ in await second.run_due()]
    sender = OutboxSender(
        services.sessions,
        PtbBotApi(conv.app.bot),
        clock,
        services.config.delivery,
        services.config.region.tz,
        "test-sender",
    )
    await run_until_settled(sender, services.sessions)
    admin, boss = people[ADMIN], people[BOSS]
    [to_admin] = _photos(await admin.messages())
    [to_boss] = _photos(await boss.messages())
    assert to_admin.caption is not None
    assert to_admin.caption.startswith("Rekap mingguan Gempur — 4 Januari 2027\n")
    assert "RAT terlaksana (siklus berjalan): 1 dari 2 koperasi wajib RAT" in to_admin.caption
    assert to_boss.caption is not None
    assert to_boss.caption.startswith("Gempur weekly roll-up — January 4, 2027\n")
    assert to_admin.media["photo"][0]["width"] == 1080
    image = stub.state.file(to_admin.media["photo"][0]["file_id"]).data
    assert image.startswith(b"\x89PNG")
    assert len(image) > 20_000
    for person in (OFFICER, BOARD):
        assert _photos(await people[person].messages()) == []
    # The next day's run sends nothing again.
    clock.advance(days=1)
    await first.run_due()
    await run_until_settled(sender, services.sessions)
    assert len(_photos(await admin.messages())) == 1


async def test_a_double_tap_draws_once_and_holds_up_no_one_else(
    conv: Conversation, stub: BotApiStub, driver: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The admin's second tap comes while the first drawing waits: it is told the charts are
    on their way and draws nothing; the pimpinan's tap meanwhile gets their own charts."""
    await _seed(conv)
    admin, boss = driver.user(ADMIN, "Admin"), driver.user(BOSS, "Pimpinan", language_code="en")
    await conv.say(admin, "/bantuan")
    await conv.say(boss, "/bantuan")
    entered, release = asyncio.Event(), asyncio.Event()
    real = charts.render

    async def first_waits(cfg: AppConfig, *requests: ChartRequest) -> list[bytes]:
        if not entered.is_set():
            entered.set()
            await release.wait()
        return await real(cfg, *requests)

    monkeypatch.setattr("handlers.grafik.render", first_waits)
    forge_press(stub, ADMIN, ChartButton().encode())
    first = asyncio.create_task(conv.deliver())
    await asyncio.wait_for(entered.wait(), timeout=10)
    second = forge_press(stub, ADMIN, ChartButton().encode())
    other = forge_press(stub, BOSS, ChartButton().encode())
    await conv.deliver()
    assert answer_of(stub, second)["answer"]["text"] == "Grafik sedang dibuat dan segera dikirim."  # type: ignore[index]
    assert answer_of(stub, other)["answer"]["text"] == "Drawing the charts…"  # type: ignore[index]
    assert len(_photos(await boss.messages())) == 2
    assert _photos(await admin.messages()) == []
    release.set()
    await asyncio.wait_for(first, timeout=30)
    assert len(_photos(await admin.messages())) == 2


async def test_a_failed_drawing_leaves_no_claim_behind(
    conv: Conversation, stub: BotApiStub, driver: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _seed(conv)
    admin = driver.user(ADMIN, "Admin")
    real = charts.render
    calls = 0

    async def fails_once(cfg: AppConfig, *requests: ChartRequest) -> list[bytes]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("drawing broke")
        return await real(cfg, *requests)

    monkeypatch.setattr("handlers.grafik.render", fails_once)
    await _press(conv, stub, admin, ChartButton())
    assert _photos(await admin.messages()) == []
    assert conv.app.bot_data.services.charts_running == set()
    query = await _press(conv, stub, admin, ChartButton())
    assert answer_of(stub, query)["answer"]["text"] == "Grafik sedang dibuat…"  # type: ignore[index]
    assert len(_photos(await admin.messages())) == 2
