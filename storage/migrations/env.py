"""Alembic environment: async engine from storage.engine, batch mode for SQLite."""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig
from typing import Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection

from storage.engine import WRITE_OPTION, create_engine
from storage.tables import metadata
from storage.types import UTCDateTime

config = context.config

# Only the CLI (storage/alembic.ini) configures logging; bot.py has done it already.
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    url = config.attributes.get("url") or os.environ.get("GEMPUR_DATABASE_URL")
    if not url:
        raise RuntimeError(
            "no database URL: pass one to storage.migrate or set GEMPUR_DATABASE_URL"
        )
    return str(url)


def _render_item(type_: str, obj: object, _context: AutogenContext) -> str | Literal[False]:
    """Autogenerate writes UTCDateTime as its database type, so revisions never import
    application code (which may change after the revision is written)."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_offline() -> None:
    """Emit SQL to stdout (``alembic upgrade --sql``) instead of touching a database."""
    context.configure(
        url=_url(),
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=_render_item,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_sync(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch mode rebuilds a SQLite table by DROP and rename; with foreign keys on, the
        # DROP's implicit DELETE would fire ON DELETE CASCADE into every child table.
        _sqlite_pragma(connection, "PRAGMA foreign_keys=OFF")
    # A writer from the start: BEGIN IMMEDIATE on SQLite (no lock upgrade half-way).
    connection.execution_options(**{WRITE_OPTION: True})
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things: batch mode rebuilds the table instead.
        render_as_batch=True,
        compare_type=True,
        render_item=_render_item,
        # True on SQLite too: SQLAlchemy emits BEGIN itself (storage.engine), so the
        # driver no longer commits before DDL and a failed upgrade rolls back whole.
        transactional_ddl=True,
    )
    try:
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                _check_sqlite_foreign_keys(connection)
    finally:
        if sqlite:
            _sqlite_pragma(connection, "PRAGMA foreign_keys=ON")


def _sqlite_pragma(connection: Connection, pragma: str) -> None:
    # Straight to the driver: through SQLAlchemy it would begin a transaction, and SQLite
    # ignores PRAGMA foreign_keys inside one.
    cursor = connection.connection.cursor()
    try:
        cursor.execute(pragma)
    finally:
        cursor.close()


def _check_sqlite_foreign_keys(connection: Connection) -> None:
    """With foreign keys off, verify them before committing (rolls back on a violation)."""
    violations = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if violations:
        raise RuntimeError(f"migration left foreign key violations: {violations[:5]}")


async def run_migrations_online() -> None:
    """Migrate through the same engine set-up the bot uses (SQLite pragmas and BEGIN)."""
    engine = create_engine(_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_sync)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
