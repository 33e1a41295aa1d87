"""Migrations: upgrade an empty database, refuse stale ones, and never drift from the models."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

import storage.migrate
from storage.engine import create_engine, session_factory
from storage.migrate import (
    DatabaseNotMigratedError,
    alembic_config,
    current_revision,
    ensure_up_to_date,
    head_revision,
    upgrade,
)
from storage.tables import Koperasi, metadata
from storage.uow import UnitOfWork

LATER_REVISION = '''"""A later revision, for tests."""

import sqlalchemy as sa
from alembic import op

revision = "{later}"
down_revision = "{shipped}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    {body}


def downgrade() -> None:
    pass
'''

NOW = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)
SHIPPED, LATER = "0015", "9000"  # the code's head, and a revision the tests add after it


def _code_moves_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> None:
    """Make the code's migrations the shipped ones plus a later revision running ``body``."""
    scripts = tmp_path / "migrations"
    shutil.copytree(
        storage.migrate.SCRIPT_LOCATION, scripts, ignore=shutil.ignore_patterns("__pycache__")
    )
    revision = LATER_REVISION.format(body=body, later=LATER, shipped=SHIPPED)
    (scripts / "versions" / f"{LATER}_later.py").write_text(revision)
    monkeypatch.setattr(storage.migrate, "SCRIPT_LOCATION", scripts)


def _drift(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def _table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_upgrade_creates_every_table_and_reaches_head(empty_url: str) -> None:
    await asyncio.to_thread(upgrade, empty_url)
    engine = create_engine(empty_url)
    try:
        assert await current_revision(engine) == head_revision() == SHIPPED
        await ensure_up_to_date(engine)
        async with engine.connect() as connection:
            tables = await connection.run_sync(_table_names)
        assert set(metadata.tables) <= tables
        assert "alembic_version" in tables
    finally:
        await engine.dispose()


async def test_migrated_schema_does_not_drift_from_models(empty_url: str) -> None:
    await asyncio.to_thread(upgrade, empty_url)
    engine = create_engine(empty_url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_drift) == []
    finally:
        await engine.dispose()


async def test_downgrade_to_base_and_upgrade_again(empty_url: str) -> None:
    await asyncio.to_thread(upgrade, empty_url)
    await asyncio.to_thread(command.downgrade, alembic_config(empty_url), "base")
    engine = create_engine(empty_url)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_table_names) <= {"alembic_version"}
        assert await current_revision(engine) is None
        await asyncio.to_thread(upgrade, empty_url)
        await ensure_up_to_date(engine)
    finally:
        await engine.dispose()


async def test_ensure_up_to_date_refuses_an_empty_database(empty_url: str) -> None:
    engine = create_engine(empty_url)
    try:
        assert await current_revision(engine) is None
        with pytest.raises(DatabaseNotMigratedError) as refused:
            await ensure_up_to_date(engine)
        assert str(refused.value) == "database is not migrated: run `python bot.py migrate`"
    finally:
        await engine.dispose()


async def test_ensure_up_to_date_refuses_a_database_newer_than_the_code(empty_url: str) -> None:
    await asyncio.to_thread(upgrade, empty_url)
    engine = create_engine(empty_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        with pytest.raises(DatabaseNotMigratedError) as refused:
            await ensure_up_to_date(engine)
        assert str(refused.value).startswith("database is newer than this code")
        assert "9999" in str(refused.value)
    finally:
        await engine.dispose()


async def test_ensure_up_to_date_refuses_an_outdated_database_until_migrated(
    empty_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await asyncio.to_thread(upgrade, empty_url)  # at the shipped head
    _code_moves_on(tmp_path, monkeypatch, "pass")
    engine = create_engine(empty_url)
    try:
        assert head_revision() == LATER
        with pytest.raises(DatabaseNotMigratedError) as refused:
            await ensure_up_to_date(engine)
        assert str(refused.value) == (
            f"database is at revision {SHIPPED} but the code needs {LATER}: "
            "run `python bot.py migrate`"
        )
        await asyncio.to_thread(upgrade, empty_url)
        await ensure_up_to_date(engine)
        assert await current_revision(engine) == LATER
    finally:
        await engine.dispose()


async def test_upgrade_refuses_to_run_inside_an_event_loop(empty_url: str) -> None:
    with pytest.raises(RuntimeError, match="before the bot's loop starts"):
        upgrade(empty_url)


async def test_a_table_rebuild_keeps_the_rows_that_reference_it(
    empty_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On SQLite, changing a column's type rebuilds the table (DROP + rename); with foreign
    # keys on, the DROP would cascade into rat_cycle and role_grant.
    await asyncio.to_thread(upgrade, empty_url)
    engine = create_engine(empty_url)
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            koperasi = await uow.koperasi.add(
                Koperasi(nama="KUD Sumber Rejeki", created_at=NOW, updated_at=NOW)
            )
            person = await uow.people.add(telegram_user_id=1, now=NOW)
            await uow.roles.grant(person.id, "pengurus", koperasi_id=koperasi.id, now=NOW)
            await uow.commit()
        _code_moves_on(
            tmp_path,
            monkeypatch,
            'with op.batch_alter_table("koperasi") as batch:\n'
            '        batch.alter_column("nib", type_=sa.String(64))',
        )
        await asyncio.to_thread(upgrade, empty_url)
        await ensure_up_to_date(engine)
        async with UnitOfWork(session_factory(engine), write=False) as uow:
            assert await uow.roles.has_role(person.id, "pengurus", koperasi_id=koperasi.id)
            assert await uow.koperasi.get(koperasi.id) is not None
    finally:
        await engine.dispose()
