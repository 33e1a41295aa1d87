"""Declarative base: naming convention and the Python-type → column-type map."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, MetaData, Numeric, String, false, true
from sqlalchemy.orm import DeclarativeBase, MappedColumn, mapped_column

from storage.types import UTCDateTime

# Deterministic constraint names, so migrations can drop or alter them on both databases
# (SQLite's batch mode needs names to find constraints again).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: A JSON object column value.
JsonDict = dict[str, Any]


class Base(DeclarativeBase):
    """Base of every table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime: UTCDateTime(),
        date: Date(),
        Decimal: Numeric(20, 2),
        JsonDict: JSON(),
    }


# Small column builders: one place for the lengths and defaults used across tables.


def code(
    length: int = 32, *, default: str | None = None, nullable: bool = False
) -> MappedColumn[Any]:
    """A code from config or the domain (stage, role, status …): a string, never a native enum."""
    if default is None:
        return mapped_column(String(length), nullable=nullable)
    return mapped_column(
        String(length), nullable=nullable, default=default, server_default=default
    )


def flag(*, default: bool = False) -> MappedColumn[Any]:
    """A non-null boolean with the same default in Python and in the database."""
    return mapped_column(
        Boolean, nullable=False, default=default, server_default=true() if default else false()
    )


def counter(*, default: int = 0) -> MappedColumn[Any]:
    """A non-null integer with the same default in Python and in the database."""
    return mapped_column(nullable=False, default=default, server_default=str(default))


def tg_id(*, nullable: bool = True, unique: bool = False) -> MappedColumn[Any]:
    """A Telegram user, chat or message id: newer ones no longer fit in 32 bits."""
    return mapped_column(BigInteger, nullable=nullable, unique=unique)
