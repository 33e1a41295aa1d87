"""Which cached viewers a committed transaction may have changed, told by the session itself.

The gate keeps the viewer of each chat in memory (:mod:`storage.viewer_cache`). Nothing that
writes has to remember it: :func:`tracking_session_class` makes sessions that record the
keys their writes touch and hand them to a sink once the transaction has committed.

- ORM flushes: new, changed and deleted :class:`Person` (its telegram user id and id),
  :class:`RoleGrant` (its person id) and :class:`FormSession` (its chat id) rows. A changed
  row counts only when a column the viewer reads changed (:data:`VIEWER_COLUMNS`): a form
  step or a menu signature leaves the viewer as it was.
- Changes whose effect is known exactly are *patches*, applied to the cached viewers instead
  of dropping them (the hot path: /bahasa changes a language, every form starts and ends): a
  person's language or reachability, and a form session becoming active (the chat has an
  active form) or leaving that status with none becoming active (it has none: the database
  allows one active form per chat, ``uq_form_session_active_chat``).
- Bulk statements (``update(Person)…``, ``delete(FormSession)…``, inserts) run through the
  session on those tables: they invalidate every cached viewer unless the statement names
  its keys with :func:`touches_viewers`; the writers of ordinary traffic do.
- Nothing is handed over on rollback, nor before the transaction commits, so a concurrent
  reader can never cache a value that is about to be rolled back or is not yet visible.

Not seen (the cache's TTL bounds how long they can stay unseen): writes by other processes
(``python bot.py admin add ID``), writes through a bare connection or ``text()`` SQL, and
rows changed by ``ON DELETE CASCADE`` inside the database. None of these happens in the bot.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Delete, Insert, Update, event, inspect
from sqlalchemy.orm import (
    InstanceState,
    ORMExecuteState,
    Session,
    SessionTransaction,
    UOWTransaction,
)

from storage.tables import FormSession, Person, RoleGrant
from storage.tables.system import FORM_ACTIVE

#: Execution option naming the viewers a bulk statement changes (see :func:`touches_viewers`).
VIEWER_KEYS_OPTION = "gempur_viewer_keys"

#: The columns the viewer query reads, per table; a test checks them against the query.
VIEWER_COLUMNS: dict[str, frozenset[str]] = {
    Person.__tablename__: frozenset({"id", "telegram_user_id", "language", "reachable"}),
    RoleGrant.__tablename__: frozenset({"person_id", "role", "koperasi_id", "active"}),
    FormSession.__tablename__: frozenset({"chat_id", "status"}),
}

_PENDING = "gempur_viewer_changes"


@dataclass(frozen=True)
class ViewerKeys:
    """Cached viewers to drop: by Telegram user, by chat, by person; or all of them."""

    telegram_user_ids: frozenset[int] = frozenset()
    chat_ids: frozenset[int] = frozenset()
    person_ids: frozenset[int] = frozenset()
    everything: bool = False
    patches: tuple[ViewerPatch, ...] = ()

    def __bool__(self) -> bool:
        return self.everything or bool(
            self.telegram_user_ids or self.chat_ids or self.person_ids or self.patches
        )


@dataclass(frozen=True)
class ViewerPatch:
    """A change known exactly: the cached viewers of this user (or chat) get these values."""

    telegram_user_id: int | None
    chat_id: int | None
    values: tuple[tuple[str, Any], ...]  # ViewerState field → its new value


class ViewerChangeSink(Protocol):
    """Told, after each commit, which viewers the transaction may have changed."""

    def invalidate(self, keys: ViewerKeys) -> None:
        """Drops the viewers `keys` names (must not raise: the commit is already done)."""
        ...


def touches_viewers(
    *,
    telegram_user_ids: Iterable[int | None] = (),
    chat_ids: Iterable[int | None] = (),
    person_ids: Iterable[int | None] = (),
    patches: Iterable[ViewerPatch] = (),
) -> dict[str, Any]:
    """Execution options of a bulk statement that changes exactly these viewers' rows.

        update(Person).where(Person.id == person_id).values(...)
        .execution_options(**touches_viewers(person_ids=[person_id]))

    Without them a bulk statement on a viewer table invalidates every cached viewer. A
    statement whose effect on the viewer is known exactly names it as `patches` instead.
    """
    keys = ViewerKeys(
        telegram_user_ids=frozenset(i for i in telegram_user_ids if i is not None),
        chat_ids=frozenset(i for i in chat_ids if i is not None),
        person_ids=frozenset(i for i in person_ids if i is not None),
        patches=tuple(patches),
    )
    return {VIEWER_KEYS_OPTION: keys}


@dataclass
class _Pending:
    """What the open transaction of one session has touched so far."""

    telegram_user_ids: set[int] = field(default_factory=set)
    chat_ids: set[int] = field(default_factory=set)
    person_ids: set[int] = field(default_factory=set)
    everything: bool = False
    # Patches: a person's new viewer values by Telegram user id; each form session's status
    # as the transaction found it and as it leaves it, by session.
    person_values: dict[int, dict[str, Any]] = field(default_factory=dict)
    forms: dict[object, _FormStatus] = field(default_factory=dict)
    # Patches a bulk statement named itself (see touches_viewers), in statement order.
    named_patches: list[ViewerPatch] = field(default_factory=list)

    def add(self, keys: ViewerKeys) -> None:
        self.telegram_user_ids |= keys.telegram_user_ids
        self.chat_ids |= keys.chat_ids
        self.person_ids |= keys.person_ids
        self.everything |= keys.everything
        self.named_patches.extend(keys.patches)

    def freeze(self) -> ViewerKeys:
        patches = [
            *self.named_patches,
            *(
                ViewerPatch(user, None, tuple(sorted(values.items())))
                for user, values in self.person_values.items()
            ),
        ]
        chats: dict[int, list[_FormStatus]] = {}
        for status in self.forms.values():
            chats.setdefault(status.chat_id, []).append(status)
        for chat_id, statuses in chats.items():
            if any(status.active_now for status in statuses):
                patches.append(ViewerPatch(None, chat_id, (("has_active_form", True),)))
            elif any(status.active_before for status in statuses):
                # The chat's one active form (a unique index) ended and none began.
                patches.append(ViewerPatch(None, chat_id, (("has_active_form", False),)))
        return ViewerKeys(
            frozenset(self.telegram_user_ids),
            frozenset(self.chat_ids),
            frozenset(self.person_ids),
            self.everything,
            tuple(patches),
        )


@dataclass
class _FormStatus:
    chat_id: int
    active_before: bool
    active_now: bool


def tracking_session_class(sink: ViewerChangeSink) -> type[Session]:
    """A ``Session`` class (for ``async_sessionmaker(sync_session_class=…)``) that tells `sink`
    which viewers each committed transaction touched."""

    class ViewerTrackingSession(Session):
        """A session whose commits invalidate the cached viewers they changed."""

    @event.listens_for(ViewerTrackingSession, "after_flush")
    def _after_flush(session: Session, _flush: UOWTransaction) -> None:
        # Still the pre-flush state here: new/dirty/deleted and each attribute's history.
        pending: _Pending | None = None
        for instances, is_new, changed_only in (
            (session.new, True, False),
            (session.dirty, False, True),
            (session.deleted, False, False),
        ):
            for instance in instances:
                if (is_new or changed_only) and _patched(instance, session, new=is_new):
                    continue
                keys = _keys_of(instance, changed_only=changed_only)
                if keys:
                    pending = pending or _pending(session)
                    pending.add(keys)

    @event.listens_for(ViewerTrackingSession, "do_orm_execute")
    def _on_execute(state: ORMExecuteState) -> None:
        statement = state.statement
        if not isinstance(statement, Update | Delete | Insert):
            return
        if getattr(statement.table, "name", None) not in VIEWER_COLUMNS:
            return
        keys = state.execution_options.get(VIEWER_KEYS_OPTION)
        _pending(state.session).add(
            keys if isinstance(keys, ViewerKeys) else ViewerKeys(everything=True)
        )

    @event.listens_for(ViewerTrackingSession, "after_commit")
    def _after_commit(session: Session) -> None:
        if session.in_nested_transaction():
            return  # a savepoint released: the outer transaction may still roll back
        pending = session.info.pop(_PENDING, None)
        keys = pending.freeze() if pending is not None else None
        if keys:  # e.g. a new draft touched a form session but no viewer
            sink.invalidate(keys)

    @event.listens_for(ViewerTrackingSession, "after_transaction_end")
    def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
        # The outermost transaction ended: committed (already handed over) or rolled back
        # (forgotten). A savepoint rolled back keeps its keys: too many is harmless.
        if transaction.parent is None:
            session.info.pop(_PENDING, None)

    return ViewerTrackingSession


def _pending(session: Session) -> _Pending:
    pending = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = _Pending()
    assert isinstance(pending, _Pending)  # noqa: S101 - only this module writes the key
    return pending


#: Person columns whose change is patched into cached viewers (their ViewerState fields).
_PATCHED_PERSON_COLUMNS = frozenset({"language", "reachable"})


def _patched(instance: object, session: Session, *, new: bool) -> bool:
    """Records a change known exactly as a patch; False when it must invalidate instead."""
    if isinstance(instance, Person):
        return not new and _person_patch(instance, session)
    if isinstance(instance, FormSession):
        return _form_patch(instance, session, new=new)
    return False


def _person_patch(person: Person, session: Session) -> bool:
    attrs = inspect(person).attrs
    changed = {n for n in VIEWER_COLUMNS[Person.__tablename__] if attrs[n].history.added}
    user = person.telegram_user_id
    if not changed or not changed <= _PATCHED_PERSON_COLUMNS or user is None:
        return False  # another account, erasure, or nothing to patch: drop
    values = _pending(session).person_values.setdefault(user, {})
    values.update({name: getattr(person, name) for name in changed})
    return True


def _form_patch(form: FormSession, session: Session, *, new: bool) -> bool:
    state: InstanceState[FormSession] = inspect(form)
    status = state.attrs["status"].history
    if not new and state.attrs["chat_id"].history.has_changes():
        return False  # moved to another chat: drop both
    if not new and not status.has_changes():
        return True  # a step or a draft: the viewer is as it was
    forms = _pending(session).forms
    known = forms.get(state)
    if known is None:
        if not new and not status.deleted:
            return False  # the old status was never loaded: cannot tell
        before = not new and FORM_ACTIVE in list(status.deleted)
        known = forms[state] = _FormStatus(form.chat_id, before, False)
    known.active_now = form.status == FORM_ACTIVE
    return True


def _keys_of(instance: object, *, changed_only: bool) -> ViewerKeys | None:
    """The viewers a flushed row may change: its current and previous key values."""
    key_columns: tuple[str, ...]
    if isinstance(instance, Person):
        key_columns = ("telegram_user_id", "id")
        table = Person.__tablename__
    elif isinstance(instance, RoleGrant):
        key_columns = ("person_id",)
        table = RoleGrant.__tablename__
    elif isinstance(instance, FormSession):
        key_columns = ("chat_id",)
        table = FormSession.__tablename__
    else:
        return None
    state: InstanceState[object] = inspect(instance)
    attrs = state.attrs
    if changed_only and not any(
        attrs[name].history.has_changes() for name in VIEWER_COLUMNS[table]
    ):
        return None
    values = {name: _all_values(attrs[name].history) for name in key_columns}
    if not any(values.values()):
        return ViewerKeys(everything=True)  # keys not loaded: cannot tell whose viewer
    if isinstance(instance, Person):
        return ViewerKeys(telegram_user_ids=values["telegram_user_id"], person_ids=values["id"])
    if isinstance(instance, RoleGrant):
        return ViewerKeys(person_ids=values["person_id"])
    return ViewerKeys(chat_ids=values["chat_id"])


def _all_values(history: Any) -> frozenset[int]:
    """Every value an attribute had in this flush: the new one and the one it replaced."""
    return frozenset(
        value
        for value in (*history.added, *history.unchanged, *history.deleted)
        if isinstance(value, int)
    )
