"""Threads as people handle them: a board opens one (/hubungi), staff answer, claim, close and
reopen them, and /pesan lists them (docs/rules.md#conversations-with-the-officer).

A thread belongs to the cooperative and follows its officer; without one (or once the officer
is deactivated) it waits in the admins' queue, where the first admin to press *Balas* claims
it and the other admins are told who has it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.relay import ThreadStatus, Topic
from locales import N_, Catalogues
from services.notes import queue_note
from storage.repositories.threads import InboxLine
from storage.tables import Thread
from storage.uow import UnitOfWork

__all__ = [
    "BoardSession",
    "Claimed",
    "InboxLine",
    "StaffSession",
    "ThreadView",
    "close_thread",
    "end_session",
    "end_that_session",
    "inbox",
    "may_handle",
    "open_for_board",
    "open_for_staff",
    "reopen_thread",
    "view_thread",
]


@dataclass(frozen=True)
class BoardSession:
    """A board member's relay session: the cooperative and who reads its messages."""

    thread_id: int
    koperasi: str
    officer: str | None  # None: the admins' queue
    session_id: int


@dataclass(frozen=True)
class ThreadView:
    """A thread as staff see it."""

    thread_id: int
    koperasi_id: int
    koperasi: str
    kecamatan: str | None
    status: ThreadStatus
    waiting_since: datetime | None
    claimed_by: str | None


@dataclass(frozen=True)
class StaffSession:
    """*Balas*: the staff member's relay session on the thread."""

    view: ThreadView
    session_id: int


@dataclass(frozen=True)
class Claimed:
    """Another admin has the thread."""

    name: str


def may_handle(thread: Thread, person_id: int, *, admin: bool) -> bool:
    """Admins handle every thread (the queue included); an officer the threads assigned to her."""
    return admin or (person_id is not None and thread.assigned_person_id == person_id)


async def open_for_board(
    uow: UnitOfWork,
    *,
    person_id: int,
    chat_id: int,
    koperasi_id: int,
    topic: Topic,
    now: datetime,
) -> BoardSession | None:
    """Opens (or continues) the cooperative's thread and a relay session in the chat; None
    when the cooperative is gone. The caller has checked the person sits on its board."""
    koperasi = await uow.koperasi.get(koperasi_id)
    if koperasi is None:
        return None
    # The cooperative's officer, if still one (deactivated: the admins' queue).
    officer = None
    if koperasi.petugas_id is not None:
        officer = await uow.petugas.active_officer(koperasi.petugas_id)
    thread = await uow.threads.open_for(koperasi_id)
    if thread is None:
        officer_id = officer.id if officer is not None else None
        thread = await uow.threads.create(koperasi_id, officer_id, now, topic=topic.value)
    else:
        thread.topic = topic.value
        if thread.assigned_person_id != (officer.id if officer is not None else None):
            # The thread follows its officer (a reassignment moves it): name who reads it.
            officer = await uow.people.get(thread.assigned_person_id or 0)
    session = await uow.threads.start_session(chat_id, person_id, thread.id, now)
    name = (officer.full_name or "") if officer is not None else None
    return BoardSession(thread.id, koperasi.nama, name, session.id)


async def view_thread(
    uow: UnitOfWork, thread_id: int, person_id: int, *, admin: bool
) -> ThreadView | None:
    """The thread if the person may handle it, else None (a forged or stale button)."""
    thread = await uow.threads.get(thread_id)
    if thread is None or not may_handle(thread, person_id, admin=admin):
        return None
    koperasi = await uow.koperasi.get(thread.koperasi_id)
    holder = await uow.people.get(thread.claimed_by_person_id or 0)
    return ThreadView(
        thread.id,
        thread.koperasi_id,
        koperasi.nama if koperasi is not None else "?",
        koperasi.kecamatan if koperasi is not None else None,
        ThreadStatus(thread.status),
        thread.waiting_since,
        (holder.full_name or "?") if holder is not None else None,
    )


async def open_for_staff(
    uow: UnitOfWork,
    catalogues: Catalogues,
    *,
    thread_id: int,
    person_id: int,
    chat_id: int,
    admin: bool,
    now: datetime,
) -> StaffSession | ThreadView | Claimed | None:
    """*Balas*: a relay session on the thread. An admin pressing it on a queued thread claims
    it (the other admins are told); a thread another admin has is refused with their name.

    *Balas* on the card of a closed thread starts nothing: the thread as it is (closed, with
    *Buka lagi*) is the answer, so an answer never goes out on a conversation marked done
    without the officer choosing to open it again."""
    thread = await uow.threads.get(thread_id)
    if thread is None or not may_handle(thread, person_id, admin=admin):
        return None
    if thread.status != ThreadStatus.OPEN.value:
        return await view_thread(uow, thread_id, person_id, admin=admin)
    if thread.assigned_person_id is None:
        holder = thread.claimed_by_person_id
        if holder is not None and holder != person_id:
            other = await uow.people.get(holder)
            return Claimed((other.full_name if other else None) or "?")
        if holder is None and await uow.threads.claim(thread.id, person_id):
            thread.claimed_by_person_id = person_id
            await _tell_other_admins(uow, catalogues, thread, person_id, now)
    session = await uow.threads.start_session(chat_id, person_id, thread.id, now)
    view = await view_thread(uow, thread_id, person_id, admin=admin)
    return None if view is None else StaffSession(view, session.id)


async def _tell_other_admins(
    uow: UnitOfWork, catalogues: Catalogues, thread: Thread, claimer_id: int, now: datetime
) -> None:
    """The other admins learn who took the queued thread (so nobody answers twice)."""
    claimer = await uow.people.get(claimer_id)
    koperasi = await uow.koperasi.get(thread.koperasi_id)
    name = (claimer.full_name if claimer else None) or "?"
    for admin in await uow.people.reachable_admins():
        if admin.id == claimer_id:
            continue
        await queue_note(
            uow,
            catalogues,
            admin,
            N_("relay.note.claimed"),
            cause=f"thread:{thread.id}:{claimer_id}",
            now=now,
            about=claimer_id,
            name=name,
            koperasi=koperasi.nama if koperasi is not None else "?",
        )


async def close_thread(
    uow: UnitOfWork, thread_id: int, person_id: int, *, admin: bool, chat_id: int, now: datetime
) -> ThreadView | None:
    """Marks the thread answered: closed, nothing waiting; the presser's session on it ends
    (a session on another thread goes on)."""
    thread = await uow.threads.get(thread_id)
    if thread is None or not may_handle(thread, person_id, admin=admin):
        return None
    thread.status, thread.closed_at, thread.waiting_since = ThreadStatus.CLOSED.value, now, None
    await uow.threads.end_sessions(chat_id, now, thread_id=thread.id)
    return await view_thread(uow, thread_id, person_id, admin=admin)


async def reopen_thread(
    uow: UnitOfWork, thread_id: int, person_id: int, *, admin: bool, now: datetime
) -> ThreadView | None:
    """Opens a closed thread again (unless the cooperative has another open one)."""
    thread = await uow.threads.get(thread_id)
    if thread is None or not may_handle(thread, person_id, admin=admin):
        return None
    current = await uow.threads.open_for(thread.koperasi_id)
    if current is None:
        thread.status, thread.closed_at = ThreadStatus.OPEN.value, None
        thread.last_message_at = now
    return await view_thread(uow, (current or thread).id, person_id, admin=admin)


async def end_session(uow: UnitOfWork, chat_id: int, now: datetime) -> bool:
    """/batal or another command: the chat's relay session ends."""
    return await uow.threads.end_sessions(chat_id, now) > 0


async def end_that_session(uow: UnitOfWork, session_id: int, chat_id: int, now: datetime) -> bool:
    """*Selesai mengirim*: that session of the chat ends; False when it is no longer live (the
    button of an older card: nothing changes)."""
    return await uow.threads.end_session(session_id, chat_id, now)


async def inbox(uow: UnitOfWork, person_id: int, *, admin: bool) -> list[InboxLine]:
    """/pesan: open threads of the person (and the admins' queue for an admin), oldest waiting
    first."""
    return await uow.threads.inbox(person_id, admin=admin)
