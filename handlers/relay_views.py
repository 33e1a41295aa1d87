"""How conversations look to people: the topic question, the session notices, /pesan and a
thread as staff see it. Renderers only (text and buttons)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from domain.callbacks import RelayAction, RelayButton, RelaySessionEnd, RelayTopicButton
from domain.koperasi_list import NAME_IN_LIST, shorten
from domain.relay import TOPIC_KEYS, ThreadStatus, Topic, waiting_hours
from handlers.keyboards import Row, button, plain
from locales import Safe, Translator
from services.relay_cards import ACTION_KEYS, SESSION_END_KEY
from services.threads import BoardSession, InboxLine, StaffSession, ThreadView

#: Threads /pesan lists at once (the oldest waiting first).
INBOX_SHOWN = 20
Screen = tuple[str, InlineKeyboardMarkup]


def thread_row(tr: Translator, thread_id: int, *actions: RelayAction) -> Row:
    """Buttons of one thread, in one row."""
    return [
        button(plain(tr.t(ACTION_KEYS[a])), RelayButton(a, thread_id).encode()) for a in actions
    ]


def render_topics(tr: Translator, koperasi_id: int, koperasi: str) -> Screen:
    """/hubungi: what the board wants to talk about."""
    rows = [
        [button(plain(tr.t(TOPIC_KEYS[topic])), RelayTopicButton(koperasi_id, topic).encode())]
        for topic in Topic
    ]
    return tr.t("relay.choose_topic", koperasi=koperasi), InlineKeyboardMarkup(rows)


def session_end_button(tr: Translator, session_id: int) -> InlineKeyboardButton:
    """*Selesai mengirim*: ends this session only (a later one is not this button's)."""
    return button(plain(tr.t(SESSION_END_KEY)), RelaySessionEnd(session_id).encode())


def render_board_session(tr: Translator, opened: BoardSession) -> Screen:
    """The board's session is open: who will read the messages, and *Selesai mengirim*."""
    if opened.officer:
        text = tr.t("relay.board.open", koperasi=opened.koperasi, officer=opened.officer)
    else:
        text = tr.t("relay.board.open_queue", koperasi=opened.koperasi)
    return text, InlineKeyboardMarkup([[session_end_button(tr, opened.session_id)]])


def render_staff_session(tr: Translator, opened: StaffSession) -> Screen:
    """*Balas*: the staff member's session is open on this thread; *Selesai mengirim* ends the
    session, *Tutup percakapan* marks the thread answered."""
    view = opened.view
    text = tr.t("relay.staff.open", koperasi=view.koperasi)
    row = [
        session_end_button(tr, opened.session_id),
        *thread_row(tr, view.thread_id, RelayAction.CLOSE),
    ]
    return text, InlineKeyboardMarkup([row])


def _waited(tr: Translator, since: datetime | None, now: datetime) -> str:
    hours = waiting_hours(since, now)
    if hours is None:
        return tr.t("relay.inbox.answered")
    if hours < 24:
        return tr.t("relay.inbox.waiting_hours", hours=hours)
    return tr.t("relay.inbox.waiting_days", days=hours // 24)


def render_thread(tr: Translator, view: ThreadView, now: datetime) -> Screen:
    """A thread as staff see it, with what they can do with it."""
    lines = [
        tr.t("relay.thread.title", koperasi=view.koperasi, kecamatan=view.kecamatan or "-"),
        _waited(tr, view.waiting_since, now),
    ]
    if view.claimed_by:
        lines.append(tr.t("relay.thread.claimed_by", name=view.claimed_by))
    actions: tuple[RelayAction, ...]
    if view.status is ThreadStatus.CLOSED:
        lines.append(tr.t("relay.thread.closed"))
        actions = (RelayAction.REOPEN, RelayAction.CARD)
    else:
        actions = (RelayAction.REPLY, RelayAction.CARD, RelayAction.CLOSE)
    rows = [thread_row(tr, view.thread_id, *actions)]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def render_inbox(tr: Translator, lines: Sequence[InboxLine], now: datetime) -> Screen:
    """/pesan: open threads, the longest waiting first, each with its wait and a button."""
    if not lines:
        return tr.t("relay.inbox.empty"), InlineKeyboardMarkup([])
    shown = lines[:INBOX_SHOWN]
    text = [tr.t("relay.inbox.title", count=len(lines))]
    rows: list[Row] = []
    for number, line in enumerate(shown, start=1):
        waited = _waited(tr, line.waiting_since, now)
        text.append(
            tr.t(
                "relay.inbox.line",
                number=number,
                koperasi=shorten(line.nama, NAME_IN_LIST),
                waited=Safe(waited),
            )
        )
        label = f"{number}. {shorten(line.nama, NAME_IN_LIST)}"
        rows.append([button(label, RelayButton(RelayAction.OPEN, line.thread_id).encode())])
    return "\n".join(text), InlineKeyboardMarkup(rows)
