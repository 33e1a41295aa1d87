"""The gate's viewer cache: hits, misses, expiry by the injected clock, the bound, and the
fill race (an invalidation during a database read keeps the late read out of the cache)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage.repositories.viewer import ViewerState
from storage.viewer_cache import ViewerCache
from storage.viewer_changes import ViewerKeys, ViewerPatch
from tests.helpers.clock import FrozenClock

ANI, BUDI, CITRA = 4001, 4002, 4003


def _state(user: int, person_id: int | None = None, language: str | None = None) -> ViewerState:
    return ViewerState(
        person_id=person_id,
        language=language,
        telegram_user_id=user,
        grants=(("petugas", None),) if person_id is not None else (),
        has_active_form=False,
        reachable=True,
    )


class Loader:
    """Counts database reads; `during` runs inside the read, as a concurrent commit would."""

    def __init__(self, state: ViewerState, during: ViewerKeys | None = None) -> None:
        self.state = state
        self.during = during
        self.cache: ViewerCache | None = None
        self.calls = 0

    async def __call__(self) -> ViewerState:
        self.calls += 1
        if self.during is not None and self.cache is not None:
            self.cache.invalidate(self.during)
        return self.state


def _users(*ids: int) -> ViewerKeys:
    return ViewerKeys(telegram_user_ids=frozenset(ids))


def _persons(*ids: int) -> ViewerKeys:
    return ViewerKeys(person_ids=frozenset(ids))


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def cache(clock: FrozenClock) -> ViewerCache:
    return ViewerCache(clock)


async def test_a_miss_reads_once_then_hits(cache: ViewerCache) -> None:
    load = Loader(_state(ANI, person_id=1))
    first = await cache.get_or_load(ANI, ANI, load)
    second = await cache.get_or_load(ANI, ANI, load)
    assert first == second == load.state
    assert load.calls == 1
    assert (cache.hits, cache.misses) == (1, 1)


async def test_keys_are_user_and_chat(cache: ViewerCache) -> None:
    await cache.get_or_load(ANI, ANI, Loader(_state(ANI)))
    assert cache.get(ANI, BUDI) is None
    assert cache.get(BUDI, ANI) is None
    assert cache.get(ANI, ANI) is not None


async def test_entries_expire_after_the_ttl(clock: FrozenClock) -> None:
    cache = ViewerCache(clock, ttl=timedelta(seconds=60))
    load = Loader(_state(ANI))
    await cache.get_or_load(ANI, ANI, load)
    clock.advance(seconds=59)
    await cache.get_or_load(ANI, ANI, load)
    assert load.calls == 1
    clock.advance(seconds=1)
    await cache.get_or_load(ANI, ANI, load)
    assert load.calls == 2
    assert len(cache) == 1  # read again and kept for another minute


async def test_the_least_recently_used_entry_goes_first(clock: FrozenClock) -> None:
    cache = ViewerCache(clock, max_entries=2)
    await cache.get_or_load(ANI, ANI, Loader(_state(ANI)))
    await cache.get_or_load(BUDI, BUDI, Loader(_state(BUDI)))
    assert cache.get(ANI, ANI) is not None  # Ani is now the most recent
    await cache.get_or_load(CITRA, CITRA, Loader(_state(CITRA)))
    assert len(cache) == 2
    assert cache.get(BUDI, BUDI) is None
    assert cache.get(ANI, ANI) is not None
    assert cache.get(CITRA, CITRA) is not None


async def test_invalidation_by_user_chat_or_person_drops_only_those(cache: ViewerCache) -> None:
    await cache.get_or_load(ANI, ANI, Loader(_state(ANI, person_id=1)))
    await cache.get_or_load(BUDI, BUDI, Loader(_state(BUDI, person_id=2)))
    await cache.get_or_load(CITRA, CITRA, Loader(_state(CITRA)))

    cache.invalidate(_users(ANI))
    assert cache.get(ANI, ANI) is None
    assert cache.get(BUDI, BUDI) is not None

    cache.invalidate(_persons(2))
    assert cache.get(BUDI, BUDI) is None

    cache.invalidate(ViewerKeys(chat_ids=frozenset({CITRA})))
    assert len(cache) == 0


async def test_invalidating_everything_empties_the_cache(cache: ViewerCache) -> None:
    await cache.get_or_load(ANI, ANI, Loader(_state(ANI, person_id=1)))
    await cache.get_or_load(BUDI, BUDI, Loader(_state(BUDI)))
    cache.invalidate(ViewerKeys())  # nothing named: nothing dropped
    assert len(cache) == 2
    cache.invalidate(ViewerKeys(everything=True))
    assert len(cache) == 0


@pytest.mark.parametrize(
    "during",
    [
        _users(ANI),
        ViewerKeys(chat_ids=frozenset({ANI})),
        # No entry maps person 1 yet: the load learns it only from what it read.
        _persons(1),
        ViewerKeys(everything=True),
    ],
    ids=["user", "chat", "person", "everything"],
)
async def test_an_invalidation_during_the_read_keeps_the_read_out(
    cache: ViewerCache, during: ViewerKeys
) -> None:
    load = Loader(_state(ANI, person_id=1), during=during)
    load.cache = cache
    assert await cache.get_or_load(ANI, ANI, load) == load.state  # this update uses it
    assert cache.get(ANI, ANI) is None  # the next one reads again
    load.during = None
    await cache.get_or_load(ANI, ANI, load)
    assert cache.get(ANI, ANI) == load.state


async def test_an_invalidation_of_someone_else_during_the_read_does_not(
    cache: ViewerCache,
) -> None:
    budi = ViewerKeys(frozenset({BUDI}), frozenset({BUDI}), frozenset({2}))
    load = Loader(_state(ANI, person_id=1), during=budi)
    load.cache = cache
    await cache.get_or_load(ANI, ANI, load)
    assert cache.get(ANI, ANI) == load.state


async def test_an_invalidation_before_the_read_began_does_not(cache: ViewerCache) -> None:
    cache.invalidate(_users(ANI))
    cache.invalidate(_persons(1))
    await cache.get_or_load(ANI, ANI, Loader(_state(ANI, person_id=1)))
    assert cache.get(ANI, ANI) is not None


def test_overlapping_reads_keep_only_the_one_begun_after_the_change(cache: ViewerCache) -> None:
    stale, fresh = _state(ANI, person_id=1, language="id"), _state(ANI, person_id=1, language="en")
    early = cache.begin_load(ANI, ANI)  # reads the old language ...
    cache.invalidate(_persons(1))  # ... while /bahasa commits the new one
    late = cache.begin_load(ANI, ANI)  # reads the new language
    assert cache.finish_load(late, fresh) is True
    assert cache.finish_load(early, stale) is False
    assert cache.get(ANI, ANI) == fresh


async def test_a_failed_read_stores_nothing_and_leaves_no_ticket_behind(
    cache: ViewerCache,
) -> None:
    async def failing() -> ViewerState:
        raise ConnectionError("database gone")

    with pytest.raises(ConnectionError):
        await cache.get_or_load(ANI, ANI, failing)
    assert len(cache) == 0
    # With no read in flight, a later invalidation refuses no later read.
    cache.invalidate(_users(ANI))
    await cache.get_or_load(ANI, ANI, Loader(_state(ANI)))
    assert cache.get(ANI, ANI) is not None


def test_a_flood_of_invalidations_during_a_read_refuses_it_without_growing() -> None:
    cache = ViewerCache(FrozenClock(), max_entries=3)
    load = cache.begin_load(ANI, ANI)
    for user in range(10):
        cache.invalidate(_users(10_000 + user))  # none of them is Ani
    assert cache.finish_load(load, _state(ANI)) is False  # conservative, and bounded
    later = cache.begin_load(ANI, ANI)
    assert cache.finish_load(later, _state(ANI)) is True


def _patch(*, user: int | None = None, chat: int | None = None, **values: object) -> ViewerKeys:
    return ViewerKeys(patches=(ViewerPatch(user, chat, tuple(sorted(values.items()))),))


async def test_a_patch_changes_the_cached_entries_in_place(cache: ViewerCache) -> None:
    await cache.get_or_load(ANI, ANI, Loader(_state(ANI, person_id=1)))
    await cache.get_or_load(BUDI, BUDI, Loader(_state(BUDI, person_id=2)))
    cache.invalidate(_patch(user=ANI, language="en"))
    cache.invalidate(_patch(chat=ANI, has_active_form=True))
    ani = cache.get(ANI, ANI)
    assert ani is not None
    assert (ani.language, ani.has_active_form) == ("en", True)
    assert cache.get(BUDI, BUDI) == _state(BUDI, person_id=2)  # untouched


async def test_a_patch_during_the_read_keeps_the_read_out(cache: ViewerCache) -> None:
    """The read may have seen the row before the patched change: it must not be stored."""
    load = Loader(_state(ANI, person_id=1), during=_patch(user=ANI, language="en"))
    load.cache = cache
    await cache.get_or_load(ANI, ANI, load)
    assert cache.get(ANI, ANI) is None
