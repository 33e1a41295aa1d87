"""The office's weekly roll-up (docs/rules.md#the-weekly-roll-up): to every admin and pimpinan,
on `[reminders] rollup_weekday` (Monday) at 07:30 WIB, a photo of the RAT progress chart with a
short summary as its caption — registered, RATs held against the target, the lowest kecamatan —
in the reader's language.

Working days as for every reminder: a pass on a weekend or holiday does nothing, and the
roll-up goes out on the first working day of the span that holds its weekday (a holiday Monday:
Tuesday). After downtime the span reaches back to the day after the last finished run, so a
missed Monday is sent on the next run; a finished one never again. A run after the day's
sending window plans the next working day's window, as the reminders pass does (one rule:
`ReminderSettings.planned`).

Crash-safe without doubles: the counts are read, the chart is drawn in a worker (one per
language of the recipients), and then one transaction stores each PNG (`outbox_file`) and
queues one `sendPhoto` row per person naming it; the keys — (person, the roll-up's Monday) and
(Monday, language) — make a second pass write nothing. The sender uploads the stored PNG.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from config import AppConfig
from domain.access import Role
from domain.charts import ProgressChart
from domain.delivery import MAX_CAPTION, PRIORITY_REMINDER, telegram_length
from domain.koperasi_list import KoperasiScope
from domain.rat.koperasi import local_date
from locales import Catalogues, Translator
from services.charts import ChartRequest, gather, progress_labels, render, scope_name
from services.outbox.api import STORED_FILE
from services.reminders.digest import digest_date
from services.reminders.plan import admin_lines
from services.reminders.settings import ReminderSettings
from services.reminders.texts import Line
from services.reminders.texts import render as render_lines
from storage.repositories.reminders import Recipient
from storage.uow import UnitOfWork

JOB_NAME = "weekly_rollup"
ROLLUP_KIND = "rollup"
#: Stored chart files are kept this long (their rows expire the same evening).
FILE_DAYS = 14
FILENAME = "rekap-mingguan.png"

Renderer = Callable[..., Awaitable[list[bytes]]]


@dataclass(frozen=True)
class RollupReport:
    """What a pass did: the roll-up's day (None: not due), messages planned and newly queued."""

    day: date | None
    messages: int = 0
    written: int = 0


def rollup_caption(tr: Translator, chart: ProgressChart, day: date, lowest: int) -> str:
    """The summary under the chart, at most 1,024 characters (lowest kecamatan dropped to fit)."""
    share = chart.held_share
    target = chart.target
    held = {
        "cycle": tr.t("chart.progress.current"),
        "held": chart.held,
        "obliged": chart.obliged,
        "share": tr.percent(share) if share is not None else "—",
    }
    head = [
        tr.t("rollup.weekly.header", date=day),
        tr.t("rollup.weekly.registered", count=chart.registered),
    ]
    if target is None:  # the office set none: the realisation alone, as /rekap shows it
        head.append(tr.t("rollup.weekly.held_no_target", **held))
    else:
        head.append(tr.t("rollup.weekly.held", target=tr.percent(target, 0), **held))
        missing = max(0, _needed(chart.obliged, target) - chart.held)
        if missing:
            head.append(tr.t("rollup.weekly.to_target", count=missing))
        elif chart.obliged:
            head.append(tr.t("rollup.weekly.reached"))
    rows = [
        tr.t(
            "rollup.weekly.lowest_line",
            kecamatan=row.kecamatan or tr.t("chart.no_kecamatan"),
            share=tr.percent(row.held_share or 0.0, 0),
            held=row.held,
            total=row.total,
        )
        for row in chart.lowest(lowest)
    ]
    while rows:
        text = "\n".join([*head, "", tr.t("rollup.weekly.lowest"), *rows])
        if telegram_length(text) <= MAX_CAPTION:
            return text
        rows.pop()
    return "\n".join(head)[:MAX_CAPTION]


def _needed(obliged: int, target: float) -> int:
    """The RATs held that reach `target` of `obliged` (rounded up)."""
    exact = obliged * round(target * 10_000)
    return -(-exact // 10_000)


def file_key(day: date, locale: str) -> str:
    """The stored chart of the roll-up of `day` in one language."""
    return f"{ROLLUP_KIND}:{day.isoformat()}:{locale}"


async def plan_rollup(
    uow: Callable[..., UnitOfWork],
    catalogues: Catalogues,
    cfg: AppConfig,
    at: datetime,
    *,
    now: datetime,
    previous: datetime | None = None,
    renderer: Renderer = render,
    dry_run: bool = False,
) -> RollupReport:
    """Queues the weekly roll-up when `at`'s day is its day (or catches a missed one up).

    `uow(write=...)` gives units of work; `renderer` draws the charts (a worker process). A
    dry run only counts the recipients: no chart drawn, nothing written.
    """
    settings = ReminderSettings.from_config(cfg)
    today = local_date(at, settings.tz)
    before = local_date(previous, settings.tz) if previous is not None else None
    # The reminders pass's own rule (a run after the window plans the next working day's),
    # so it leaves the admins out for exactly the days whose lines this roll-up carries.
    planned = settings.planned(today, before, now)
    if planned is None:
        return RollupReport(None)
    sending, span = planned
    week_day = digest_date(cfg.reminders.rollup_weekday, span)
    if week_day is None:
        return RollupReport(None)
    async with uow(write=False) as work:
        leaders = await work.reminders.office(Role.ADMIN, Role.PIMPINAN)
        if not leaders or dry_run:
            return RollupReport(week_day, len(leaders))
        admins = {person.person_id for person in await work.reminders.office(Role.ADMIN)}
        charts = await gather(
            work, cfg, KoperasiScope(), kecamatan=None, fiscal_year=None, today=today
        )
    # The admins' reminder lines of the day travel in the roll-up (the pass sends them none).
    lines = await admin_lines(lambda: uow(write=False), settings, span) if admins else []
    readers = {person.person_id: _reader(catalogues, person) for person in leaders}
    languages = {tr.locale: tr for tr in readers.values()}
    requests = [
        ChartRequest(
            charts.progress,
            progress_labels(tr, charts.progress, scope_name(tr, cfg, None, KoperasiScope())),
        )
        for tr in languages.values()
    ]
    pngs = dict(zip(languages, await renderer(cfg, *requests), strict=True))
    opens, closes = settings.window(sending)
    rows = [
        row
        for person in leaders
        for row in _rows(
            person,
            readers[person.person_id],
            charts.progress,
            week_day,
            cfg,
            lines if person.person_id in admins else [],
            (opens, closes, now),
        )
    ]
    async with uow() as work:
        for locale, content in pngs.items():
            await work.outbox.store_file(file_key(week_day, locale), FILENAME, content, now=now)
        # The overflow text only behind a photo this run queued: a later run (counts changed,
        # `bot.py remind`) must not send lines that already went in an earlier photo's caption.
        photos = [row for row in rows if row.get("method") == "sendPhoto"]
        new = await work.outbox.enqueue_bulk_keys(photos, now=now)
        more = [r for r in rows if r.get("method") != "sendPhoto" and _photo_key(r) in new]
        written = len(new) + await work.outbox.enqueue_bulk(more, now=now)
        await work.outbox.purge_files(now - timedelta(days=FILE_DAYS))
        await work.commit()
    return RollupReport(week_day, len(rows), written)


def _photo_key(row: dict[str, object]) -> str:
    return str(row["idempotency_key"]).removesuffix(":more")


def _reader(catalogues: Catalogues, person: Recipient) -> Translator:
    return catalogues.resolve(person.language, person.telegram_language_code)


def with_reminders(caption: str, reminders: str | None) -> tuple[str, str | None]:
    """The caption with the reader's reminders of the day under it when they fit in
    Telegram's 1,024 characters; otherwise the caption alone and the reminders to follow as
    a text message."""
    if reminders is None:
        return caption, None
    joined = f"{caption}\n\n{reminders}"
    return (joined, None) if telegram_length(joined) <= MAX_CAPTION else (caption, reminders)


def _rows(
    person: Recipient,
    tr: Translator,
    chart: ProgressChart,
    day: date,
    cfg: AppConfig,
    lines: list[Line],
    times: tuple[datetime, datetime, datetime],
) -> list[dict[str, object]]:
    """The person's photo, and — only when their reminders do not fit its caption — the
    reminders as a text message after it."""
    opens, closes, now = times
    reminders = render_lines(tr, lines, 1)[0] if lines else None
    caption, rest = with_reminders(
        rollup_caption(tr, chart, day, cfg.reminders.rollup_lowest), reminders
    )
    key = f"{ROLLUP_KIND}:{person.person_id}:{day.isoformat()}"
    shared = {
        "chat_id": person.chat_id,
        "person_id": person.person_id,
        "priority": PRIORITY_REMINDER,
        "kind": ROLLUP_KIND,
        "not_before": max(now, opens),
        "expires_at": closes,
    }
    rows: list[dict[str, object]] = [
        {
            **shared,
            "idempotency_key": key,
            "method": "sendPhoto",
            "payload": {
                "chat_id": person.chat_id,
                "caption": caption,
                "parse_mode": "HTML",
                "photo": {STORED_FILE: file_key(day, tr.locale)},
            },
        }
    ]
    if rest is not None:
        text = {"chat_id": person.chat_id, "text": rest, "parse_mode": "HTML"}
        rows.append({**shared, "idempotency_key": f"{key}:more", "payload": text})
    return rows
