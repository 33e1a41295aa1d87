"""The sandbox's pure parts: its clock only moves forward, it stays on loopback and off the
configured database, and the chat menu is picked as a Telegram app picks it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from config import parse_config
from sandbox.clock import SandboxClock, morning_of, next_date
from sandbox.menus import chat_menu
from sandbox.safety import (
    UnsafeSandboxError,
    demo_config,
    ensure_loopback,
    ensure_safe,
    is_loopback,
)
from telegram_stub import BotApiStub

WIB = ZoneInfo("Asia/Jakarta")


def test_the_clock_moves_forward_by_days_and_to_a_date_but_never_back() -> None:
    clock = SandboxClock()
    before = clock.now()
    after_a_day = clock.advance(timedelta(days=1))
    target = datetime(after_a_day.year + 1, 3, 1, 1, 0, tzinfo=UTC)
    assert after_a_day - before >= timedelta(days=1)
    assert clock.jump_to(target) - target < timedelta(seconds=1)
    assert clock.offset > timedelta(days=1)
    with pytest.raises(ValueError, match="only moves forward"):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(ValueError, match="only moves forward"):
        clock.jump_to(before)


def test_presets_fall_on_the_next_such_day_at_eight_in_the_morning() -> None:
    assert next_date(date(2026, 12, 5), 1, 2) == date(2027, 1, 2)
    assert next_date(date(2027, 1, 1), 1, 2) == date(2027, 1, 2)
    assert next_date(date(2027, 3, 1), 3, 1) == date(2028, 3, 1)  # strictly after today
    assert morning_of(date(2027, 3, 1), WIB) == datetime(2027, 3, 1, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),  # noqa: S104 - the case refused
        ("192.168.1.5", False),
        ("api.telegram.org", False),
    ],
)
def test_only_loopback_counts_as_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_listening_anywhere_else_is_refused() -> None:
    with pytest.raises(UnsafeSandboxError, match="loopback only"):
        ensure_loopback("0.0.0.0")  # noqa: S104 - the case refused


def test_the_demo_config_points_at_the_stand_in_and_its_own_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GEMPUR_DATABASE_URL", "sqlite+aiosqlite:///gempur.db")
    monkeypatch.setenv("GEMPUR_TELEGRAM_BASE_URL", "https://api.telegram.org/bot")
    stub = BotApiStub(port=8123)
    base = {"telegram": {"token": "real:token"}, "database": {"url": "sqlite:///prod.db"}}
    cfg = demo_config(base, stub, tmp_path)
    assert cfg.telegram.base_url == "http://127.0.0.1:8123/bot"
    assert cfg.telegram.token == stub.token
    assert cfg.database.url == f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"
    ensure_safe(cfg, "sqlite+aiosqlite:///gempur.db")  # a different file: fine


def test_a_real_telegram_url_is_refused(tmp_path: Path) -> None:
    cfg = demo_config({}, BotApiStub(port=8123), tmp_path)
    real = cfg.model_copy(
        update={
            "telegram": cfg.telegram.model_copy(
                update={"base_url": "https://api.telegram.org/bot"}
            )
        }
    )
    with pytest.raises(UnsafeSandboxError, match=r"api\.telegram\.org"):
        ensure_safe(real, None)


def test_the_configured_database_is_refused(tmp_path: Path) -> None:
    production = f"sqlite+aiosqlite:///{tmp_path / 'gempur.db'}"
    cfg = parse_config(
        {
            "telegram": {
                "base_url": "http://127.0.0.1:1/bot",
                "base_file_url": "http://127.0.0.1:1/file/bot",
            },
            "database": {"url": production},
        }
    )
    with pytest.raises(UnsafeSandboxError, match="configured database"):
        ensure_safe(cfg, production)
    postgres = cfg.model_copy(
        update={
            "database": cfg.database.model_copy(update={"url": "postgresql+asyncpg://db/gempur"})
        }
    )
    with pytest.raises(UnsafeSandboxError, match="SQLite file of its own"):
        ensure_safe(postgres, None)


def test_the_chat_menu_is_the_narrowest_scope_in_the_users_language() -> None:
    def menu(scope: str, language: str, command: str) -> dict[str, object]:
        listed = [{"command": command, "description": command}]
        return {"scope": scope, "language_code": language, "commands": listed}

    menus = [
        menu("default", "", "start"),
        menu("all_private_chats", "id", "mulai"),
        menu("chat:42", "", "koperasi"),
        menu("chat:42", "en", "cooperatives"),
    ]
    assert chat_menu(menus, 42, "id") == [{"command": "koperasi", "description": "koperasi"}]
    assert chat_menu(menus, 42, "en")[0]["command"] == "cooperatives"
    assert chat_menu(menus, 7, "id")[0]["command"] == "mulai"
    assert chat_menu(menus, 7, "en")[0]["command"] == "start"
    assert chat_menu([], 7, "id") == []
