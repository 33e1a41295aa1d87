"""Officers and an admin as they live it, with the bot polling telegram_stub: each officer
sees only their cooperatives, a forged card is refused, and an assignment reaches the officer."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

from domain.access import Role
from storage.engine import create_engine, session_factory
from storage.uow import UnitOfWork
from telegram_stub import BotApiStub
from tests.helpers.bot import bot_config, polling_bot
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import BotMessage, Driver, UserSession
from tests.helpers.seed import add_koperasi, add_person, answer_of, forge_press

ANI, BUDI, ADMIN = 9001, 9002, 9009


async def _eventually(check: Callable[[], bool], seconds: float = 10) -> None:
    """Waits for an event the bot causes (polling, with a deadline; no schedule involved)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not check():
        assert loop.time() < deadline, "the bot did not get there in time"
        await asyncio.sleep(0.02)


async def _listing(user: UserSession, text: str) -> BotMessage:
    """The newest message of `user`'s chat that contains `text`, once it is there."""
    for _ in range(400):
        for message in reversed(await user.messages()):
            if text in message.body:
                return message
        await asyncio.sleep(0.025)
    raise AssertionError(f"no message with {text!r} arrived")


async def _press_and_wait(user: UserSession, button: str) -> BotMessage:
    """Presses a button of the latest screen and waits for the screen to change."""
    shown = await user.last_message()
    await user.press(button)
    return await user.wait_for_edit(shown)


async def _seed(database_url: str) -> dict[str, int]:
    engine = create_engine(database_url)
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            ani = await add_person(uow, ANI, "Ani", roles=[Role.PETUGAS])
            budi = await add_person(uow, BUDI, "Budi", roles=[Role.PETUGAS])
            await add_person(uow, ADMIN, "Dedi", roles=[Role.ADMIN])
            ids = {"ani": ani.id, "budi": budi.id}
            for number in range(1, 13):
                made = await add_koperasi(uow, f"Koperasi Ani {number:02}", petugas_id=ani.id)
                ids[made.nama] = made.id
            ids["budi's"] = (await add_koperasi(uow, "Koperasi Budi", petugas_id=budi.id)).id
            for nama in ("Tongas Baru", "Tongas Lama"):
                ids[nama] = (await add_koperasi(uow, nama, kecamatan="Tongas")).id
            await uow.commit()
    finally:
        await engine.dispose()
    return ids


async def test_officers_see_only_their_cooperatives_and_hear_of_new_ones(
    stub: BotApiStub, database_url: str, driver: Driver
) -> None:
    # A Tuesday: on Mondays the weekly digest and roll-up reach the officers and the admin
    # while the test waits for other messages.
    clock = FrozenClock(datetime(2027, 1, 5, 2, 0, tzinfo=UTC))
    ids = await _seed(database_url)
    ani, budi, admin = driver.user(ANI, "Ani"), driver.user(BUDI, "Budi"), driver.user(ADMIN)
    async with polling_bot(bot_config(stub, database_url), clock):
        await ani.send("/koperasi")
        [listed] = await ani.wait_for_reply()
        assert "12 koperasi" in listed.body
        assert "Koperasi Budi" not in listed.body
        await ani.press("▶︎")
        second = await ani.wait_for_edit(listed)
        assert "11. Koperasi Ani 11" in second.body
        await ani.press("◀︎")  # back to the first page
        first = await ani.wait_for_edit(second)
        await ani.press("3")
        card = await ani.wait_for_edit(first)
        assert card.body.startswith("Koperasi Ani 03")
        assert "Petugas: Ani" in card.body

        await budi.send("/koperasi")
        [budi_list] = await budi.wait_for_reply()
        assert "1 koperasi" in budi_list.body
        forged = forge_press(stub, BUDI, f"k:c:{ids['Koperasi Ani 03']}:0:-")
        await _eventually(lambda: bool(answer_of(stub, forged)["answered"]))
        assert "tidak memiliki akses" in answer_of(stub, forged)["answer"]["text"]  # type: ignore[index]

        await admin.send("/petugas")
        await admin.wait_for_reply()
        for button in ("2", "Tugaskan per kecamatan", "Tongas", "Yang tanpa petugas (2)"):
            await _press_and_wait(admin, button)  # "2": Budi
        # The note, not the day's reminder that may arrive meanwhile.
        await _listing(budi, "2 koperasi ditugaskan kepada Anda")
        await budi.send("/koperasi")
        updated = await _listing(budi, "3 koperasi")
    assert "3 koperasi" in updated.body
    assert "Tongas Baru" in updated.body
    assert (await budi.messages())[0].edit_count == 0  # the forged press showed nothing
    assert all(record["answered"] for record in stub.callback_answers())
