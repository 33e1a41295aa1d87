"""Per-chat ordering: one chat's updates in order, other chats meanwhile."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update

from handlers.ordering import PerChatUpdateProcessor


def _update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, datetime.now(UTC), chat, text="x"))


async def test_one_chat_in_order_other_chats_concurrently() -> None:
    processor = PerChatUpdateProcessor(max_concurrent_updates=8)
    log: list[str] = []
    release_first = asyncio.Event()
    second_chat_done = asyncio.Event()

    async def first() -> None:
        log.append("chat1:first:start")
        await release_first.wait()
        log.append("chat1:first:end")

    async def second() -> None:
        log.append("chat1:second")

    async def other_chat() -> None:
        log.append("chat2")
        second_chat_done.set()

    tasks = [
        asyncio.create_task(processor.process_update(_update(1, 1), first())),
        asyncio.create_task(processor.process_update(_update(2, 1), second())),
        asyncio.create_task(processor.process_update(_update(3, 2), other_chat())),
    ]
    await asyncio.wait_for(second_chat_done.wait(), timeout=5)
    # Chat 2 ran while chat 1's first update was still in progress; chat 1's second waits.
    assert log == ["chat1:first:start", "chat2"]
    release_first.set()
    await asyncio.gather(*tasks)
    assert log == ["chat1:first:start", "chat2", "chat1:first:end", "chat1:second"]
    assert processor._locks == {}


async def test_a_busy_chat_does_not_hold_the_global_slots() -> None:
    processor = PerChatUpdateProcessor(max_concurrent_updates=2)
    release = asyncio.Event()
    other_ran = asyncio.Event()

    async def slow() -> None:
        await release.wait()

    async def other() -> None:
        other_ran.set()

    busy = [asyncio.create_task(processor.process_update(_update(n, 1), slow())) for n in range(5)]
    quick = asyncio.create_task(processor.process_update(_update(9, 2), other()))
    # Four of chat 1's updates wait for their chat, not for the two global slots.
    await asyncio.wait_for(other_ran.wait(), timeout=5)
    release.set()
    await asyncio.gather(*busy, quick)
