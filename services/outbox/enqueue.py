"""Queueing a text message for the paced sender: the payload built in one place."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from storage.uow import UnitOfWork


class SupportsToDict(Protocol):
    """A markup object that serialises itself (python-telegram-bot's keyboards do)."""

    def to_dict(self) -> dict[str, Any]:
        """The Bot API JSON form."""
        ...


async def enqueue_message(
    uow: UnitOfWork,
    *,
    key: str,
    chat_id: int,
    text: str,
    priority: int,
    kind: str,
    now: datetime,
    reply_markup: Mapping[str, Any] | SupportsToDict | None = None,
    not_before: datetime | None = None,
    expires_at: datetime | None = None,
    person_id: int | None = None,
    broadcast_id: int | None = None,
) -> int:
    """Queues a ``sendMessage`` (HTML parse mode) under ``key``; returns the row's id. An
    existing key is kept.

    ``text`` must already be rendered and escaped for HTML. The caller commits; the commit of
    an interactive row wakes the leader's sender by itself (``storage.outbox_doorbell``).
    """
    payload: dict[str, Any] = {"chat_id": chat_id, "text": text, "parse_mode": "HTML"}
    if reply_markup is not None:
        payload["reply_markup"] = (
            dict(reply_markup) if isinstance(reply_markup, Mapping) else reply_markup.to_dict()
        )
    return await uow.outbox.enqueue(
        idempotency_key=key,
        chat_id=chat_id,
        method="sendMessage",
        payload=payload,
        kind=kind,
        priority=priority,
        now=now,
        not_before=not_before,
        expires_at=expires_at,
        person_id=person_id,
        broadcast_id=broadcast_id,
    )
