"""The viewer of each chat, kept in memory so the gate reads no database on most updates.

Correct because only the leader process handles updates (``runtime.leader``) and every one of
its sessions reports what it committed (:mod:`storage.viewer_changes`): a write of this
process is seen by the very next update. Writes of *other* processes (``python bot.py admin
add ID``, ``import``, a standby that just stood down) are not reported: an entry lives at most
``ttl`` (default 60 s) by the injected clock, which bounds how long such a change stays unseen.

The fill race: an update misses, reads the database, and meanwhile another chat's handler
commits a change to that viewer (an admin revokes an officer's role) and invalidates. The
late reader must not store what it read. Each load takes a ticket, the number of
invalidations so far; an invalidation numbers itself and marks the users, chats and persons
it names; a load stores only if nothing it read was marked after its ticket. A person id is
known only once the load has read it, so the check happens at store time and an
invalidation by person id cancels in-flight loads even when no entry maps that person yet.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from domain.clock import Clock
from storage.repositories.viewer import ViewerState
from storage.viewer_changes import ViewerKeys

#: How long an entry is trusted: the staleness bound for writes of other processes.
DEFAULT_TTL = timedelta(seconds=60)

#: Entries kept; the least recently used goes first.
DEFAULT_MAX_ENTRIES = 10_000

Key = tuple[int, int]  # (telegram_user_id, chat_id)


@dataclass(frozen=True)
class _Entry:
    state: ViewerState
    expires_at: datetime


@dataclass(frozen=True)
class Load:
    """A ticket for one database read of a viewer (see the module docstring)."""

    key: Key
    ticket: int
    started_at: datetime


class ViewerCache:
    """(telegram_user_id, chat_id) → :class:`ViewerState`: bounded, LRU, expiring.

    Used from the event loop's thread only; nothing in it awaits, so it needs no lock.
    """

    def __init__(
        self,
        clock: Clock,
        *,
        ttl: timedelta = DEFAULT_TTL,
        max_entries: int = DEFAULT_MAX_ENTRIES,
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._clock = clock
        self._ttl = ttl
        self._max_entries = max_entries
        self._entries: OrderedDict[Key, _Entry] = OrderedDict()
        self._by_user: dict[int, set[Key]] = {}
        self._by_chat: dict[int, set[Key]] = {}
        self._by_person: dict[int, set[Key]] = {}
        # Invalidation numbers: the last one, and per user/chat/person the last that named it,
        # kept only while loads are in flight (a load with an older ticket must not store).
        self._sequence = 0
        self._floor = 0  # everything before was invalidated (or the marks were dropped)
        self._marks: dict[tuple[str, int], int] = {}
        self._in_flight = 0
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    async def get_or_load(
        self,
        telegram_user_id: int,
        chat_id: int,
        load: Callable[[], Awaitable[ViewerState]],
    ) -> ViewerState:
        """The cached viewer, or `load()`'s, stored unless an invalidation raced with it."""
        state = self.get(telegram_user_id, chat_id)
        if state is not None:
            return state
        ticket = self.begin_load(telegram_user_id, chat_id)
        try:
            state = await load()
        except BaseException:
            self.abandon(ticket)
            raise
        self.finish_load(ticket, state)
        return state

    def get(self, telegram_user_id: int, chat_id: int) -> ViewerState | None:
        """The cached viewer, if present and not expired."""
        key = (telegram_user_id, chat_id)
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        if self._clock.now() >= entry.expires_at:
            self._drop(key)
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry.state

    def begin_load(self, telegram_user_id: int, chat_id: int) -> Load:
        """Takes a ticket before reading the database (before its transaction begins)."""
        self._in_flight += 1
        return Load((telegram_user_id, chat_id), self._sequence, self._clock.now())

    def finish_load(self, load: Load, state: ViewerState) -> bool:
        """Stores what `load` read unless an invalidation since its ticket names it."""
        try:
            if self._raced(load, state):
                return False
            self._store(load, state)
            return True
        finally:
            self.abandon(load)

    def abandon(self, load: Load) -> None:
        """The load ended without storing (failed, cancelled, or refused)."""
        del load
        self._in_flight -= 1
        if self._in_flight == 0:
            self._marks.clear()  # no ticket left that an old mark could refuse

    def invalidate(self, keys: ViewerKeys) -> None:
        """Drops the entries `keys` names, patches those its patches name, and refuses the
        in-flight loads they concern (they may have read the state before the change)."""
        if not keys:
            return
        self._sequence += 1
        if keys.everything:
            self.clear()
            return
        for kind, ids, index in (
            ("user", keys.telegram_user_ids, self._by_user),
            ("chat", keys.chat_ids, self._by_chat),
            ("person", keys.person_ids, self._by_person),
        ):
            for id_ in ids:
                for key in list(index.get(id_, ())):
                    self._drop(key)
                self._mark(kind, id_)
        for patch in keys.patches:
            if patch.telegram_user_id is not None:
                self._patch("user", patch.telegram_user_id, self._by_user, patch.values)
            elif patch.chat_id is not None:
                self._patch("chat", patch.chat_id, self._by_chat, patch.values)
        if len(self._marks) > self._max_entries:
            # A flood of invalidations during long loads: refuse them all rather than grow.
            self._floor = self._sequence
            self._marks.clear()

    def _patch(
        self,
        kind: str,
        id_: int,
        index: dict[int, set[Key]],
        values: tuple[tuple[str, Any], ...],
    ) -> None:
        for key in index.get(id_, ()):
            entry = self._entries[key]
            state = replace(entry.state, **dict(values))
            self._entries[key] = _Entry(state, entry.expires_at)
        self._mark(kind, id_)

    def _mark(self, kind: str, id_: int) -> None:
        if self._in_flight:
            self._marks[(kind, id_)] = self._sequence

    def clear(self) -> None:
        """Drops every entry and refuses every load in flight."""
        self._entries.clear()
        self._by_user.clear()
        self._by_chat.clear()
        self._by_person.clear()
        self._floor = self._sequence
        self._marks.clear()

    def _raced(self, load: Load, state: ViewerState) -> bool:
        if self._floor > load.ticket:
            return True
        user, chat = load.key
        names = [("user", user), ("chat", chat)]
        if state.person_id is not None:
            names.append(("person", state.person_id))
        return any(self._marks.get(name, 0) > load.ticket for name in names)

    def _store(self, load: Load, state: ViewerState) -> None:
        key = load.key
        self._drop(key)
        self._entries[key] = _Entry(state, load.started_at + self._ttl)
        user, chat = key
        self._by_user.setdefault(user, set()).add(key)
        self._by_chat.setdefault(chat, set()).add(key)
        if state.person_id is not None:
            self._by_person.setdefault(state.person_id, set()).add(key)
        while len(self._entries) > self._max_entries:
            self._drop(next(iter(self._entries)))

    def _drop(self, key: Key) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        user, chat = key
        _unindex(self._by_user, user, key)
        _unindex(self._by_chat, chat, key)
        if entry.state.person_id is not None:
            _unindex(self._by_person, entry.state.person_id, key)


def _unindex(index: dict[int, set[Key]], id_: int, key: Key) -> None:
    keys = index.get(id_)
    if keys is not None:
        keys.discard(key)
        if not keys:
            del index[id_]
