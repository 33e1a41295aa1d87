"""The officers' weekly digest: its lines, each a count per officer.

The late and at-risk counts come from the planner's pass (`domain.reminders.Planner.digest`).
Other features add their lines here as providers (threads waiting for an answer, follow-ups
due): a provider reads, for the officers of the digest, a count per officer, and names the
message key that shows it (`{count}` in the text). Lines whose count is zero are left out.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date

from locales import N_
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class DigestLineProvider:
    """A digest line: its message key and the counts per officer it shows."""

    key: str
    counts: Callable[[UnitOfWork, Sequence[int], date], Awaitable[dict[int, int]]]


#: Extra digest lines, in the order they appear after the late and at-risk lines.
DIGEST_LINES: tuple[DigestLineProvider, ...] = ()

LATE_KEY = N_("reminder.digest.late")
AT_RISK_KEY = N_("reminder.digest.at_risk")
