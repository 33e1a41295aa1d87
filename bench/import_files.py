"""Another chat's /bantuan while /impor processes a hostile or large file (issue 9, item 1).

python bench/import_files.py [--only NAME]

For each file: an admin uploads it (the real application, SQLite, the Bot API stand-in on
loopback); while the bot handles that upload, a second chat sends /bantuan, and its latency —
from handing the update to the application to the reply being sent — is printed, with the
longest event-loop stall seen meanwhile and the upload's own handling time. The files are
generated here, never committed.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from telegram import Update

from domain.access import Role
from telegram_stub import BotApiStub
from tests.helpers.bot import Conversation, bot_config, conversation, migrate, sqlite_url
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import Driver, UserSession
from tests.helpers.hostile import bomb_xlsx, far_cell_xlsx

ADMIN, OTHER = 5001, 6001
HEADER = "nama;kecamatan;nik_koperasi"


def _invalid_rows(count: int) -> bytes:
    """Rows without a key, short enough for a million to fit Telegram's 20 MB."""
    lines = [HEADER, *(f"K{n};X;" for n in range(count))]
    return "\n".join(lines).encode()


def _register_csv(count: int) -> bytes:
    """Valid rows with the columns a register of this size fits in (Telegram's 20 MB)."""
    header = "nama;kecamatan;nik_koperasi;jenis;anggota_pria;anggota_wanita;modal_sendiri"
    lines = [
        f"Koperasi Contoh {n};Maron;{3513100000000000 + n};serba usaha;{n % 300};{n % 200};"
        f"{n * 1000}"
        for n in range(count)
    ]
    return "\n".join([header, *lines]).encode()


FILES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "far-cell": ("jauh.xlsx", lambda: far_cell_xlsx(column="A")),
    "bomb-256mb": ("bom.xlsx", lambda: bomb_xlsx(256 * 1024 * 1024)),
    "register-150k": ("daftar.csv", lambda: _register_csv(150_000)),
    "invalid-199k": ("salah.csv", lambda: _invalid_rows(199_999)),
    "invalid-1m": ("salah.csv", lambda: _invalid_rows(1_000_000)),
}


async def _stalls(stop: asyncio.Event, worst: list[float]) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(0.01)
        worst[0] = max(worst[0], time.perf_counter() - started - 0.01)


async def _next(conv: Conversation) -> Update:
    [update] = await conv.app.bot.get_updates(offset=conv._offset, timeout=0)
    conv._offset = update.update_id + 1
    return update


async def _while_handling(conv: Conversation, other: UserSession, update: Update) -> str:
    """Handles `update` while `other` asks /bantuan: its latency, the worst stall, the total."""
    stop, worst = asyncio.Event(), [0.0]
    watcher = asyncio.create_task(_stalls(stop, worst))
    started = time.perf_counter()
    handling = asyncio.create_task(conv.app.process_update(update))
    await asyncio.sleep(0.5)  # the file is being read by now
    await other.send("/bantuan")
    bantuan = await _next(conv)
    asked = time.perf_counter()
    await conv.app.process_update(bantuan)
    latency = time.perf_counter() - asked
    await handling
    total = time.perf_counter() - started
    stop.set()
    await watcher
    await other.wait_for_reply()
    return f"/bantuan {latency:.2f} s, worst stall {worst[0]:.2f} s, handled in {total:.1f} s"


async def _measure(conv: Conversation, driver: Driver, name: str, data: bytes) -> str:
    admin, other = driver.user(ADMIN, "Adi"), driver.user(OTHER, "Budi")
    await conv.say(admin, "/impor")
    await admin.send_document(data, name)
    preview = await _while_handling(conv, other, await _next(conv))
    replies = await admin.wait_for_reply(count=2)
    answer = replies[-1].body.splitlines()[0][:60]
    result = f"preview: {preview} ({answer})"
    buttons = replies[-1].buttons
    if buttons and buttons[0].startswith("✅"):
        await admin.press(buttons[0])
        confirm = await _while_handling(conv, other, await _next(conv))
        [done] = await admin.wait_for_reply()
        result += f"\n    confirm: {confirm} ({done.body.splitlines()[0][:60]})"
    return result


async def _admin(conv: Conversation) -> None:
    services = conv.app.bot_data.services
    async with services.uow() as uow:
        person = await uow.people.add(telegram_user_id=ADMIN, now=services.clock.now())
        await uow.roles.grant(person.id, Role.ADMIN, now=services.clock.now())
        await uow.commit()


async def main(only: str | None) -> None:
    for key, (name, make) in FILES.items():
        if only and key != only:
            continue
        data = make()
        with tempfile.TemporaryDirectory() as directory:
            url = sqlite_url(Path(directory))
            await migrate(url)
            async with (
                BotApiStub() as stub,
                Driver(stub.url) as driver,
                conversation(bot_config(stub, url), FrozenClock()) as conv,
            ):
                await _admin(conv)
                result = await _measure(conv, driver, name, data)
        print(f"{key} ({len(data) / 1024:.0f} KB): {result}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=sorted(FILES))
    asyncio.run(main(parser.parse_args().only))
