"""/ekspor through the stand-in: period and kecamatan by buttons or arguments, the progress
message, the document; an officer gets only their cooperatives, pimpinan may, a board may not;
a double tap makes one export; other chats are answered while a file is being built."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from handlers import ekspor
from telegram_stub import BotApiStub
from tests.helpers.bot import Conversation, bot_config, conversation
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import BotMessage, Driver, DriverError, UserSession
from tests.helpers.export_data import (
    ALL_ROWS,
    BUDI_ROWS,
    MARON_ROWS,
    SHEET_NAMES,
    ExportWorld,
    seed_export_world,
)
from tests.helpers.seed import forge_press
from tests.helpers.slow_export import GATE, gated_export

DOCUMENT_WAIT = 60.0  # the worker process starts a Python interpreter


@pytest.fixture
async def world(conv: Conversation) -> ExportWorld:
    async with conv.app.bot_data.services.uow() as uow:
        seeded = await seed_export_world(uow)
        await uow.commit()
    return seeded


def _sheets(stub: BotApiStub, message: BotMessage) -> dict[str, list[tuple[object, ...]]]:
    data = stub.state.file(message.media["document"]["file_id"]).data
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


async def _document(user: UserSession) -> BotMessage:
    [document] = await user.wait_for_reply(
        timeout=DOCUMENT_WAIT, predicate=lambda m: "document" in m.media
    )
    return document


def _counts(sheets: dict[str, list[tuple[object, ...]]]) -> list[int]:
    return [len(rows) - 1 for rows in sheets.values()]


@pytest.mark.usefixtures("world")
async def test_admin_picks_period_and_kecamatan_and_receives_the_file(
    conv: Conversation, driver: Driver, stub: BotApiStub
) -> None:
    admin = driver.user(9001, "Admin")
    periods = await conv.say(admin, "/ekspor")
    assert periods.buttons == ["2026", "2025", "2024"]  # the clock's today is 4 January 2027
    kecamatan = await _edited(conv, admin, "2026")
    assert "tahun buku 2026" in kecamatan.body
    assert kecamatan.buttons[0] == "Semua kecamatan"
    assert "Maron" in kecamatan.buttons

    progress = await _edited(conv, admin, "Maron")
    assert "Menyiapkan ekspor tahun buku 2026, Maron" in progress.body
    assert progress.buttons == []
    document = await _document(admin)
    assert document.media["document"]["file_name"].startswith("ekspor-2026-maron-")
    assert "tahun buku 2026, Maron" in (document.caption or "")
    sheets = _sheets(stub, document)
    assert list(sheets) == SHEET_NAMES
    assert _counts(sheets) == MARON_ROWS
    assert sheets["Koperasi"][0][1] == "Nama koperasi"
    finished = next(m for m in await admin.messages() if m.message_id == progress.message_id)
    assert "selesai" in finished.body
    assert f"{sum(MARON_ROWS)} baris" in finished.body


async def _edited(conv: Conversation, user: UserSession, button: str) -> BotMessage:
    before = await user.last_message()
    await user.press(button)
    await conv.deliver()
    return await user.wait_for_edit(before)


async def test_an_officer_exports_only_their_cooperatives_in_english(
    conv: Conversation, driver: Driver, stub: BotApiStub, world: ExportWorld
) -> None:
    budi = driver.user(world.budi, "Budi", language_code="en")
    await conv.say(budi, "/export 2026 all")
    document = await _document(budi)
    sheets = _sheets(stub, document)
    assert _counts(sheets) == BUDI_ROWS
    assert {row[1] for row in sheets["Koperasi"][1:]} == {"KUD Maju", "KSP Dringu"}
    assert sheets["Koperasi"][0][1] == "Cooperative name"
    assert "your cooperatives" in (document.caption or "")


async def test_pimpinan_may_export_and_a_board_may_not(
    conv: Conversation, driver: Driver, stub: BotApiStub, world: ExportWorld
) -> None:
    pimpinan = driver.user(world.pimpinan, "Kepala")
    await conv.say(pimpinan, "/ekspor semua")  # the current period, every kecamatan
    assert _counts(_sheets(stub, await _document(pimpinan))) == ALL_ROWS

    board = driver.user(world.board, "Ani")
    refused = await conv.say(board, "/ekspor")
    assert "document" not in refused.media
    assert "tidak" in refused.body.lower() or "not" in refused.body.lower()
    # A forged button press is refused too.
    forge_press(stub, world.board, "xs:2026:0")
    await conv.deliver()
    assert not [m for m in await board.messages() if "document" in m.media]


@pytest.mark.usefixtures("world")
async def test_a_bad_argument_is_explained_with_the_question_again(
    conv: Conversation, driver: Driver
) -> None:
    admin = driver.user(9001, "Admin")
    answer = await conv.say(admin, "/ekspor Atlantis")
    assert "Atlantis" in answer.body
    assert "Pilih tahun buku" in answer.body
    assert answer.buttons == ["2026", "2025", "2024"]
    picked = await conv.say(admin, "/ekspor 2025")
    assert "tahun buku 2025" in picked.body
    assert picked.buttons[0] == "Semua kecamatan"


async def test_a_double_tap_makes_one_export(
    conv: Conversation, driver: Driver, stub: BotApiStub, world: ExportWorld
) -> None:
    admin = driver.user(world.admin, "Admin")
    await conv.say(admin, "/ekspor 2026")
    await admin.press("Semua kecamatan")
    await admin.press("Semua kecamatan")
    await conv.deliver()
    await _document(admin)
    with pytest.raises(DriverError):
        await admin.wait_for_reply(timeout=1.0, predicate=lambda m: "document" in m.media)
    documents = [m for m in await admin.messages() if "document" in m.media]
    assert len(documents) == 1
    answers = await driver.request("GET", "/callback_answers")
    texts = [str((answer.get("answer") or {}).get("text")) for answer in answers]
    assert sum("sedang dibuat" in text for text in texts) == 1  # the second tap
    assert all(answer["answered"] for answer in answers)


async def test_progress_is_shown_and_every_chat_is_answered_while_the_worker_runs(
    driver: Driver,
    stub: BotApiStub,
    database_url: str,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    gate = tmp_path / "go"
    monkeypatch.setenv(GATE, str(gate))
    monkeypatch.setattr(ekspor, "WORKER", gated_export)
    cfg = bot_config(stub, database_url, export={"progress_seconds": 0.05})
    async with conversation(cfg, clock) as conv:
        async with conv.app.bot_data.services.uow() as uow:
            world = await seed_export_world(uow)
            await uow.commit()
        admin = driver.user(world.admin, "Admin")
        await conv.say(admin, "/ekspor 2026")
        starting = await _edited(conv, admin, "Maron")
        assert "Menyiapkan" in starting.body
        progress = await admin.wait_for_edit(starting, timeout=DOCUMENT_WAIT)
        assert "33 % (1 dari 3 baris)" in progress.body
        # The worker waits for the gate: everyone, the admin too, is answered meanwhile.
        sari = driver.user(world.sari, "Sari")
        assert (await conv.say(sari, "/bantuan")).body
        assert "sedang dibuat" in (await conv.say(admin, "/ekspor semua")).body
        gate.touch()
        document = await _document(admin)
        assert _counts(_sheets(stub, document)) == MARON_ROWS
