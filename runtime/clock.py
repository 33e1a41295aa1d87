"""The real clock; tests pass a frozen one instead."""

from __future__ import annotations

from datetime import UTC, datetime


class SystemClock:
    """Reads the system time as an aware UTC instant."""

    def now(self) -> datetime:
        """The current instant in UTC."""
        return datetime.now(UTC)
