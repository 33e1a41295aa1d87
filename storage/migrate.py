"""Alembic, configured in code: upgrade a database and refuse to start on a stale one.

Migrations run before the bot's event loop starts: Alembic's async env calls
``asyncio.run``, so :func:`upgrade` must be called where no loop is running (the
``python bot.py migrate`` command, or ``asyncio.to_thread`` from async code such as tests).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

#: The Alembic script directory shipped inside the package.
SCRIPT_LOCATION = Path(__file__).resolve().parent / "migrations"

MIGRATE_HINT = "run `python bot.py migrate`"


class DatabaseNotMigratedError(RuntimeError):
    """The database schema does not match the code; the message says what to do."""


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config without an ini file; ``url`` travels as an attribute.

    The URL is not put in the main options because configparser would interpolate the
    ``%`` of percent-encoded passwords.
    """
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    if url is not None:
        config.attributes["url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Upgrade the database at ``url`` to ``revision``; call with no event loop running."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise RuntimeError(
            "storage.migrate.upgrade() runs its own event loop: call it before the bot's loop "
            "starts, or through asyncio.to_thread()"
        )
    command.upgrade(alembic_config(url), revision)


def head_revision() -> str:
    """The revision the code needs."""
    head = _script().get_current_head()
    if head is None:  # pragma: no cover - the package always ships 0001
        raise RuntimeError(f"no migrations found in {SCRIPT_LOCATION}")
    return head


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or None if it was never migrated."""
    async with engine.connect() as connection:
        return await connection.run_sync(_current_revision)


async def ensure_up_to_date(engine: AsyncEngine) -> None:
    """Raise :class:`DatabaseNotMigratedError` unless the database is at the code's head."""
    current = await current_revision(engine)
    head = head_revision()
    if current == head:
        return
    if current is None:
        raise DatabaseNotMigratedError(f"database is not migrated: {MIGRATE_HINT}")
    if _is_known(current):
        raise DatabaseNotMigratedError(
            f"database is at revision {current} but the code needs {head}: {MIGRATE_HINT}"
        )
    raise DatabaseNotMigratedError(
        f"database is newer than this code: it is at revision {current}, which this code "
        f"does not know (the code's latest is {head}); run a newer version of the bot"
    )


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def _is_known(revision: str) -> bool:
    try:
        return _script().get_revision(revision) is not None
    except CommandError:
        return False


def _current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
