"""Conversations between boards and officers (docs/rules.md), the outbox and broadcasts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables.base import Base, JsonDict, code, counter, tg_id


class Thread(Base):
    """The conversation of one cooperative with its officer (or the admins' queue)."""

    __tablename__ = "thread"
    __table_args__ = (
        Index("ix_thread_koperasi_id_status", "koperasi_id", "status"),
        Index("ix_thread_assigned_person_id_status", "assigned_person_id", "status"),
        Index("ix_thread_status_waiting_since", "status", "waiting_since"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    koperasi_id: Mapped[int] = mapped_column(ForeignKey("koperasi.id", ondelete="CASCADE"))
    status: Mapped[str] = code(16, default="open")
    # What the board opened it about (`domain.relay.Topic`); null when opened by a reply.
    topic: Mapped[str | None] = code(16, nullable=True)
    # Null: in the admins' queue (no officer, or the officer deactivated).
    assigned_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    claimed_by_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    # When the board's oldest unanswered message arrived; null when nothing waits.
    waiting_since: Mapped[datetime | None]
    last_message_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class ThreadMessage(Base):
    """A relayed message pair: the original and its copy on the other side.

    Only ids are kept (never the text): they let a Telegram reply to a copy find the thread
    and the original it answers.
    """

    __tablename__ = "thread_message"
    __table_args__ = (
        Index("ix_thread_message_to_chat_id_to_message_id", "to_chat_id", "to_message_id"),
        Index("ix_thread_message_from_chat_id_from_message_id", "from_chat_id", "from_message_id"),
        Index("ix_thread_message_thread_id_created_at", "thread_id", "created_at"),
        # Deleting a copy's outbox row finds its pair by this (migration 0015).
        Index("ix_thread_message_outbox_id", "outbox_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"))
    direction: Mapped[str] = code(16)
    from_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    from_chat_id: Mapped[int] = tg_id(nullable=False)
    from_message_id: Mapped[int] = tg_id(nullable=False)
    to_chat_id: Mapped[int] = tg_id(nullable=False)
    # Known once the outbox has sent the copy.
    to_message_id: Mapped[int | None] = tg_id()
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class RelaySession(Base):
    """An open relay in one chat (``/hubungi`` or *Balas*) until *Selesai* or idle timeout."""

    __tablename__ = "relay_session"
    __table_args__ = (
        Index("ix_relay_session_chat_id_ended_at", "chat_id", "ended_at"),
        # The thread retention deletes a thread's sessions (migration 0015).
        Index("ix_relay_session_thread_id", "thread_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = tg_id(nullable=False)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id", ondelete="CASCADE"))
    started_at: Mapped[datetime]
    last_activity_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class Broadcast(Base):
    """An admin's broadcast; the segment is evaluated when sending starts."""

    __tablename__ = "broadcast"
    __table_args__ = (Index("ix_broadcast_status_scheduled_at", "status", "scheduled_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    segment: Mapped[JsonDict]
    text: Mapped[str | None] = mapped_column(Text)
    media_file_id: Mapped[str | None] = mapped_column(String(255))
    media_kind: Mapped[str | None] = code(16, nullable=True)
    scheduled_at: Mapped[datetime | None]
    status: Mapped[str] = code(16, default="draft")
    recipient_count: Mapped[int | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class OutboxFile(Base):
    """A file the bot generated (a chart) for outbox rows to upload (migration 0014).

    Stored in the transaction that queues the rows naming it (``payload["photo"] =
    {"outbox_file": key}``), so a crash leaves both or neither; the sender reads it when it
    claims such a row. Old files are purged once their rows have expired.
    """

    __tablename__ = "outbox_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(128), unique=True)
    filename: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class Outbox(Base):
    """A message (or any Bot API call) to be sent by the leader's paced sender.

    ``idempotency_key`` is unique, so re-planning or two processes planning never create a
    second row. Lower ``priority`` is sent sooner (interactive before bulk).
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_claim", "status", "priority", "not_before", "id"),
        Index("ix_outbox_chat_id_status", "chat_id", "status"),
        Index("ix_outbox_broadcast_id_status", "broadcast_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    chat_id: Mapped[int] = tg_id(nullable=False)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    priority: Mapped[int] = counter(default=100)
    kind: Mapped[str] = code(32)
    method: Mapped[str] = mapped_column(String(64))
    payload: Mapped[JsonDict]
    status: Mapped[str] = code(16, default="pending")
    # Not null so the claim query is a plain range scan of ix_outbox_claim.
    not_before: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    attempts: Mapped[int] = counter()
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    sent_at: Mapped[datetime | None]
    telegram_message_id: Mapped[int | None] = tg_id()
    error: Mapped[str | None] = mapped_column(Text)
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcast.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]
