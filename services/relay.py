"""Relaying a message between a board and its officer (docs/rules.md, conversations).

A message goes into a thread when its chat has a live relay session (``/hubungi``, *Balas*) or
when it is a Telegram reply to a relayed copy. It is copied (``copyMessage``) through the
outbox at interactive priority, to the officer (or the admins' queue) or to the board member
who asked, and each copy's pair is recorded so replies thread on both sides. The copies are
queued under the sender's ``about`` key: erasing the sender empties them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from domain.relay import Direction, ThreadStatus, session_live
from locales import N_, Catalogues
from services.relay_cards import CardFacts, header_card, load_card, with_card
from services.threads import may_handle
from storage.repositories.outbox import PRIORITY_INTERACTIVE
from storage.repositories.privacy import about_key
from storage.tables import Person, Thread, ThreadMessage
from storage.uow import UnitOfWork

RELAY_KIND = "relay"
#: A session's activity is recorded at most this often (its idle time is half an hour).
TOUCH_AFTER = timedelta(minutes=1)


@dataclass(frozen=True)
class Incoming:
    """A message someone sent the bot, as the relay needs it (ids only)."""

    chat_id: int
    message_id: int
    reply_to_message_id: int | None
    person_id: int
    board_koperasi_ids: frozenset[int]
    admin: bool
    # False for stickers, locations and the like: not copied, the sender is told why.
    supported: bool = True
    # The text (HTML, escaped) of a text message; the caption of a photo, document, voice
    # note, audio or video, and whether it is one (it may carry the header card as caption).
    text_html: str | None = None
    caption_html: str | None = None
    captionable: bool = False


@dataclass(frozen=True)
class Relayed:
    """The message was queued for these people (names for the acknowledgement)."""

    names: tuple[str, ...]
    to_officer: bool
    duplicate: bool = False


@dataclass(frozen=True)
class Refused:
    """The message belongs to a thread but cannot go: why (a message key and its values)."""

    key: str
    params: dict[str, str]


@dataclass(frozen=True)
class _Target:
    thread: Thread
    direction: Direction
    pair: ThreadMessage | None  # the relayed message being replied to


async def relay_message(
    uow: UnitOfWork,
    catalogues: Catalogues,
    message: Incoming,
    *,
    idle: timedelta,
    answer_all: bool,
    now: datetime,
) -> Relayed | Refused | None:
    """Queues the message's copies; None when it belongs to no thread (the hint answers).

    A message in a live session costs five statements (the session with its thread, the
    recipients, then per recipient its outbox row and pair, and the thread's UPDATE at the
    commit); the one that opens a wait one more, for its header card (tests/conversations/
    test_hot_path.py).
    """
    target = await _target(uow, message, idle, now)
    if target is None:
        return None
    if not message.supported:
        return Refused(N_("relay.error.unsupported"), {})
    thread, direction = target.thread, target.direction
    if direction is Direction.TO_OFFICER:
        recipients = await _staff_of(uow, thread)
    else:
        refused = await _claim_for_answer(uow, thread, message)
        if refused is not None:
            return refused
        recipients = await _askers(uow, thread, target.pair, answer_all)
    reachable = [p for p in recipients if p.telegram_user_id is not None and p.reachable]
    if not reachable:
        return Refused(N_("relay.error.nobody"), {})
    header = None
    if direction is Direction.TO_OFFICER and thread.waiting_since is None:
        # Read once for every recipient (the admins' queue has several).
        header = await load_card(uow, thread, message.person_id)
    queued = [
        (person, await _queue_copy(uow, catalogues, target, message, person, header, now))
        for person in reachable
    ]
    if all(outbox_id is None for _, outbox_id in queued):
        # Every copy's key was queued before: the update came again after a crash.
        return Relayed((), direction is Direction.TO_OFFICER, duplicate=True)
    # The pairs and the thread's change after the copies: one INSERT and one UPDATE, whatever
    # the number of recipients.
    _after(thread, direction, now)
    await uow.threads.add_pairs(
        thread,
        direction=direction,
        from_person_id=message.person_id,
        from_chat_id=message.chat_id,
        from_message_id=message.message_id,
        copies=[
            (person.telegram_user_id or 0, outbox_id)
            for person, outbox_id in queued
            if outbox_id is not None
        ],
        now=now,
    )
    return Relayed(tuple(p.full_name or "" for p in reachable), direction is Direction.TO_OFFICER)


def _after(thread: Thread, direction: Direction, now: datetime) -> None:
    """A board's message starts the wait (and reopens a closed thread); an answer ends it."""
    if direction is Direction.TO_OFFICER:
        if thread.status != ThreadStatus.OPEN.value:
            thread.status, thread.closed_at = ThreadStatus.OPEN.value, None
        if thread.waiting_since is None:
            thread.waiting_since = now
    else:
        thread.waiting_since = None


async def _target(
    uow: UnitOfWork, message: Incoming, idle: timedelta, now: datetime
) -> _Target | None:
    """The thread and direction: a reply to a relayed copy first, then the live session."""
    if message.reply_to_message_id is not None:
        pair = await uow.threads.pair_of_copy(message.chat_id, message.reply_to_message_id)
        thread = await uow.threads.get(pair.thread_id) if pair is not None else None
        if pair is not None and thread is not None:
            # The copy went one way: the reply goes back the other.
            back = (
                Direction.TO_BOARD
                if pair.direction == Direction.TO_OFFICER.value
                else Direction.TO_OFFICER
            )
            if back is Direction.TO_OFFICER and thread.status != ThreadStatus.OPEN.value:
                # A board's reply to a copy of a closed thread: the open one takes it, if any,
                # so a cooperative never has two open threads.
                thread = await uow.threads.open_for(thread.koperasi_id) or thread
            if _may_write(message, thread, back):
                return _Target(thread, back, pair)
    live = await uow.threads.live_session_and_thread(message.chat_id)
    if live is None:
        return None
    session, thread = live
    if not session_live(session.last_activity_at, now, idle):
        session.ended_at = now
        return None
    if now - session.last_activity_at >= TOUCH_AFTER:
        # Idle time counts in minutes: one UPDATE a minute keeps the session alive, not one
        # per message.
        session.last_activity_at = now
    on_board = thread.koperasi_id in message.board_koperasi_ids
    if on_board and thread.status != ThreadStatus.OPEN.value:
        # Closed while the board's session lasted: a thread opened since takes the message.
        current = await uow.threads.open_for(thread.koperasi_id)
        if current is not None:
            thread, session.thread_id = current, current.id
    direction = Direction.TO_OFFICER if on_board else Direction.TO_BOARD
    return _Target(thread, direction, None) if _may_write(message, thread, direction) else None


def _may_write(message: Incoming, thread: Thread, direction: Direction) -> bool:
    """A board member writes into their cooperative's thread; staff into threads they handle."""
    if direction is Direction.TO_OFFICER:
        return thread.koperasi_id in message.board_koperasi_ids
    return may_handle(thread, message.person_id, admin=message.admin)


async def _staff_of(uow: UnitOfWork, thread: Thread) -> list[Person]:
    """Who reads the board's messages: the officer, else the admin who claimed it, else every
    admin (the queue)."""
    for person_id in (thread.assigned_person_id, thread.claimed_by_person_id):
        if person_id is not None:
            person = await uow.people.get(person_id)
            if person is not None:
                return [person]
    return await uow.people.reachable_admins()


async def _claim_for_answer(uow: UnitOfWork, thread: Thread, message: Incoming) -> Refused | None:
    """An admin answering a queued thread claims it, unless another admin has it."""
    if thread.assigned_person_id is not None:
        return None
    if await uow.threads.claim(thread.id, message.person_id):
        thread.claimed_by_person_id = message.person_id
        return None
    holder = await uow.people.get(thread.claimed_by_person_id or 0)
    name = holder.full_name if holder is not None and holder.full_name else "?"
    return Refused(N_("relay.error.claimed"), {"name": name})


async def _askers(
    uow: UnitOfWork, thread: Thread, pair: ThreadMessage | None, answer_all: bool
) -> list[Person]:
    """Who gets the answer: the member whose message is answered (or who wrote last), or the
    whole board when so configured or when nobody has written yet."""
    board = await uow.petugas.board_people(thread.koperasi_id)
    if answer_all:
        return board
    if pair is not None and pair.direction == Direction.TO_OFFICER.value:
        asker = pair.from_person_id
    else:
        asker = await uow.threads.last_asker(thread.id)
    chosen = [p for p in board if p.id == asker]
    return chosen or board


async def _queue_copy(
    uow: UnitOfWork,
    catalogues: Catalogues,
    target: _Target,
    message: Incoming,
    to: Person,
    header: CardFacts | None,
    now: datetime,
) -> int | None:
    """Queues the copy for one recipient (under the header card when it opens a wait, as one
    message when Telegram allows it): its outbox row, or None when its key was queued before
    (a redelivered update: nothing is queued twice)."""
    chat_id = to.telegram_user_id or 0
    # Keyed by person ids, never a Telegram id: the key outlives an erasure's scrub of the
    # payload (message ids are per chat, and the sender writes from her own private chat).
    base = about_key(message.person_id, f"relay:{message.message_id}:{to.id}")
    payload: dict[str, Any] = {"from_chat_id": message.chat_id, "message_id": message.message_id}
    method = "copyMessage"
    if header is not None:
        tr = catalogues.resolve(to.language, to.telegram_language_code)
        card, markup = header_card(tr, header)
        one = with_card(card, markup, message)
        if one is None:
            await _enqueue(uow, f"{base}:head", to, {"text": card, "reply_markup": markup}, now)
        else:
            # The card and the message as one: the officer gets it without a second message
            # waiting its chat interval behind the card.
            method, payload = one
    reply_to = await _reply_target(uow, target, chat_id)
    if reply_to is not None:
        payload["reply_parameters"] = {"message_id": reply_to, "allow_sending_without_reply": True}
    return await _enqueue(uow, base, to, payload, now, method=method)


async def _enqueue(
    uow: UnitOfWork,
    key: str,
    to: Person,
    fields: dict[str, Any],
    now: datetime,
    method: str = "sendMessage",
) -> int | None:
    chat_id = to.telegram_user_id or 0
    payload = {"chat_id": chat_id, **fields}
    if method == "sendMessage":
        payload["parse_mode"] = "HTML"
    return await uow.outbox.enqueue_once(
        idempotency_key=key,
        chat_id=chat_id,
        method=method,
        payload=payload,
        kind=RELAY_KIND,
        priority=PRIORITY_INTERACTIVE,
        now=now,
        person_id=to.id,
    )


async def _reply_target(uow: UnitOfWork, target: _Target, chat_id: int) -> int | None:
    """In the recipient's chat, the message the copy answers: the original replied to, or
    its copy there."""
    pair = target.pair
    if pair is None:
        return None
    if pair.from_chat_id == chat_id:
        return pair.from_message_id
    sibling = await _copy_in(uow, target.thread.id, pair, chat_id)
    return None if sibling is None else await uow.threads.copy_message_id(sibling)


async def _copy_in(
    uow: UnitOfWork, thread_id: int, pair: ThreadMessage, chat_id: int
) -> ThreadMessage | None:
    """The pair that copied the same original into `chat_id`."""
    pairs: Sequence[ThreadMessage] = await uow.threads.copies_of(
        thread_id, pair.from_chat_id, pair.from_message_id
    )
    return next((p for p in pairs if p.to_chat_id == chat_id), None)
