"""The form engine's own statements (plain rows, one UPDATE a step, a start over a stored
form as one UPDATE) and the /lapor menu's one-row read, on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from config import RatConfig
from domain.forms import FormStatus
from services.rat_menu import load_report
from services.rat_recompute import recompute_koperasi
from storage.engine import session_factory
from storage.repositories.forms import FormRow
from storage.uow import UnitOfWork
from storage.viewer_changes import ViewerKeys, ViewerPatch
from tests.helpers.seed import add_koperasi

NOW = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)
TODAY = date(2027, 1, 4)
POLICY = RatConfig().policy()
STATES = ["selesai", "proses", "tidak_berlaku"]


class Recorder:
    """A sink that keeps what each commit reported."""

    def __init__(self) -> None:
        self.commits: list[ViewerKeys] = []

    def invalidate(self, keys: ViewerKeys) -> None:
        self.commits.append(keys)

    def take(self) -> list[tuple[ViewerPatch, ...]]:
        taken, self.commits = self.commits, []
        return [keys.patches for keys in taken]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def tracked(engine: AsyncEngine, recorder: Recorder) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine, viewer_changes=recorder)


def _row(chat_id: int, form: str = "lapor", subject: str = "3", step: str = "tanggal") -> FormRow:
    active = FormStatus.ACTIVE  # as the engine sets it
    row = FormRow(None, chat_id, chat_id, form, subject, step, {"a": 1}, [7], active, 1, 1)
    row.updated_at = NOW
    row.idle_expires_at = NOW + timedelta(hours=2)
    row.draft_expires_at = NOW + timedelta(days=7)
    return row


def _active(chat_id: int, active: bool) -> tuple[ViewerPatch, ...]:
    return (ViewerPatch(None, chat_id, (("has_active_form", active),)),)


async def test_a_form_row_is_inserted_read_and_written_back(
    tracked: async_sessionmaker[AsyncSession], recorder: Recorder
) -> None:
    async with UnitOfWork(tracked) as uow:
        row = _row(11)
        await uow.form_sessions.write(row)
        await uow.commit()
    assert (row.version, row.id is not None) == (1, True)
    assert recorder.take() == [_active(11, True)]  # the chat has an active form now

    async with UnitOfWork(tracked) as uow:
        found = await uow.form_sessions.active_row(11)
        assert found is not None
        assert found == row
        found.answers = {**found.answers, "b": [1, "x"]}
        found.applied_updates = [*found.applied_updates, 8]
        found.step, found.prompt_seq = "mode", 2
        await uow.form_sessions.write(found)
        await uow.commit()
    assert recorder.take() == []  # a step: the viewer is as it was

    async with UnitOfWork(tracked, write=False) as uow:
        again = await uow.form_sessions.row(11, 11, "lapor", "3")
        by_id = await uow.form_sessions.row_by_id(row.id or 0)
        orm = await uow.form_sessions.get(11, 11, "lapor", "3")  # the ORM reads the same row
    assert again is not None
    assert again == by_id
    assert (again.step, again.answers, again.applied_updates) == (
        "mode",
        {"a": 1, "b": [1, "x"]},
        [7, 8],
    )
    assert (again.prompt_seq, again.version, again.status) == (2, 2, "active")
    assert orm is not None
    assert (orm.version, orm.updated_at, orm.idle_expires_at) == (
        2,
        NOW,
        NOW + timedelta(hours=2),
    )

    async with UnitOfWork(tracked) as uow:
        assert again is not None
        again.status = FormStatus.DONE
        await uow.form_sessions.write(again)
        await uow.commit()
    assert recorder.take() == [_active(11, False)]


async def test_a_stale_form_row_is_refused(factory: async_sessionmaker[AsyncSession]) -> None:
    async with UnitOfWork(factory) as uow:
        await uow.form_sessions.write(_row(11))
        await uow.commit()
    async with UnitOfWork(factory, write=False) as reader:
        stale = await reader.form_sessions.active_row(11)
    async with UnitOfWork(factory) as uow:
        fresh = await uow.form_sessions.active_row(11)
        assert fresh is not None
        fresh.step = "mode"
        await uow.form_sessions.write(fresh)
        await uow.commit()
    assert stale is not None
    async with UnitOfWork(factory) as uow:
        stale.step = "lain"
        with pytest.raises(StaleDataError):
            await uow.form_sessions.write(stale)


async def test_a_restart_is_one_update_and_leaves_a_draft_alone(
    tracked: async_sessionmaker[AsyncSession], recorder: Recorder
) -> None:
    async with UnitOfWork(tracked) as uow:
        assert not await uow.form_sessions.restart(_row(11), keep_draft=True)  # none stored
        stored = _row(11)
        stored.status, stored.prompt_seq = FormStatus.DONE, 4
        await uow.form_sessions.write(stored)
        await uow.commit()
    recorder.take()

    async with UnitOfWork(tracked) as uow:
        again = _row(11, step="awal")
        again.answers = {"ctx": {"x": 1}}
        assert await uow.form_sessions.restart(again, keep_draft=True)
        await uow.commit()
    assert (again.id, again.prompt_seq, again.version) == (stored.id, 5, 2)
    assert recorder.take() == [_active(11, True)]

    async with UnitOfWork(tracked) as uow:
        assert await uow.form_sessions.suspend_active(11, NOW) == "lapor"
        assert await uow.form_sessions.suspend_active(11, NOW) is None
        await uow.commit()
    assert recorder.take() == [_active(11, False) + _active(11, False)]

    async with UnitOfWork(tracked) as uow:
        kept = await uow.form_sessions.row(11, 11, "lapor", "3")
        assert kept is not None
        assert (kept.status, kept.step, kept.answers, kept.applied_updates) == (
            "suspended",
            "awal",
            {"ctx": {"x": 1}},
            [7],  # a restart keeps the update ids
        )
        assert not await uow.form_sessions.restart(_row(11), keep_draft=True)  # a draft
        assert await uow.form_sessions.restart(_row(11, step="ulang"), keep_draft=False)
        await uow.commit()
    async with UnitOfWork(tracked, write=False) as uow:
        last = await uow.form_sessions.active_row(11)
    assert last is not None
    assert (last.step, last.prompt_seq, last.version) == ("ulang", 6, 4)


async def test_the_menu_reads_the_states_with_the_cooperative(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with UnitOfWork(factory) as uow:
        made = await add_koperasi(uow, "KSP Menu", tgl_badan_hukum=date(2020, 1, 1))
        await recompute_koperasi(uow, made.id, POLICY, TODAY, now=NOW)
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        empty = await load_report(uow, made.id, POLICY, TODAY)
    assert empty is not None
    codes = empty.checklist.codes
    async with UnitOfWork(factory) as uow:
        cycle = await uow.rat_report.current_cycle(made.id)
        assert cycle is not None
        for code, state in zip(codes, STATES, strict=False):
            entry = await uow.rat_report.add_entry(cycle.id, code, NOW)
            entry.status = state
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        menu = await load_report(uow, made.id, POLICY, TODAY)
        item = await load_report(uow, made.id, POLICY, TODAY, late=False, states=False)
        assert cycle is not None
        states = await uow.rat_report.states(cycle.id)
        assert await load_report(uow, made.id + 1000, POLICY, TODAY) is None
    assert menu is not None
    assert item is not None
    assert menu.states == states == dict(zip(codes, STATES, strict=False))
    assert empty.states == {}
    assert item.states == {}
    assert (item.rules, item.dates, item.nama) == (menu.rules, menu.dates, "KSP Menu")
