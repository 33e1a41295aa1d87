"""Sessions ring the outbox doorbell after a commit that queued an interactive row: only then."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from domain.delivery import PRIORITY_BULK, PRIORITY_INTERACTIVE, PRIORITY_REMINDER
from services.outbox import enqueue_message
from storage.engine import session_factory
from storage.outbox_doorbell import OutboxDoorbell
from storage.uow import UnitOfWork
from storage.viewer_changes import ViewerKeys

NOW = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)

Factory = async_sessionmaker[AsyncSession]


class Rings:
    """Counts the doorbell's rings (the sender's ``wake`` in the bot)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


@pytest.fixture
def rings() -> Rings:
    return Rings()


@pytest.fixture
def ringing(engine: AsyncEngine, rings: Rings) -> Factory:
    doorbell = OutboxDoorbell()
    doorbell.install(rings)
    return session_factory(engine, outbox_doorbell=doorbell)


async def _queue(uow: UnitOfWork, key: str, priority: int) -> None:
    await enqueue_message(
        uow, key=key, chat_id=1001, text="x", priority=priority, kind="t", now=NOW
    )


async def test_a_committed_interactive_row_rings_once_after_the_commit(
    ringing: Factory, rings: Rings
) -> None:
    async with UnitOfWork(ringing) as uow:
        await _queue(uow, "a", PRIORITY_INTERACTIVE)
        await _queue(uow, "b", PRIORITY_INTERACTIVE)
        assert rings.count == 0  # not before the row is visible
        await uow.commit()
        assert rings.count == 1
        await _queue(uow, "a", PRIORITY_INTERACTIVE)  # already queued: nothing new
        await uow.commit()
    assert rings.count == 1


async def test_bulk_rows_a_rollback_and_other_commits_do_not_ring(
    ringing: Factory, rings: Rings
) -> None:
    async with UnitOfWork(ringing) as uow:
        for key, priority in (("reminder", PRIORITY_REMINDER), ("broadcast", PRIORITY_BULK)):
            await _queue(uow, key, priority)
        await uow.commit()
        await _queue(uow, "dropped", PRIORITY_INTERACTIVE)
        await uow.rollback()
        await uow.commit()  # an empty transaction after the rollback
    async with UnitOfWork(ringing) as uow:
        await _queue(uow, "left", PRIORITY_INTERACTIVE)
    # leaving without commit rolls back
    async with UnitOfWork(ringing) as uow:
        await uow.processed_updates.mark(1, NOW)
        await uow.commit()
    assert rings.count == 0


async def test_without_a_listener_nothing_rings_and_the_viewer_cache_still_hears(
    engine: AsyncEngine, rings: Rings
) -> None:
    heard: list[ViewerKeys] = []

    class Sink:
        def invalidate(self, keys: ViewerKeys) -> None:
            heard.append(keys)

    doorbell = OutboxDoorbell()
    both = session_factory(engine, viewer_changes=Sink(), outbox_doorbell=doorbell)
    async with UnitOfWork(both) as uow:
        await _queue(uow, "before", PRIORITY_INTERACTIVE)
        await uow.commit()  # no sender yet (a standby, the CLI): nothing to tell
        doorbell.install(rings)
        await uow.people.add(telegram_user_id=5001, now=NOW)
        await _queue(uow, "after", PRIORITY_INTERACTIVE)
        await uow.commit()
    assert rings.count == 1
    assert heard  # the person's row reached the viewer cache as well


async def test_a_chat_menu_waits_for_the_senders_round(ringing: Factory, rings: Rings) -> None:
    """A command menu supersedes the chat's previous one: the chat's state, not a message
    someone waits for, so it does not wake the sender; a note queued with it does."""
    async with UnitOfWork(ringing) as uow:
        await uow.outbox.enqueue(
            idempotency_key="menu:1001:1",
            chat_id=1001,
            method="setMyCommands",
            payload={"commands": []},
            kind="menu",
            priority=PRIORITY_INTERACTIVE,
            now=NOW,
            superseding=True,
        )
        await uow.commit()
        assert rings.count == 0
        await _queue(uow, "note", PRIORITY_INTERACTIVE)
        await uow.commit()
    assert rings.count == 1
