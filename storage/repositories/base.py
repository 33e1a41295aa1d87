"""What every repository shares: the session it works in, and the one portable upsert."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult, Result, Row, Table, bindparam, inspect, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.tables import Base

T = TypeVar("T", bound=Base)


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

    ``execution_options`` go with the statement (e.g. ``touches_viewers(…)`` for people).
    """
    row = await _insert_returning_key(session, entity, values, conflict_columns, execution_options)
    return row is not None


async def insert_or_ignore_id(
    session: AsyncSession,
    entity: type[Base],
    values: Mapping[str, Any],
    conflict_columns: Sequence[str],
    *,
    execution_options: Mapping[str, Any] | None = None,
) -> int | None:
    """Like :func:`insert_or_ignore`, returning the new row's id (None when it collided)."""
    row = await _insert_returning_key(session, entity, values, conflict_columns, execution_options)
    return int(row[0]) if row is not None else None


async def _insert_returning_key(
    session: AsyncSession,
    entity: type[Base],
    values: Mapping[str, Any],
    conflict_columns: Sequence[str],
    execution_options: Mapping[str, Any] | None,
) -> Row[Any] | None:
    """The new row's primary key, or None when the insert collided."""
    # RETURNING tells inserted from ignored on both, without relying on driver rowcounts.
    stmt = _insert_ignoring(_dialect(session), entity, tuple(values), tuple(conflict_columns))
    result = await session.execute(stmt, dict(values), execution_options=execution_options or {})
    return result.first()


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


@functools.cache
def _insert_ignoring(
    dialect: str,
    entity: type[Base],
    columns: tuple[str, ...],
    conflict_columns: tuple[str, ...],
) -> Any:
    """The one place with dialect-specific SQL for "insert, tolerating a duplicate".

    A plain INSERT would abort the whole transaction on PostgreSQL at the first duplicate,
    and a read-then-insert races with a concurrent writer. Both dialects speak
    ``INSERT … ON CONFLICT (…) DO NOTHING RETURNING``; only the construct's module differs.
    Built once per shape with bound parameters: building a statement costs about as much as
    running it, and these run on every form step.
    """
    # A Core insert on the table: the ORM's bulk-insert machinery costs more than the
    # statement itself.
    table: Any = inspect(entity).local_table
    values = {name: bindparam(name, type_=table.c[name].type) for name in columns}
    if dialect == "postgresql":
        pg_stmt = postgresql.insert(table).values(values)
        stmt: Any = pg_stmt.on_conflict_do_nothing(index_elements=list(conflict_columns))
    elif dialect == "sqlite":
        lite_stmt = sqlite.insert(table).values(values)
        stmt = lite_stmt.on_conflict_do_nothing(index_elements=list(conflict_columns))
    else:  # pragma: no cover - storage.engine refuses other databases
        raise NotImplementedError(f"insert_or_ignore does not support {dialect!r}")
    return stmt.returning(*inspect(entity).primary_key)


def rowcount(result: Result[Any]) -> int:
    """Rows matched by an UPDATE or DELETE (the session types its result generically)."""
    return cast("CursorResult[Any]", result).rowcount


def table_of(entity: type[Base]) -> Table:
    """The Core table of a mapped class, for executemany statements."""
    return entity.metadata.tables[entity.__tablename__]


async def update_rows_by_id(
    session: AsyncSession,
    entity: type[Base],
    changes: Sequence[tuple[int, Mapping[str, object]]],
    now: datetime,
) -> None:
    """Updates each row's changed columns (and `updated_at`): one executemany UPDATE per set
    of changed columns, however many rows share it."""
    groups: dict[tuple[str, ...], list[dict[str, object]]] = defaultdict(list)
    for row_id, changed in changes:
        # Bound names must differ from the columns they set (SQLAlchemy reserves those).
        params = {f"v_{name}": value for name, value in changed.items()}
        groups[tuple(sorted(changed))].append({"v_id": row_id, **params})
    table = table_of(entity)
    connection = await session.connection()
    for names, group in groups.items():
        values: dict[str, Any] = {name: bindparam(f"v_{name}") for name in names}
        stmt = (
            update(table).where(table.c.id == bindparam("v_id")).values(**values, updated_at=now)
        )
        await connection.execute(stmt, group)
