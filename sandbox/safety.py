"""What keeps the sandbox harmless: loopback only, no real Telegram, never the configured
database. `demo_config` builds the bot's config so; `ensure_safe` refuses anything else."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url

from config import AppConfig, parse_config
from telegram_stub import BotApiStub

LOOPBACK_NAMES = frozenset({"localhost"})


class UnsafeSandboxError(ValueError):
    """The sandbox was asked to listen or connect somewhere it must not."""


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine only (127.0.0.0/8, ::1 or localhost)."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def ensure_loopback(host: str) -> None:
    """Refuses to listen anywhere but on this machine."""
    if not is_loopback(host):
        raise UnsafeSandboxError(f"the sandbox listens on loopback only, not on {host!r}")


def demo_config(base: Mapping[str, Any], stub: BotApiStub, directory: Path) -> AppConfig:
    """The bot's config for the sandbox: `base` (region, languages, rules …) with the Bot API
    pointed at the stand-in and a fresh SQLite file in `directory`. Built without the
    environment overrides, so no GEMPUR_DATABASE_URL or base URL can leak in."""
    raw = {section: dict(values) for section, values in base.items() if isinstance(values, dict)}
    raw["telegram"] = {
        **raw.get("telegram", {}),
        "token": stub.token,
        "base_url": stub.bot_base_url,
        "base_file_url": stub.file_base_url,
        "poll_timeout_seconds": 1,
    }
    raw["database"] = {"url": f"sqlite+aiosqlite:///{directory / 'demo.db'}", "echo": False}
    # No configured admin gets a role here: the sample's admins are the sandbox's.
    raw["access"] = {**raw.get("access", {}), "admin_telegram_ids": []}
    return parse_config(raw, source="sandbox config")


def ensure_safe(cfg: AppConfig, production_database_url: str | None) -> None:
    """Refuses a Bot API off this machine (api.telegram.org above all) and the configured
    production database."""
    for url in (cfg.telegram.base_url, cfg.telegram.base_file_url):
        host = urlsplit(url).hostname or ""
        if not is_loopback(host):
            raise UnsafeSandboxError(f"the sandbox talks to the stand-in only, not to {host!r}")
    demo = make_url(cfg.database.url)
    if demo.get_backend_name() != "sqlite" or not demo.database:
        raise UnsafeSandboxError("the sandbox uses a fresh SQLite file of its own")
    if production_database_url and _same_database(demo.database, production_database_url):
        raise UnsafeSandboxError("the sandbox never touches the configured database")


def _same_database(demo_file: str, production_url: str) -> bool:
    production = make_url(production_url)
    if production.get_backend_name() != "sqlite" or not production.database:
        return False
    return Path(demo_file).resolve() == Path(production.database).resolve()
