"""A SIGKILL in the middle of a form: the person goes on at the same step, nothing twice."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from sqlalchemy import select

from storage.engine import create_engine, session_factory
from storage.tables import FormSession
from telegram_stub import BotApiStub
from tests.helpers.bot import migrate, sqlite_url
from tests.helpers.driver import Driver

ROOT = Path(__file__).resolve().parents[2]


def _write_config(path: Path, stub: BotApiStub, url: str) -> None:
    path.write_text(
        f'[telegram]\ntoken = "{stub.token}"\nbase_url = "{stub.bot_base_url}"\n'
        f'base_file_url = "{stub.file_base_url}"\npoll_timeout_seconds = 1\n'
        f'[database]\nurl = "{url}"\n',
        encoding="utf-8",
    )


async def _start(config: Path) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GEMPUR_")}
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.helpers.bot_proc",
        str(config),
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def _kill(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGKILL)
        await process.wait()


async def _form(url: str, user_id: int) -> FormSession:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            return (
                await session.scalars(select(FormSession).where(FormSession.user_id == user_id))
            ).one()
    finally:
        await engine.dispose()


async def test_sigkill_mid_form_resumes_and_a_redelivered_update_applies_once(
    tmp_path: Path, stub: BotApiStub, driver: Driver
) -> None:
    url = sqlite_url(tmp_path)
    await migrate(url)
    config = tmp_path / "config.toml"
    _write_config(config, stub, url)
    ani = driver.user(6001, "Ani")
    first = await _start(config)
    try:
        await ani.send("/uji")
        [choice] = await ani.wait_for_reply(timeout=30)
        assert "1. Satu" in choice.body
        # From here on Telegram never hears the bot confirm an update: after the crash it
        # delivers "3" again, which would be a valid answer to the next step too.
        stub.hold_confirmations(hold=True)
        await ani.send("3")
        [number] = await ani.wait_for_reply(timeout=10)
        assert "angka" in number.body
    finally:
        await _kill(first)
    stub.hold_confirmations(hold=False)
    await ani.send("25")  # typed while the bot is down
    second = await _start(config)
    try:
        replies = await ani.wait_for_reply(count=2, timeout=30)
        assert "angka" in replies[0].body  # the redelivered "3": the current question again
        assert "tanggal" in replies[1].body.lower()  # "25" answered the number step
    finally:
        second.send_signal(signal.SIGTERM)
        await asyncio.wait_for(second.wait(), timeout=20)
        await _kill(second)
    session = await _form(url, ani.id)
    assert session.step == "tanggal"
    assert session.answers == {"pilihan": "tiga", "jumlah": 25}
