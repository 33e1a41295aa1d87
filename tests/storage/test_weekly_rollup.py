"""The weekly roll-up's planning against a real database (SQLite and PostgreSQL): admins and
pimpinan only, each in their language, once per week's Monday — again on the same day or the
next writes nothing — a holiday Monday moves it to Tuesday, downtime is caught up."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from config import AppConfig, parse_config
from domain.access import Role
from domain.delivery import PRIORITY_REMINDER
from locales import Catalogues
from services.charts import ChartRequest
from services.reminders import rollup
from services.reminders.plan import admin_lines
from services.reminders.rollup import plan_rollup
from services.reminders.run import remind_at
from services.reminders.settings import ReminderSettings
from storage.tables import Outbox, OutboxFile
from storage.uow import UnitOfWork
from tests.helpers.seed import add_board_member, add_koperasi, add_person

CFG = AppConfig()
CATALOGUES = Catalogues(["id", "en"], "id", CFG.region.tz)
MONDAY = datetime(2026, 12, 7, 0, 30, tzinfo=UTC)  # 07:30 WIB
SUNDAY = datetime(2026, 12, 6, 0, 30, tzinfo=UTC)
TUESDAY = datetime(2026, 12, 8, 0, 30, tzinfo=UTC)
WEDNESDAY = datetime(2026, 12, 9, 0, 30, tzinfo=UTC)
FRIDAY = datetime(2026, 12, 4, 0, 30, tzinfo=UTC)


async def fake_render(_cfg: AppConfig, *requests: ChartRequest) -> list[bytes]:
    """Stands in for the worker: one small "PNG" per request, naming its title."""
    return [f"PNG {request.labels.title}".encode() for request in requests]


async def _seed(factory: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with UnitOfWork(factory) as uow:
        admin = await add_person(uow, 801, "Admin", roles=[Role.ADMIN])
        boss = await add_person(uow, 802, "Pimpinan", roles=[Role.PIMPINAN])
        boss.language = "en"
        officer = await add_person(uow, 803, "Petugas", roles=[Role.PETUGAS])
        board = await add_person(uow, 804, "Ketua")
        held = await add_koperasi(uow, "KSU Sudah", tahap="RAT_TERLAKSANA")
        await add_koperasi(uow, "KSU Belum", kecamatan="Besuk", petugas_id=officer.id)
        await add_board_member(uow, board, held.id)
        await uow.commit()
        return {"admin": admin.id, "boss": boss.id}


async def _pass(
    factory: async_sessionmaker[AsyncSession],
    at: datetime,
    previous: datetime | None = None,
    cfg: AppConfig = CFG,
) -> Any:
    return await plan_rollup(
        lambda **kwargs: UnitOfWork(factory, **kwargs),
        CATALOGUES,
        cfg,
        at,
        now=at,
        previous=previous,
        renderer=fake_render,
    )


async def _rows(factory: async_sessionmaker[AsyncSession]) -> list[Outbox]:
    async with UnitOfWork(factory, write=False) as uow:
        return list(await uow.session.scalars(select(Outbox).order_by(Outbox.person_id)))


async def _files(factory: async_sessionmaker[AsyncSession]) -> dict[str, bytes]:
    async with UnitOfWork(factory, write=False) as uow:
        return {f.key: f.content for f in await uow.session.scalars(select(OutboxFile))}


async def test_monday_queues_one_photo_per_admin_and_pimpinan_in_their_language(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    people = await _seed(factory)
    report = await _pass(factory, MONDAY, previous=FRIDAY)
    assert (report.day, report.messages, report.written) == (date(2026, 12, 7), 2, 2)
    admin, boss = await _rows(factory)
    assert (admin.person_id, boss.person_id) == (people["admin"], people["boss"])
    assert {row.chat_id for row in (admin, boss)} == {801, 802}  # never the officer or board
    for row in (admin, boss):
        assert (row.method, row.kind, row.priority) == ("sendPhoto", "rollup", PRIORITY_REMINDER)
        assert row.expires_at is not None
    assert admin.payload["photo"] == {"outbox_file": "rollup:2026-12-07:id"}
    assert boss.payload["photo"] == {"outbox_file": "rollup:2026-12-07:en"}
    assert admin.payload["caption"].startswith("<b>Rekap mingguan Gempur</b> — 7 Desember 2026")
    assert "RAT terlaksana (siklus berjalan): 1 dari 2" in admin.payload["caption"]
    assert boss.payload["caption"].startswith("<b>Gempur weekly roll-up</b> — December 7, 2026")
    assert "• Besuk: 0 % (0/1)" in boss.payload["caption"]
    assert await _files(factory) == {
        "rollup:2026-12-07:id": b"PNG Progres RAT per kecamatan",
        "rollup:2026-12-07:en": b"PNG RAT progress per kecamatan",
    }


async def test_the_roll_up_goes_once_per_week(factory: async_sessionmaker[AsyncSession]) -> None:
    await _seed(factory)
    assert (await _pass(factory, MONDAY, previous=FRIDAY)).written == 2
    again = await _pass(factory, MONDAY, previous=FRIDAY)  # a second process, or a rerun
    assert (again.messages, again.written) == (2, 0)
    assert (await _pass(factory, TUESDAY, previous=MONDAY)).day is None
    assert (await _pass(factory, SUNDAY, previous=FRIDAY)).day is None  # a day off
    assert (await _pass(factory, FRIDAY)).day is None  # not its weekday
    assert len(await _rows(factory)) == 2
    assert len(await _files(factory)) == 2


async def test_a_holiday_monday_moves_it_to_tuesday(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    await _seed(factory)
    cfg = parse_config({"calendar": {"holidays": ["2026-12-07"]}})
    assert (await _pass(factory, MONDAY, previous=FRIDAY, cfg=cfg)).day is None
    report = await _pass(factory, TUESDAY, previous=MONDAY, cfg=cfg)
    assert (report.day, report.written) == (date(2026, 12, 7), 2)


async def test_after_downtime_the_missed_roll_up_is_caught_up_once(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    await _seed(factory)
    report = await _pass(factory, WEDNESDAY, previous=FRIDAY)  # down Monday and Tuesday
    assert (report.day, report.written) == (date(2026, 12, 7), 2)
    rows = await _rows(factory)
    assert {row.idempotency_key.rsplit(":", 1)[1] for row in rows} == {"2026-12-07"}
    assert (await _pass(factory, WEDNESDAY, previous=FRIDAY)).written == 0


async def test_nothing_without_admins_or_pimpinan(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    report = await _pass(factory, MONDAY, previous=FRIDAY)
    assert (report.day, report.messages) == (date(2026, 12, 7), 0)
    assert await _rows(factory) == []


def _overflowing(caption: str, reminders: str | None) -> tuple[str, str | None]:
    """The admins' lines of the day grown too long for the caption (counts changed)."""
    return caption, "Pengingat yang panjang"


async def test_a_later_run_never_adds_the_overflow_text_to_a_photo_already_queued(
    factory: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    await _seed(factory)
    assert (await _pass(factory, MONDAY, previous=FRIDAY)).written == 2  # lines fit (or none)
    monkeypatch.setattr("services.reminders.rollup.with_reminders", _overflowing)
    again = await _pass(factory, MONDAY, previous=FRIDAY)  # `bot.py remind`, counts changed
    assert again.written == 0
    assert [row.method for row in await _rows(factory)] == ["sendPhoto", "sendPhoto"]


async def test_the_overflow_text_follows_a_photo_queued_in_the_same_run(
    factory: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    await _seed(factory)
    monkeypatch.setattr("services.reminders.rollup.with_reminders", _overflowing)
    report = await _pass(factory, MONDAY, previous=FRIDAY)
    assert (report.messages, report.written) == (4, 4)
    keys = sorted(row.idempotency_key for row in await _rows(factory))
    assert [key.endswith(":more") for key in keys] == [False, True, False, True]


THURSDAY = datetime(2026, 12, 3, 0, 30, tzinfo=UTC)
FRIDAY_NIGHT = datetime(2026, 12, 4, 14, 0, tzinfo=UTC)  # 21:00 WIB, the window closed
MONDAY_NIGHT = datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
SETTINGS = ReminderSettings.from_config(CFG)


async def _spans(
    factory: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
    at: datetime,
    previous: datetime,
) -> tuple[Any, list[tuple[date, date]], tuple[date, date]]:
    """The roll-up's report, the span its admins' lines were read for, and the span the
    reminders pass of the same run covered."""
    carried: list[tuple[date, date]] = []
    read = admin_lines

    async def spy(uow: Any, settings: ReminderSettings, span: tuple[date, date]) -> Any:
        carried.append(span)
        return await read(uow, settings, span)

    monkeypatch.setattr(rollup, "admin_lines", spy)
    report = await _pass(factory, at, previous=previous)
    reminders = await remind_at(
        lambda: UnitOfWork(factory), CATALOGUES, SETTINGS, at, now=at, previous=previous
    )
    assert reminders is not None
    return report, carried, (reminders.first, reminders.last)


async def test_a_run_after_friday_s_window_plans_monday_s_roll_up_with_friday_s_lines(
    factory: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Down Friday 06:00–21:00: the pass at 21:00 plans Monday's window and leaves the admins
    out from Friday on; the roll-up carries their lines for exactly those days."""
    await _seed(factory)
    report, carried, covered = await _spans(factory, monkeypatch, FRIDAY_NIGHT, THURSDAY)
    assert (report.day, report.written) == (date(2026, 12, 7), 2)
    assert carried == [covered] == [(date(2026, 12, 4), date(2026, 12, 7))]
    opens, closes = SETTINGS.window(date(2026, 12, 7))
    assert all((r.not_before, r.expires_at) == (opens, closes) for r in await _rows(factory))
    # Monday's own run finds it queued.
    assert (await _pass(factory, MONDAY, previous=FRIDAY_NIGHT)).written == 0


async def test_a_roll_up_day_whose_window_closed_goes_in_the_next_working_day_s_window(
    factory: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    await _seed(factory)
    report, carried, covered = await _spans(factory, monkeypatch, MONDAY_NIGHT, FRIDAY)
    assert (report.day, report.written) == (date(2026, 12, 7), 2)
    assert carried == [covered]
    opens, closes = SETTINGS.window(date(2026, 12, 8))
    assert all((r.not_before, r.expires_at) == (opens, closes) for r in await _rows(factory))
