"""getUpdates: offsets confirm and forget like Telegram, limits, long polling, conflicts."""

from __future__ import annotations

import asyncio

from telegram_stub import BotApiStub, StubUser
from tests.stub.conftest import RawApi


def _ids(updates: list[dict[str, object]]) -> list[object]:
    return [u["update_id"] for u in updates]


async def _until_polling(stub: BotApiStub) -> None:
    """Waits (at most 5 s) until a getUpdates call is long-polling inside the stub."""
    await asyncio.wait_for(stub.state.updates.polling.wait(), timeout=5)


async def test_updates_stay_until_an_offset_confirms_them(
    api: RawApi, stub: BotApiStub, ani: StubUser
) -> None:
    first, second, third = (stub.inject_message(ani, t).update_id for t in ("a", "b", "c"))

    unconfirmed = await api.ok("getUpdates")
    again = await api.ok("getUpdates")
    from_second = await api.ok("getUpdates", offset=second)
    without_offset = await api.ok("getUpdates")
    limited = await api.ok("getUpdates", limit=1)

    assert _ids(unconfirmed) == _ids(again) == [first, second, third]
    assert _ids(from_second) == [second, third]
    assert _ids(without_offset) == [second, third]  # the first was confirmed for good
    assert _ids(limited) == [second]


async def test_negative_offset_keeps_only_the_last_updates(
    api: RawApi, stub: BotApiStub, ani: StubUser
) -> None:
    ids = [stub.inject_message(ani, str(i)).update_id for i in range(4)]

    last_one = await api.ok("getUpdates", offset=-1)
    remaining = await api.ok("getUpdates")

    assert _ids(last_one) == _ids(remaining) == ids[-1:]


async def test_injected_updates_are_valid_bot_api_json(
    api: RawApi, stub: BotApiStub, ani: StubUser
) -> None:
    stub.inject_message(ani, "/start KSU-42")

    [update] = await api.ok("getUpdates")

    message = update["message"]
    assert message["text"] == "/start KSU-42"
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert message["from"] == {
        "id": 1001,
        "is_bot": False,
        "first_name": "Ani",
        "username": "ani",
        "language_code": "id",
    }
    assert message["chat"] == {
        "id": 1001,
        "type": "private",
        "first_name": "Ani",
        "username": "ani",
    }


async def test_long_poll_returns_as_soon_as_an_update_arrives(
    api: RawApi, stub: BotApiStub, ani: StubUser
) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(api.ok("getUpdates", timeout=10))
    await _until_polling(stub)
    injected = stub.inject_message(ani, "halo")

    updates = await asyncio.wait_for(poll, timeout=5)

    assert _ids(updates) == [injected.update_id]
    assert loop.time() - started < 5


async def test_long_poll_without_updates_returns_empty_after_timeout(api: RawApi) -> None:
    assert await api.ok("getUpdates", timeout=1) == []


async def test_a_second_poller_terminates_the_first(api: RawApi, stub: BotApiStub) -> None:
    first = asyncio.create_task(api.call("getUpdates", timeout=10))
    await _until_polling(stub)

    second = await api.ok("getUpdates", timeout=0)
    response = await asyncio.wait_for(first, timeout=5)

    assert second == []
    assert response.status_code == 409
    assert response.json()["description"].startswith("Conflict: terminated by other getUpdates")


async def test_allowed_updates_filters_and_is_remembered(
    api: RawApi, stub: BotApiStub, ani: StubUser
) -> None:
    await api.ok(
        "sendMessage",
        chat_id=1001,
        text="?",
        reply_markup={"inline_keyboard": [[{"text": "Ya", "callback_data": "y"}]]},
    )
    stub.press(ani, "Ya")
    message = stub.inject_message(ani, "teks")

    only_messages = await api.ok("getUpdates", allowed_updates=["message"])
    still_filtered = await api.ok("getUpdates")

    assert _ids(only_messages) == _ids(still_filtered) == [message.update_id]


async def test_get_updates_is_refused_while_a_webhook_is_set(api: RawApi) -> None:
    await api.ok("setWebhook", url="https://example.org/hook")

    refused = await api.error("getUpdates")
    info = await api.ok("getWebhookInfo")
    await api.ok("deleteWebhook", drop_pending_updates=True)

    assert refused[0] == 409
    assert info["url"] == "https://example.org/hook"
    assert await api.ok("getUpdates") == []
