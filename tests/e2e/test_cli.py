"""`python bot.py …` as an operator runs it: clear refusals, and a graceful stop on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from storage.engine import create_engine, session_factory
from storage.tables import Outbox
from storage.uow import UnitOfWork
from telegram_stub import BotApiStub
from tests.helpers.bot import migrate, sqlite_url
from tests.helpers.driver import Driver

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config.example.toml"
NOW = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)


async def _bot(
    *args: str, env: dict[str, str] | None = None, cwd: Path
) -> asyncio.subprocess.Process:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GEMPUR_")}
    environment.update(env or {})
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        *args,
        cwd=cwd,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _finish(process: asyncio.subprocess.Process) -> tuple[int, str]:
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, stderr.decode()


async def test_run_without_a_token_says_what_to_set_in_one_line(tmp_path: Path) -> None:
    code, stderr = await _finish(await _bot("run", "--config", str(EXAMPLE), cwd=tmp_path))
    assert code != 0
    lines = stderr.strip().splitlines()
    assert len(lines) == 1
    assert "GEMPUR_TELEGRAM_TOKEN" in lines[0]


async def test_bad_config_names_each_problem_without_a_traceback(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('[telegram]\nmode = "webhook"\n[database]\nurl = "mysql://x"\n')
    code, stderr = await _finish(await _bot("migrate", "--config", str(config), cwd=tmp_path))
    assert code == 2
    assert "Traceback" not in stderr
    assert "telegram.mode" in stderr
    assert "database.url" in stderr


async def test_run_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    env = {"GEMPUR_TELEGRAM_TOKEN": "1:x", "GEMPUR_DATABASE_URL": sqlite_url(tmp_path)}
    code, stderr = await _finish(
        await _bot("run", "--config", str(EXAMPLE), env=env, cwd=tmp_path)
    )
    assert code == 2
    assert "python bot.py migrate" in stderr
    assert "Traceback" not in stderr


async def test_admin_add_is_idempotent_and_config_comes_from_the_environment(
    tmp_path: Path,
) -> None:
    url = sqlite_url(tmp_path)
    await migrate(url)
    env = {"GEMPUR_CONFIG": str(EXAMPLE), "GEMPUR_DATABASE_URL": url}
    first = await _bot("admin", "add", "777", env=env, cwd=tmp_path)
    out_first, _ = await first.communicate()
    second = await _bot("admin", "add", "777", env=env, cwd=tmp_path)
    out_second, _ = await second.communicate()
    assert b"777 is now an admin" in out_first
    assert b"777 is already an admin" in out_second


async def test_sigterm_stops_the_bot_gracefully(
    tmp_path: Path, stub: BotApiStub, driver: Driver
) -> None:
    url = sqlite_url(tmp_path)
    await migrate(url)
    env = {
        "GEMPUR_TELEGRAM_TOKEN": stub.token,
        "GEMPUR_DATABASE_URL": url,
        "GEMPUR_TELEGRAM_BASE_URL": stub.bot_base_url,
        "GEMPUR_TELEGRAM_BASE_FILE_URL": stub.file_base_url,
    }
    process = await _bot("run", "--config", str(EXAMPLE), env=env, cwd=tmp_path)
    try:
        ani = driver.user(3001, "Ani")
        await ani.send("/bantuan")
        [answer] = await ani.wait_for_reply(timeout=30)
        assert "/bahasa" in answer.body
        process.send_signal(signal.SIGTERM)
        code, stderr = await _finish(process)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert code == 0
    assert "stopping" in stderr
    assert "Traceback" not in stderr


async def test_a_token_the_bot_api_refuses_ends_with_one_line_and_no_noise(
    tmp_path: Path, stub: BotApiStub
) -> None:
    url = sqlite_url(tmp_path)
    await migrate(url)
    env = {
        "GEMPUR_TELEGRAM_TOKEN": "999:NOT-THE-STUB-TOKEN",
        "GEMPUR_DATABASE_URL": url,
        "GEMPUR_TELEGRAM_BASE_URL": stub.bot_base_url,
        "GEMPUR_TELEGRAM_BASE_FILE_URL": stub.file_base_url,
    }
    code, stderr = await _finish(
        await _bot("run", "--config", str(EXAMPLE), env=env, cwd=tmp_path)
    )
    assert code == 2
    assert "refused the token" in stderr
    assert "Unclosed" not in stderr  # aiohttp's sessions were closed
    assert "Traceback" not in stderr
    assert "ERROR" not in stderr


async def test_the_stand_in_says_which_token_and_base_urls_to_use(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "telegram_stub",
        "--port",
        "0",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stderr is not None
        line = (await asyncio.wait_for(process.stderr.readline(), timeout=30)).decode()
    finally:
        process.terminate()
        await process.wait()
    assert "GEMPUR_TELEGRAM_TOKEN=123456:TEST-TOKEN" in line
    assert "GEMPUR_TELEGRAM_BASE_URL=http://127.0.0.1:" in line
    assert "/file/bot GEMPUR_TELEGRAM_TOKEN" in line
    assert ":0/" not in line  # the port it listens on, not the one asked for


async def test_admin_add_sets_the_admins_menu_and_hands_over_waiting_requests(
    tmp_path: Path,
) -> None:
    url = sqlite_url(tmp_path)
    await migrate(url)
    engine = create_engine(url)
    try:
        async with UnitOfWork(session_factory(engine)) as uow:  # asked while nobody was admin
            repo = uow.join_requests
            request = await repo.add_draft(
                telegram_user_id=4001, chat_id=4001, display_name="Siti", now=NOW
            )
            await repo.submit(request.id, "PPKL Kraksaan", NOW)
            await uow.commit()
        env = {"GEMPUR_CONFIG": str(EXAMPLE), "GEMPUR_DATABASE_URL": url}
        added = await _bot("admin", "add", "778", env=env, cwd=tmp_path)
        out, _ = await added.communicate()
        assert b"778 is now an admin" in out
        async with UnitOfWork(session_factory(engine), write=False) as uow:
            rows = list(await uow.session.scalars(select(Outbox).where(Outbox.chat_id == 778)))
    finally:
        await engine.dispose()
    methods = {row.method: row for row in rows}
    assert set(methods) == {"setMyCommands", "sendMessage"}
    commands = [c["command"] for c in methods["setMyCommands"].payload["commands"]]
    assert "undang" in commands  # the admin's menu, not the public one
    assert "Siti" in methods["sendMessage"].payload["text"]
