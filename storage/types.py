"""Column types shared by every table: UTC instants that survive SQLite."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class NaiveDatetimeError(ValueError):
    """A naive datetime was given where an instant (timezone-aware) is required."""


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware instant, stored as UTC and always loaded as an aware UTC datetime.

    PostgreSQL stores it as ``timestamptz``. SQLite has no timezone support and silently
    drops ``tzinfo`` (so a WIB value would be stored as if it were UTC): we convert to UTC
    and store naive UTC text, then re-attach UTC on load. Naive datetimes are refused at
    bind time because their meaning (WIB? UTC? server local?) is ambiguous.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"UTCDateTime expects a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise NaiveDatetimeError(
                "naive datetime given to a UTCDateTime column: pass an aware instant"
            )
        as_utc = value.astimezone(UTC)
        if dialect.name == "sqlite":
            # SQLite's DATETIME formatting ignores tzinfo; keep the text unambiguous (UTC)
            # and lexicographically comparable.
            return as_utc.replace(tzinfo=None)
        return as_utc

    def process_result_value(self, value: Any | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"UTCDateTime loaded a {type(value).__name__}, not a datetime")
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
