"""Sessions tell the viewer cache which viewers a commit changed: exactly those, only after the
commit, nothing on rollback; bulk statements that do not name their keys drop everything."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import Column, delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.sql import visitors

from services.privacy import erase_person
from storage.engine import session_factory
from storage.repositories.viewer import ViewerState, viewer_query
from storage.tables import FormSession, Koperasi, Outbox, Person
from storage.uow import UnitOfWork
from storage.viewer_cache import ViewerCache
from storage.viewer_changes import VIEWER_COLUMNS, ViewerKeys, ViewerPatch, touches_viewers
from tests.helpers.clock import FrozenClock

NOW = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)
ANI, BUDI = 5001, 5002


class Recorder:
    """A sink that keeps what each commit reported."""

    def __init__(self) -> None:
        self.commits: list[ViewerKeys] = []

    def invalidate(self, keys: ViewerKeys) -> None:
        self.commits.append(keys)

    def take(self) -> list[ViewerKeys]:
        taken, self.commits = self.commits, []
        return taken


def _keys(
    users: set[int] | None = None, chats: set[int] | None = None, persons: set[int] | None = None
) -> ViewerKeys:
    return ViewerKeys(frozenset(users or ()), frozenset(chats or ()), frozenset(persons or ()))


EVERYTHING = ViewerKeys(everything=True)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def tracked(engine: AsyncEngine, recorder: Recorder) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine, viewer_changes=recorder)


@pytest.fixture
async def ani(tracked: async_sessionmaker[AsyncSession], recorder: Recorder) -> int:
    """Ani's person id: an officer (committed before the test looks)."""
    async with UnitOfWork(tracked) as uow:
        person = await uow.people.add(telegram_user_id=ANI, now=NOW)
        await uow.roles.grant(person.id, "petugas", now=NOW)
        await uow.commit()
    recorder.take()
    return person.id


async def test_an_orm_flush_reports_its_rows_only_after_the_commit(
    tracked: async_sessionmaker[AsyncSession], recorder: Recorder
) -> None:
    async with UnitOfWork(tracked) as uow:
        person = await uow.people.add(telegram_user_id=ANI, now=NOW)  # flushed
        await uow.roles.grant(person.id, "admin", now=NOW)  # flushed
        await uow.form_sessions.save(_form(BUDI))
        assert recorder.commits == []
        await uow.commit()
    started = ViewerPatch(None, BUDI, (("has_active_form", True),))
    assert recorder.take() == [
        ViewerKeys(frozenset({ANI}), frozenset(), frozenset({person.id}), patches=(started,))
    ]


async def test_a_rollback_reports_nothing(
    tracked: async_sessionmaker[AsyncSession], recorder: Recorder, ani: int
) -> None:
    async with UnitOfWork(tracked) as uow:
        await uow.people.choose_language(ani, ANI, "en", menu_state=None, now=NOW)
        await uow.roles.grant(ani, "admin", now=NOW)
        await uow.rollback()
        await uow.people.mark_unreachable_by_chat(ANI, now=NOW)
    async with UnitOfWork(tracked) as uow:  # left without commit
        await uow.people.choose_language(ani, ANI, "en", menu_state=None, now=NOW)
    assert recorder.commits == []
    async with UnitOfWork(tracked) as uow:  # after a rollback, only what follows counts
        await uow.people.choose_language(ani, ANI, "en", menu_state=None, now=NOW)
        await uow.rollback()
        await uow.people.mark_unreachable_by_chat(BUDI, now=NOW)
        await uow.commit()
    assert recorder.take() == [_keys(users={BUDI})]


async def test_the_core_writers_of_ordinary_traffic_name_their_keys(
    tracked: async_sessionmaker[AsyncSession], recorder: Recorder, ani: int
) -> None:
    writes: list[tuple[Callable[[UnitOfWork], Awaitable[object]], ViewerKeys]] = [
        (
            lambda uow: uow.people.choose_language(ani, ANI, "en", menu_state=None, now=NOW),
            _patched(user=ANI, language="en"),
        ),
        (lambda uow: uow.people.mark_unreachable_by_chat(ANI, now=NOW), _keys(users={ANI})),
        (lambda uow: uow.people.mark_reachable(ANI, now=NOW), _keys(users={ANI})),
        (lambda uow: uow.roles.revoke(ani, "petugas", now=NOW), _keys(persons={ani})),
    ]
    for write, expected in writes:
        async with UnitOfWork(tracked) as uow:
            await write(uow)
            await uow.commit()
        assert recorder.take() == [expected]


async def test_a_change_the_viewer_does_not_read_reports_nothing(
    tracked: async_sessionmaker[AsyncSession], recorder: Recorder, ani: int
) -> None:
    async with UnitOfWork(tracked) as uow:
        form = await uow.form_sessions.save(_form(ANI))
        await uow.commit()
    recorder.take()
    async with UnitOfWork(tracked) as uow:
        person = await uow.people.get(ani)
        assert person is not None
        person.menu_state = "petugas:id"
        person.full_name = "Ani"
        form.step, form.answers = "kedua", {"pertama": 1}  # a form step, still active
        uow.session.add(form)
        await uow.session.flush()
        await uow.commit()
    assert recorder.commits == []
    async with UnitOfWork(tracked) as uow:
        form.status = "suspended"
        uow.session.add(form)
        await uow.commit()
    assert recorder.take() == [_patched(chat=ANI, has_active_form=False)]


def _patched(*, user: int | None = None, chat: int | None = None, **values: object) -> ViewerKeys:
    return ViewerKeys(patches=(ViewerPatch(user, chat, tuple(sorted(values.items()))),))


async def test_a_language_or_reachability_change_on_the_row_is_a_patch(
    tracked: async_sessionmaker[AsyncSession], recorder: Recorder, ani: int
) -> None:
    async with UnitOfWork(tracked) as uow:
        person = await uow.people.get(ani)
        assert person is not None
        person.language, person.reachable = "en", False
        await uow.commit()
    assert recorder.take() == [_patched(user=ANI, language="en", reachable=False)]
    async with UnitOfWork(tracked) as uow:
        person = await uow.people.get(ani)
        assert person is not None
        person.language, person.telegram_user_id = "id", BUDI  # another account: no patch
        await uow.commit()
    assert recorder.take() == [_keys(users={ANI, BUDI}, persons={ani})]


async def test_forms_starting_and_ending_patch_whether_the_chat_has_one(
    tracked: async_sessionmaker[AsyncSession], recorder: Recorder
) -> None:
    async with UnitOfWork(tracked) as uow:
        draft = _form(ANI)
        draft.status = "suspended"
        await uow.form_sessions.save(draft)  # a new draft: the chat still has no active form
        await uow.commit()
    assert recorder.take() == []
    async with UnitOfWork(tracked) as uow:
        first = await uow.form_sessions.save(_form(ANI, form="lain"))
        await uow.commit()
    assert recorder.take() == [_patched(chat=ANI, has_active_form=True)]
    async with UnitOfWork(tracked) as uow:  # one form ends and another begins: still one
        first.status = "suspended"
        await uow.form_sessions.save(first)
        draft.status = "active"
        await uow.form_sessions.save(draft)
        await uow.commit()
    assert recorder.take() == [_patched(chat=ANI, has_active_form=True)]
    async with UnitOfWork(tracked) as uow:
        draft.status = "done"
        await uow.form_sessions.save(draft)
        await uow.commit()
    assert recorder.take() == [_patched(chat=ANI, has_active_form=False)]


async def test_the_database_refuses_a_second_active_form_in_a_chat(
    tracked: async_sessionmaker[AsyncSession],
) -> None:
    """What the has_active_form=False patch relies on."""
    async with UnitOfWork(tracked) as uow:
        await uow.form_sessions.save(_form(ANI))
        await uow.commit()
    async with UnitOfWork(tracked) as uow:
        with pytest.raises(IntegrityError):
            await uow.form_sessions.save(_form(ANI, form="lain"))


async def test_a_person_losing_their_telegram_id_reports_the_old_one(
    tracked: async_sessionmaker[AsyncSession], recorder: Recorder, ani: int
) -> None:
    async with UnitOfWork(tracked) as uow:
        person = await uow.people.get(ani)
        assert person is not None
        person.telegram_user_id = None
        await uow.commit()
    assert recorder.take() == [_keys(users={ANI}, persons={ani})]


async def test_a_deleted_form_reports_its_chat(
    tracked: async_sessionmaker[AsyncSession], recorder: Recorder
) -> None:
    async with UnitOfWork(tracked) as uow:
        form = await uow.form_sessions.save(_form(ANI))
        await uow.commit()
        recorder.take()
        await uow.session.delete(form)
        await uow.commit()
    assert recorder.take() == [_keys(chats={ANI})]


async def test_a_bulk_statement_without_keys_drops_everything(
    tracked: async_sessionmaker[AsyncSession], recorder: Recorder, ani: int
) -> None:
    async with UnitOfWork(tracked) as uow:
        await uow.session.execute(update(Person).where(Person.id == ani).values(language="en"))
        await uow.commit()
    assert recorder.take() == [EVERYTHING]
    async with UnitOfWork(tracked) as uow:
        await uow.session.execute(delete(FormSession).where(FormSession.chat_id == ANI))
        await uow.commit()
    assert recorder.take() == [EVERYTHING]


async def test_a_bulk_statement_names_its_keys_or_touches_no_viewer_table(
    tracked: async_sessionmaker[AsyncSession], recorder: Recorder, ani: int
) -> None:
    async with UnitOfWork(tracked) as uow:
        await uow.session.execute(
            update(Person)
            .where(Person.id == ani)
            .values(language="en")
            .execution_options(**touches_viewers(person_ids=[ani]))
        )
        await uow.session.execute(update(Koperasi).values(nama="x"))
        await uow.session.execute(update(Outbox).values(status="cancelled"))
        await uow.commit()
    assert recorder.take() == [_keys(persons={ani})]


async def test_erasure_names_the_person_and_their_chat(
    tracked: async_sessionmaker[AsyncSession], recorder: Recorder, ani: int
) -> None:
    async with UnitOfWork(tracked) as uow:
        await uow.form_sessions.save(_form(ANI))
        await uow.commit()
    recorder.take()
    async with UnitOfWork(tracked) as uow:
        await erase_person(uow, ani, now=NOW)
        await uow.commit()
    assert recorder.take() == [_keys(users={ANI}, chats={ANI}, persons={ani})]


async def test_a_released_savepoint_waits_for_the_outer_commit(
    tracked: async_sessionmaker[AsyncSession], recorder: Recorder, ani: int
) -> None:
    async with UnitOfWork(tracked) as uow:
        async with uow.session.begin_nested():
            await uow.people.choose_language(ani, ANI, "en", menu_state=None, now=NOW)
        assert recorder.commits == []
        await uow.commit()
    assert recorder.take() == [_patched(user=ANI, language="en")]


async def test_the_cache_drops_a_viewer_when_its_change_commits(
    engine: AsyncEngine, ani: int
) -> None:
    cache = ViewerCache(FrozenClock())
    sessions = session_factory(engine, viewer_changes=cache)

    async def load() -> ViewerState:
        async with UnitOfWork(sessions, write=False) as uow:
            return await uow.viewer.load(ANI, ANI)

    before = await cache.get_or_load(ANI, ANI, load)
    assert before.grants == (("petugas", None),)
    async with UnitOfWork(sessions) as uow:
        await uow.roles.revoke(ani, "petugas", now=NOW)
        assert cache.get(ANI, ANI) == before  # not committed: still true for everyone
        await uow.commit()
    assert cache.get(ANI, ANI) is None
    after = await cache.get_or_load(ANI, ANI, load)
    assert after.grants == ()


def test_the_watched_columns_cover_the_viewer_query() -> None:
    """A column the gate reads but no change to it invalidates would be cached for a minute."""
    read = {
        (element.table.name, element.name)
        for element in visitors.iterate(viewer_query(ANI, ANI))
        if isinstance(element, Column) and element.table.name in VIEWER_COLUMNS
    }
    assert read  # the walk found the tables
    watched = {(table, column) for table, columns in VIEWER_COLUMNS.items() for column in columns}
    assert read <= watched
    assert {table for table, _ in read} == set(VIEWER_COLUMNS)


def _form(chat_id: int, form: str = "uji") -> FormSession:
    return FormSession(
        chat_id=chat_id,
        user_id=chat_id,
        form=form,
        subject="",
        step="pertama",
        answers={},
        status="active",
        created_at=NOW,
        updated_at=NOW,
    )


async def test_a_read_that_raced_with_a_commit_is_not_cached(
    engine: AsyncEngine, ani: int
) -> None:
    """The gate misses and reads; meanwhile an admin's transaction revokes the role."""
    cache = ViewerCache(FrozenClock())
    sessions = session_factory(engine, viewer_changes=cache)

    async def load_then_admin_commits() -> ViewerState:
        async with UnitOfWork(sessions, write=False) as uow:
            stale = await uow.viewer.load(ANI, ANI)
        async with UnitOfWork(sessions) as uow:
            await uow.roles.revoke(ani, "petugas", now=NOW)
            await uow.commit()
        return stale

    stale = await cache.get_or_load(ANI, ANI, load_then_admin_commits)
    assert stale.grants == (("petugas", None),)  # what this update saw
    assert cache.get(ANI, ANI) is None  # but not kept for the next one


async def test_choosing_a_language_patches_the_viewer_without_reading_the_person(
    tracked: async_sessionmaker[AsyncSession], recorder: Recorder, ani: int
) -> None:
    async with UnitOfWork(tracked) as uow:
        await uow.people.choose_language(ani, ANI, "en", menu_state="abc", now=NOW)
        await uow.commit()
    assert recorder.take() == [_patched(user=ANI, language="en")]
    async with UnitOfWork(tracked) as uow:
        person = await uow.people.get(ani)
        assert person is not None
        assert (person.language, person.menu_state) == ("en", "abc")
