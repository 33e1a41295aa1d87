"""The reminders job through the real application: run by the registry at 07:00 WIB, once."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from domain.access import Role
from jobs import job_registry
from storage.tables import Outbox
from tests.helpers.bot import Conversation
from tests.helpers.clock import FrozenClock
from tests.helpers.seed import add_board_member, add_koperasi, add_person


async def _reminders(conv: Conversation) -> list[tuple[int, str]]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        rows = await uow.session.scalars(select(Outbox).where(Outbox.kind == "reminder"))
        return sorted((row.chat_id, row.payload["text"]) for row in rows)


async def test_the_job_plans_the_days_reminders_once_even_with_a_second_registry(
    conv: Conversation, clock: FrozenClock
) -> None:
    services = conv.app.bot_data.services
    async with services.uow() as uow:
        officer = await add_person(uow, 701, "Petugas", roles=[Role.PETUGAS])
        board = await add_person(uow, 702, "Ketua")
        koperasi = await add_koperasi(
            uow, "KSU Tepat", petugas_id=officer.id, target_date=date(2027, 3, 31)
        )
        await add_board_member(uow, board, koperasi.id)
        await uow.commit()
    clock.set(datetime(2027, 3, 31, 23, 59, tzinfo=UTC))  # 06:59 WIB on 1 April
    first, second = job_registry(conv.app), job_registry(conv.app)
    await first.run_due()
    assert await _reminders(conv) == []  # the 1 April run is not due yet
    clock.advance(seconds=60)  # 07:00 WIB
    assert "plan_reminders" in [name for name, _ in await first.run_due()]
    assert "plan_reminders" not in [name for name, _ in await second.run_due()]
    found = await _reminders(conv)
    assert [chat for chat, _ in found] == [701, 702]
    assert all("KSU Tepat" in text and "31 Maret 2027" in text for _, text in found)
