"""/rekap, /siaran and /ekspor walked through by an admin, an officer and a pimpinan, with the
bot polling telegram_stub, over a register whose names carry markup (`<b>&` in a kecamatan, a
cooperative and an officer): every name reads as typed, every Bot API call the walk makes is
accepted (the stub holds texts, captions, callback data and alerts to Telegram's limits and
parses the HTML), and every admin-only button pressed or forged by someone else is refused
with nothing done."""

from __future__ import annotations

import asyncio

from sqlalchemy import select, update

from domain.access import Role
from domain.broadcast import BroadcastStatus
from domain.callbacks import (
    ChartButton,
    RekapAction,
    RekapButton,
    RekapView,
    SiaranAction,
    SiaranButton,
)
from domain.rollup.split import Group, Measure, Split
from storage.engine import create_engine, session_factory
from storage.tables import Broadcast, Koperasi, Outbox, Person
from storage.uow import UnitOfWork
from telegram_stub import BotApiStub, StubUser
from tests.helpers.bot import bot_config, polling_bot
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import BotMessage, Driver, UserSession
from tests.helpers.rollup import AT, YEAR, Register, seed_register
from tests.helpers.seed import add_board_member, add_person, answer_of, forge_press

ADMIN, BOSS, BOARD = 9401, 9402, 9403
KECAMATAN = "Maron <b>&"
KOPERASI = "Koperasi <b>A</b> & Co"
OFFICER = "Ani <i>&"
REFUSED = "Maaf, Anda tidak memiliki akses untuk itu."
REGENCY = RekapView(YEAR)


async def _seed(database_url: str) -> Register:
    """The roll-up register, renamed with markup; an admin, a pimpinan, a board member."""
    engine = create_engine(database_url)
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            register = await seed_register(uow)
            await add_person(uow, ADMIN, "Dedi", roles=[Role.ADMIN], now=AT)
            await add_person(uow, BOSS, "Kepala", roles=[Role.PIMPINAN], now=AT)
            board = await add_person(uow, BOARD, "Ketua", now=AT)
            await add_board_member(uow, board, register.koperasi["A"])
            session = uow.session
            await session.execute(
                update(Koperasi).where(Koperasi.kecamatan == "Maron").values(kecamatan=KECAMATAN)
            )
            await session.execute(
                update(Koperasi).where(Koperasi.id == register.koperasi["A"]).values(nama=KOPERASI)
            )
            await session.execute(
                update(Person).where(Person.id == register.ani).values(full_name=OFFICER)
            )
            await uow.commit()
    finally:
        await engine.dispose()
    return register


async def _broadcasts(database_url: str) -> list[Broadcast]:
    engine = create_engine(database_url)
    try:
        async with UnitOfWork(session_factory(engine), write=False) as uow:
            return list(await uow.session.scalars(select(Broadcast).order_by(Broadcast.id)))
    finally:
        await engine.dispose()


async def _broadcast_rows(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        async with UnitOfWork(session_factory(engine), write=False) as uow:
            rows = await uow.session.scalars(select(Outbox).where(Outbox.kind == "broadcast"))
            return len(list(rows))
    finally:
        await engine.dispose()


async def _press_and_wait(user: UserSession, button: str) -> BotMessage:
    shown = await user.last_message()
    await user.press(button)
    return await user.wait_for_edit(shown)


def _button(message: BotMessage, start: str) -> str:
    return next(text for text in message.buttons if text.startswith(start))


async def _forged(stub: BotApiStub, user: UserSession, data: str) -> str:
    """A forged press on the user's latest message; the text of its answer once answered."""
    query = forge_press(stub, user.id, data)
    for _ in range(500):
        record = answer_of(stub, query)
        if record["answered"]:
            answer = record.get("answer")
            return str(answer.get("text")) if isinstance(answer, dict) else ""
        await asyncio.sleep(0.01)
    raise AssertionError(f"callback {data} never answered")


async def _walk_admin(stub: BotApiStub, admin: UserSession, database_url: str) -> None:
    await admin.send("/rekap 2025")
    [card] = await admin.wait_for_reply()
    assert "Rekap RAT tahun buku 2025" in card.body
    table = await _press_and_wait(admin, "Per kecamatan")
    assert f"2. {KECAMATAN}: 3 koperasi" in table.body
    await _press_and_wait(admin, "« Kembali ke rekap")
    officers = await _press_and_wait(admin, "Per petugas")
    assert f"{OFFICER}: 3 koperasi" in officers.body
    row = next(line for line in officers.body.splitlines() if OFFICER in line)
    hers = await _press_and_wait(admin, row.split(".")[0])  # her group's card
    assert OFFICER in hers.body
    listed = await _press_and_wait(admin, _button(hers, "Terdaftar"))
    assert f"1. {KOPERASI} — {KECAMATAN}" in listed.body
    await admin.press("📣 Kirim pengingat")
    [siaran] = await admin.wait_for_reply()
    assert "Siaran untuk pengurus" in siaran.body
    await admin.press(_button(siaran, "1."))  # no attachment
    await admin.wait_for_reply()
    await admin.send("Mohon segera <i>lapor</i> & RAT")
    _said, preview, info = await admin.wait_for_reply(3)
    assert preview.body == "Mohon segera <i>lapor</i> & RAT"

    # /siaran to the boards of the kecamatan with markup in its name: the preview says it.
    await admin.send("/siaran")
    [targets] = await admin.wait_for_reply()
    await admin.press(_button(targets, "2."))
    [places] = await admin.wait_for_reply()
    await admin.press(next(b for b in places.buttons if KECAMATAN in b))
    [media] = await admin.wait_for_reply()
    await admin.press(_button(media, "1."))
    await admin.wait_for_reply()
    await admin.send("Rapat <b>&</b> besok")
    _said, preview, info = await admin.wait_for_reply(3)
    assert preview.body == "Rapat <b>&</b> besok"
    assert f"pengurus di Kecamatan {KECAMATAN}" in info.body

    # /ekspor of that kecamatan: the messages name it as typed; the file arrives.
    await admin.send("/ekspor 2025")
    [places] = await admin.wait_for_reply()
    await admin.press(KECAMATAN)
    done = await admin.wait_for_reply(predicate=lambda m: "document" in m.media, timeout=60)
    assert done
    texts = [m.body for m in await admin.messages() if "Ekspor tahun buku" in m.body]
    assert any(KECAMATAN in text for text in texts)

    # The charts of that kecamatan: the captions name it as typed.
    await _forged(stub, admin, ChartButton(2, YEAR).encode())
    photos = await admin.wait_for_reply(2, predicate=lambda m: "photo" in m.media, timeout=60)
    assert all(f"Kecamatan {KECAMATAN}" in (photo.caption or "") for photo in photos)
    del database_url


async def _walk_reader(
    stub: BotApiStub, reader: UserSession, database_url: str, *, mine: bool, budi_id: int = 0
) -> None:
    """An officer (`mine`) or a pimpinan: reads /rekap and its lists, never gets *Kirim
    pengingat*; its forged press, /siaran and the broadcast buttons are refused."""
    await reader.send("/rekap 2025")
    [card] = await reader.wait_for_reply()
    assert ("Koperasi dampingan Anda" in card.body) is mine
    listed = await _press_and_wait(reader, _button(card, "Terdaftar"))
    assert KOPERASI in listed.body
    assert "📣 Kirim pengingat" not in listed.buttons
    before = len(await reader.messages())
    remind = RekapButton.of(RekapAction.REMIND, REGENCY, Measure.REGISTERED).encode()
    assert await _forged(stub, reader, remind) == REFUSED
    assert len(await reader.messages()) == before  # no /siaran opened

    if mine:  # another officer's group, forged: refused, nothing shown
        budi = Group(Split.PETUGAS, budi_id)
        before = len(await reader.messages())
        for data in (
            RekapButton.of(RekapAction.CARD, RekapView(YEAR, group=budi)).encode(),
            RekapButton.of(
                RekapAction.DRILL, RekapView(YEAR, group=budi), Measure.REGISTERED
            ).encode(),
        ):
            assert await _forged(stub, reader, data) == REFUSED
        assert len(await reader.messages()) == before

    await reader.send("/siaran")
    [refused] = await reader.wait_for_reply()
    assert refused.body.startswith("Maaf")
    drafts = [row for row in await _broadcasts(database_url) if row.status == "draft"]
    assert drafts
    for draft in drafts:
        for action in (SiaranAction.SEND, SiaranAction.DISCARD, SiaranAction.SCHEDULE):
            data = SiaranButton(draft.id, action).encode()
            assert await _forged(stub, reader, data) == REFUSED
    after = await _broadcasts(database_url)
    assert [row.status for row in after if row.id in {d.id for d in drafts}] == [
        BroadcastStatus.DRAFT.value for _ in drafts
    ]
    assert await _broadcast_rows(database_url) == 0

    await reader.send("/ekspor 2025")
    [places] = await reader.wait_for_reply()
    assert "Semua kecamatan" in places.buttons


async def test_an_admin_an_officer_and_a_pimpinan_walk_the_office_screens(
    stub: BotApiStub, database_url: str, driver: Driver, clock: FrozenClock
) -> None:
    register = await _seed(database_url)
    clock.set(AT)
    stub.add_user(StubUser(BOARD, "Ketua"))
    cfg = bot_config(
        stub,
        database_url,
        region={"kecamatan": ["Kraksaan", KECAMATAN, "Dringu"]},
    )
    admin = driver.user(ADMIN, "Dedi")
    ani = driver.user(register.ani_telegram, "Ani")
    boss = driver.user(BOSS, "Kepala")
    board = driver.user(BOARD, "Ketua")
    async with polling_bot(cfg, clock):
        await _walk_admin(stub, admin, database_url)
        await _walk_reader(stub, ani, database_url, mine=True, budi_id=register.budi)
        await _walk_reader(stub, boss, database_url, mine=False)
        # A board member: no /rekap, and forged roll-up and chart presses are refused.
        await board.send("/bantuan")
        await board.wait_for_reply()
        for data in (
            RekapButton.of(RekapAction.CARD, REGENCY).encode(),
            RekapButton.of(RekapAction.REMIND, REGENCY, Measure.REGISTERED).encode(),
            ChartButton().encode(),
        ):
            assert await _forged(stub, board, data) == REFUSED
    # Every call accepted: texts, captions, alerts and callback data within Telegram's limits,
    # the HTML well formed (long polling cut off at shutdown is no call of the walk's).
    refused = [
        call for call in stub.state.calls if call.status != 200 and call.method != "getUpdates"
    ]
    assert refused == []
    assert all(record["answered"] for record in stub.callback_answers())
