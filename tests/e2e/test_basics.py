"""The basics as people live them, with the bot polling telegram_stub."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from config import AppConfig, LoggingConfig
from handlers import basics
from runtime.logs import configure_logging
from telegram_stub import BotApiStub
from tests.helpers.bot import bot_config, polling_bot
from tests.helpers.driver import Driver


@pytest.fixture
def cfg(stub: BotApiStub, database_url: str) -> AppConfig:
    return bot_config(stub, database_url)


async def test_stranger_starts_and_learns_how_to_get_access(
    cfg: AppConfig, driver: Driver
) -> None:
    siti = driver.user(2001, "Siti", language_code="id")
    async with polling_bot(cfg):
        await siti.send("/start")
        [welcome] = await siti.wait_for_reply()
        assert "undangan" in welcome.body
        assert "Kabupaten Probolinggo" in welcome.body
        await siti.send("/bantuan")
        [help_text] = await siti.wait_for_reply()
    for command in ("/start", "/bantuan", "/bahasa", "/batal"):
        assert command in help_text.body


async def test_english_app_gets_english_and_the_alias_works(
    cfg: AppConfig, driver: Driver
) -> None:
    john = driver.user(2002, "John", language_code="en-GB")
    async with polling_bot(cfg):
        await john.send("/help")
        [help_text] = await john.wait_for_reply()
    assert "What I can do" in help_text.body


async def test_unknown_command_stray_text_and_stickers_get_a_hint(
    cfg: AppConfig, driver: Driver
) -> None:
    budi = driver.user(2003, "Budi")
    async with polling_bot(cfg):
        await budi.send("/terbang")
        [unknown] = await budi.wait_for_reply()
        await budi.send('KSU "Maju & Jaya" <Sejahtera> 🙏' * 400)  # 10,000+ characters
        [stray] = await budi.wait_for_reply()
        await budi.share_location(-7.75, 113.21)
        [location] = await budi.wait_for_reply()
    assert "/bantuan" in unknown.body
    assert "tidak saya kenal" in unknown.body
    assert "belum paham" in stray.body
    assert "belum paham" in location.body


async def test_invite_code_that_does_not_exist_is_explained(
    cfg: AppConfig, driver: Driver
) -> None:
    ani = driver.user(2004, "Ani")
    async with polling_bot(cfg):
        await ani.send("/start ABCDEFGHJK")
        [answer] = await ani.wait_for_reply()
    assert "tidak berlaku" in answer.body


async def test_in_a_group_only_start_is_answered_with_a_link_to_the_private_chat(
    cfg: AppConfig, stub: BotApiStub, driver: Driver
) -> None:
    group = await driver.request("POST", "/groups", {"title": "Pengurus KSU"})
    group_id = group["chat_id"]
    ani = {"id": 2005, "first_name": "Ani"}
    async with polling_bot(cfg):
        for text in ("halo", "/start", "/bantuan"):
            body = {"user": ani, "chat_id": group_id, "text": text}
            await driver.request("POST", "/updates/message", body)
        for _ in range(250):  # wait for the one answer (an event, with a deadline)
            replies = [m for m in await driver.chat(group_id) if m.outgoing]
            if replies:
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.3)  # let the other two updates be handled (they must stay silent)
        replies = [m for m in await driver.chat(group_id) if m.outgoing]
    assert len(replies) == 1
    links = [e.get("url", "") for e in replies[0].entities]
    assert "https://t.me/gempur_test_bot" in links
    assert "chat pribadi" in replies[0].body


async def test_public_menus_are_set_at_start_for_every_language(
    cfg: AppConfig, stub: BotApiStub
) -> None:
    async with polling_bot(cfg):
        menus = stub.command_menus()
    # The stub keys menus by scope ("default", "all_private_chats", "chat:<id>") and language.
    seen = {(menu["scope"], menu["language_code"]) for menu in menus}
    for scope in ("default", "all_private_chats"):
        assert {(scope, ""), (scope, "id"), (scope, "en")} <= seen
    english = next(
        m for m in menus if m["scope"] == "all_private_chats" and m["language_code"] == "en"
    )
    assert {"command": "help", "description": "What I can do for you"} in english["commands"]
    # Each language lists its own command names.
    names = {
        language: {c["command"] for c in menu["commands"]}
        for menu in menus
        if menu["scope"] == "all_private_chats"
        for language in [menu["language_code"]]
    }
    assert {"help", "language", "cancel", "privacy"} <= names["en"]
    assert not {"bantuan", "bahasa", "batal", "privasi"} & names["en"]
    assert {"bantuan", "bahasa", "batal", "privasi"} <= names["id"]
    assert names[""] == names["id"]  # the default language's menu for every other app


async def test_a_failing_handler_apologises_and_logs_no_personal_data(
    cfg: AppConfig, driver: Driver, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    name, phone = " ".join(["Siti", "Rahayu"]), "+62" + "81234567890"

    async def broken(*_: object) -> None:
        raise RuntimeError(f"cannot save {name} {phone}")

    monkeypatch.setattr(basics, "bantuan", broken)
    siti = driver.user(2006, name.split()[0], last_name=name.split()[1])
    log_file = tmp_path / "gempur.log"
    # Logging exactly as `python bot.py run` sets it up, at the most talkative level.
    configure_logging(LoggingConfig(level="DEBUG", file=str(log_file)))
    try:
        async with polling_bot(cfg):
            await siti.send(f"/bantuan {phone}")
            [apology] = await siti.wait_for_reply()
    finally:
        configure_logging(LoggingConfig(level="WARNING"))
    assert "Maaf" in apology.body
    logged = log_file.read_text(encoding="utf-8")
    assert "RuntimeError" in logged
    assert name not in logged
    assert phone not in logged


async def test_the_error_chat_gets_a_redacted_notice(
    stub: BotApiStub, database_url: str, driver: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    ops = driver.user(2100, "Ops")
    await ops.send("/start")
    cfg = bot_config(stub, database_url, access={"error_chat_id": ops.id})
    phone = "+62" + "81234567890"

    async def broken(*_: object) -> None:
        raise RuntimeError(f"cannot save {phone}")

    monkeypatch.setattr(basics, "bantuan", broken)
    ani = driver.user(2101, "Ani")
    async with polling_bot(cfg):
        await ani.send("/bantuan")
        await ani.wait_for_reply()
        [notice] = await ops.wait_for_reply(
            timeout=10, predicate=lambda m: "RuntimeError" in m.body
        )
    assert "update" in notice.body
    assert "in broken" in notice.body  # the frames name the failing code
    assert phone not in notice.body
