"""The clock is passed in, never read from `datetime.now()` inside the domain."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    """Tells the current instant as an aware UTC datetime."""

    def now(self) -> datetime:
        """The current instant (timezone-aware, UTC)."""
        ...
