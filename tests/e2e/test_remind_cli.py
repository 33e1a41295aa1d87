"""`python bot.py remind [--at ISO] [--dry-run]` as a cron user or a checking operator runs it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from domain.access import Role
from storage.engine import create_engine, session_factory
from storage.tables import Outbox
from storage.uow import UnitOfWork
from tests.helpers.bot import migrate, sqlite_url
from tests.helpers.cli import bot_cli
from tests.helpers.seed import add_board_member, add_koperasi, add_person


async def _outbox(url: str) -> list[Outbox]:
    engine = create_engine(url)
    try:
        async with UnitOfWork(session_factory(engine), write=False) as uow:
            return list(await uow.session.scalars(select(Outbox)))
    finally:
        await engine.dispose()


async def test_remind_previews_then_queues_the_days_reminders_once(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    await migrate(url)
    engine = create_engine(url)
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            officer = await add_person(uow, 801, "Petugas", roles=[Role.PETUGAS])
            board = await add_person(uow, 802, "Ketua")
            koperasi = await add_koperasi(
                uow, "KSU Tepat", petugas_id=officer.id, target_date=date(2027, 3, 31)
            )
            await add_board_member(uow, board, koperasi.id)
            await uow.commit()
    finally:
        await engine.dispose()

    code, stdout, _ = await bot_cli(
        "remind", "--at", "2027-04-01", "--dry-run", database_url=url, cwd=tmp_path
    )
    assert code == 0
    assert "reminders dated 2027-04-01 to 2027-04-01" in stdout
    assert "  target_passed: 2" in stdout
    assert "messages: 2" in stdout
    assert "dry run: nothing written" in stdout
    assert "KSU Tepat" in stdout
    assert await _outbox(url) == []

    code, stdout, _ = await bot_cli("remind", "--at", "2027-04-01", database_url=url, cwd=tmp_path)
    assert code == 0
    assert "queued: 2" in stdout
    rows = await _outbox(url)
    assert sorted(row.chat_id for row in rows) == [801, 802]
    assert {row.kind for row in rows} == {"reminder"}

    code, stdout, _ = await bot_cli("remind", "--at", "2027-04-01", database_url=url, cwd=tmp_path)
    assert "queued: 0" in stdout
    assert len(await _outbox(url)) == 2

    code, stdout, _ = await bot_cli("remind", "--at", "2027-04-03", database_url=url, cwd=tmp_path)
    assert code == 0
    assert "not a working day" in stdout


async def test_remind_refuses_a_moment_it_cannot_read(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    await migrate(url)
    code, _, stderr = await bot_cli("remind", "--at", "1 April", database_url=url, cwd=tmp_path)
    assert code == 2
    assert "--at: not an ISO date" in stderr


async def test_remind_on_monday_plans_the_weekly_rollup_for_admins_and_pimpinan(
    tmp_path: Path,
) -> None:
    url = sqlite_url(tmp_path)
    await migrate(url)
    engine = create_engine(url)
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            await add_person(uow, 901, "Admin", roles=[Role.ADMIN])
            await add_person(uow, 902, "Pimpinan", roles=[Role.PIMPINAN])
            officer = await add_person(uow, 903, "Petugas", roles=[Role.PETUGAS])
            await add_koperasi(uow, "KSU Senin", petugas_id=officer.id)
            await uow.commit()
    finally:
        await engine.dispose()

    # Tuesday: not the roll-up's day.
    code, stdout, _ = await bot_cli(
        "remind", "--at", "2027-01-05", "--dry-run", database_url=url, cwd=tmp_path
    )
    assert code == 0
    assert "weekly roll-up" not in stdout

    code, stdout, _ = await bot_cli(
        "remind", "--at", "2027-01-04", "--dry-run", database_url=url, cwd=tmp_path
    )
    assert code == 0
    assert "weekly roll-up of 2027-01-04: 2 messages to admins and pimpinan" in stdout
    assert "no chart drawn, nothing written" in stdout
    assert await _outbox(url) == []

    for queued in (2, 0):  # the second run finds the roll-up queued already
        code, stdout, _ = await bot_cli(
            "remind", "--at", "2027-01-04", database_url=url, cwd=tmp_path
        )
        assert code == 0
        assert (
            f"weekly roll-up of 2027-01-04: 2 messages to admins and pimpinan, queued: {queued}"
            in stdout
        )
    rollups = [row for row in await _outbox(url) if row.kind == "rollup"]
    assert sorted(row.chat_id for row in rollups) == [901, 902]
    assert {row.method for row in rollups} == {"sendPhoto"}
