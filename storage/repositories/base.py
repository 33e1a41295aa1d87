"""What every repository shares: the session it works in, and the one portable upsert."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, Result, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.tables import Base


class Repository:
    """A repository works inside the unit of work's session and never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session


async def insert_or_ignore(
    session: AsyncSession,
    entity: type[Base],
    values: Mapping[str, Any],
    conflict_columns: Sequence[str],
    *,
    execution_options: Mapping[str, Any] | None = None,
) -> bool:
    """INSERT a row unless it collides on ``conflict_columns``; True if it was inserted.

    The one place with dialect-specific SQL for "insert, tolerating a duplicate": a plain
    INSERT would abort the whole transaction on PostgreSQL at the first duplicate, and a
    read-then-insert races with a concurrent writer. Both dialects speak
    ``INSERT … ON CONFLICT (…) DO NOTHING RETURNING``; only the construct's module differs.
    ``execution_options`` go with the statement (e.g. ``touches_viewers(…)`` for people).
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        pg_stmt = postgresql.insert(entity).values(dict(values))
        stmt: Any = pg_stmt.on_conflict_do_nothing(index_elements=list(conflict_columns))
    elif dialect == "sqlite":
        lite_stmt = sqlite.insert(entity).values(dict(values))
        stmt = lite_stmt.on_conflict_do_nothing(index_elements=list(conflict_columns))
    else:  # pragma: no cover - storage.engine refuses other databases
        raise NotImplementedError(f"insert_or_ignore does not support {dialect!r}")
    # RETURNING tells inserted from ignored on both, without relying on driver rowcounts.
    primary_key = inspect(entity).primary_key
    result = await session.execute(
        stmt.returning(*primary_key), execution_options=execution_options or {}
    )
    return result.first() is not None


def rowcount(result: Result[Any]) -> int:
    """Rows matched by an UPDATE or DELETE (the session types its result generically)."""
    return cast("CursorResult[Any]", result).rowcount
