"""One planner pass for a moment: the day in the region, the span it covers, the pass itself.

Two callers: the daily job (`jobs/reminders.py`, catching up on the days since its previous
run) and `python bot.py remind` (one day, or a dry run).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from domain.rat.koperasi import local_date
from locales import Catalogues
from services.reminders.plan import PassReport, plan_reminders
from services.reminders.settings import ReminderSettings
from storage.uow import UnitOfWork


async def remind_at(
    uow: Callable[[], UnitOfWork],
    catalogues: Catalogues,
    settings: ReminderSettings,
    at: datetime,
    *,
    now: datetime,
    previous: datetime | None = None,
    dry_run: bool = False,
) -> PassReport | None:
    """Plans the reminders of the region's day of `at`; None on a day off (a weekend or a
    holiday: what is dated then goes out on the next working day's pass).

    `previous`: the moment the last pass ran for, so a pass after downtime catches up on the
    dates it missed (at most `catch_up_days`). A pass run once that day's sending window has
    closed (`now` after 20:00 WIB) plans for the next working day instead: its span reaches
    that day, its messages wait for that day's window and carry that day's keys, so the pass
    of that day finds them queued and adds no second message.
    """
    before: date | None = local_date(previous, settings.tz) if previous is not None else None
    planned = settings.planned(local_date(at, settings.tz), before, now)
    if planned is None:
        return None
    today, span = planned
    return await plan_reminders(
        uow, catalogues, settings, today=today, span=span, now=now, dry_run=dry_run
    )
