"""The driver acts as users over the control API; the stub records what the bot did."""

from __future__ import annotations

from typing import Any

import pytest

from telegram_stub import BotApiStub
from tests.helpers.driver import Driver, DriverError
from tests.stub.conftest import RawApi

CHOICES = {
    "inline_keyboard": [
        [{"text": "1. Koperasi", "callback_data": "menu:1"}],
        [{"text": "2. Jadwal", "callback_data": "menu:2"}],
    ]
}


async def _take_updates(api: RawApi) -> list[dict[str, Any]]:
    """Reads the pending updates and confirms them, as a polling bot does."""
    updates: list[dict[str, Any]] = await api.ok("getUpdates")
    if updates:
        await api.ok("getUpdates", offset=updates[-1]["update_id"] + 1, timeout=0)
    return updates


async def test_user_sends_a_command_and_waits_for_the_reply(driver: Driver, api: RawApi) -> None:
    ani = driver.user(1001, "Ani")

    await ani.send("/start KSU-7")
    [update] = await _take_updates(api)
    await api.ok(
        "sendMessage", chat_id=1001, text="<b>Pilih</b>", parse_mode="HTML", reply_markup=CHOICES
    )
    [reply] = await ani.wait_for_reply()

    assert update["message"]["text"] == "/start KSU-7"
    assert update["message"]["from"]["language_code"] == "id"
    assert reply.text == "Pilih"
    assert reply.entities == [{"type": "bold", "offset": 0, "length": 5}]
    assert reply.buttons == ["1. Koperasi", "2. Jadwal"]
    assert (await ani.last_message()).message_id == reply.message_id


async def test_press_creates_a_callback_query_and_edits_can_be_awaited(
    driver: Driver, api: RawApi
) -> None:
    ani = driver.user(1001, "Ani")
    await ani.send("/start")
    await api.ok("sendMessage", chat_id=1001, text="Pilih", reply_markup=CHOICES)
    before = await ani.last_message()
    await _take_updates(api)

    pressed = await ani.press("2. Jadwal")
    [update] = await _take_updates(api)
    await api.ok(
        "editMessageText", chat_id=1001, message_id=before.message_id, text="Jadwal dipilih"
    )
    edited = await ani.wait_for_edit(before)

    assert update["callback_query"]["data"] == "menu:2"
    assert update["callback_query"]["id"] == pressed["callback_query_id"]
    assert update["callback_query"]["message"]["message_id"] == before.message_id
    assert (edited.text, edited.edit_count, edited.buttons) == ("Jadwal dipilih", 1, [])
    with pytest.raises(DriverError, match="no callback button"):
        await ani.press("3. Tidak ada")


async def test_wait_for_reply_counts_only_messages_after_the_last_action(
    driver: Driver, api: RawApi
) -> None:
    ani = driver.user(1001, "Ani")
    await ani.send("/start")
    await api.ok("sendMessage", chat_id=1001, text="lama")

    await ani.type_choice(2)
    await api.ok("sendMessage", chat_id=1001, text="baru 1")
    await api.ok("sendMessage", chat_id=1001, text="baru 2")
    replies = await ani.wait_for_reply(count=2)

    assert [m.text for m in replies] == ["baru 1", "baru 2"]
    with pytest.raises(DriverError, match="1 new bot message"):
        await ani.wait_for_reply(timeout=0.1)  # both were consumed by the wait above


async def test_wait_for_reply_with_a_predicate(driver: Driver, api: RawApi) -> None:
    ani = driver.user(1001, "Ani")
    await ani.send("/start")
    await api.ok("sendMessage", chat_id=1001, text="Sedang memproses")
    await api.ok("sendMessage", chat_id=1001, text="Selesai")

    [done] = await ani.wait_for_reply(predicate=lambda m: m.body.startswith("Selesai"))

    assert done.text == "Selesai"


async def test_user_shares_things(driver: Driver, api: RawApi) -> None:
    ani = driver.user(1001, "Ani", last_name="Lestari")

    await ani.share_location(-6.9, 107.6)
    await ani.share_contact("+628123456789")
    await ani.send_photo(caption="Foto RAT")
    await ani.send_document(b"%PDF", "notulen.pdf")
    await ani.send_voice()
    album = await ani.send_album(3)
    messages = [u["message"] for u in await _take_updates(api)]

    assert messages[0]["location"] == {"latitude": -6.9, "longitude": 107.6}
    assert messages[1]["contact"] == {
        "phone_number": "+628123456789",
        "first_name": "Ani",
        "user_id": 1001,
        "last_name": "Lestari",
    }
    assert messages[2]["caption"] == "Foto RAT"
    assert messages[2]["photo"][0]["width"] == 1
    assert messages[3]["document"]["file_name"] == "notulen.pdf"
    assert "voice" in messages[4]
    assert len({m["media_group_id"] for m in messages[5:]}) == 1
    assert [a["update_id"] for a in album] == list(range(6, 9))


async def test_user_blocks_and_unblocks_the_bot(driver: Driver, api: RawApi) -> None:
    ani = driver.user(1001, "Ani")
    await ani.send("/start")

    await ani.block()
    refused = await api.error("sendMessage", chat_id=1001, text="x")
    await ani.unblock()
    sent = await api.ok("sendMessage", chat_id=1001, text="y")

    assert refused == (403, "Forbidden: bot was blocked by the user")
    assert sent["text"] == "y"
    assert [m.text for m in await ani.messages()] == ["y"]


async def test_a_reply_that_never_comes_times_out_with_context(driver: Driver) -> None:
    ani = driver.user(1001, "Ani")
    await ani.send("/start")

    with pytest.raises(DriverError, match=r"within 0\.1s"):
        await ani.wait_for_reply(timeout=0.1)


async def test_control_api_over_http(driver: Driver, api: RawApi, stub: BotApiStub) -> None:
    ani = driver.user(1001, "Ani")
    await ani.send("/start")
    group = await driver.request("POST", "/groups", {"title": "Pengurus"})
    await driver.request(
        "POST",
        "/updates/message",
        {"user": ani.profile, "text": "rapat jam 9", "chat_id": group["chat_id"]},
    )
    uploaded = await driver.request(
        "POST", "/files", {"data_base64": "aGFsbw==", "kind": "document", "filename": "a.txt"}
    )
    await api.ok("sendDocument", chat_id=group["chat_id"], document=uploaded["file_id"])
    await api.ok("setMyCommands", commands=[{"command": "start", "description": "Mulai"}])
    switches = await driver.request(
        "POST", "/switches/rate_limit", {"retry_after": 5, "chat_id": 1001, "count": 1}
    )
    throttled = await api.error("sendMessage", chat_id=1001, text="x")
    flood = await driver.request("POST", "/switches/flood", {"global_per_second": 10})

    group_chat = await driver.chat(group["chat_id"])
    calls = await driver.calls("sendDocument")
    commands = await driver.request("GET", "/commands")

    assert [m.outgoing for m in group_chat] == [False, True]
    assert group_chat[0].text == "rapat jam 9"
    assert [c["status"] for c in calls] == [200]
    assert calls[0]["params"]["document"] == uploaded["file_id"]
    assert commands == [
        {
            "scope": "default",
            "language_code": "",
            "commands": [{"command": "start", "description": "Mulai"}],
        }
    ]
    assert switches["chat_rate_limits"]["1001"]["remaining"] == 1
    assert throttled == (429, "Too Many Requests: retry after 5")
    assert flood["flood"] == {"global_per_second": 10, "per_chat_per_second": 1}
    with pytest.raises(DriverError, match="400"):
        await driver.request(
            "POST", "/updates/callback", {"user": ani.profile, "button_text": "?"}
        )

    await driver.request("POST", "/reset")
    assert await driver.request("GET", "/chats") == []
    assert stub.state.limits.flood is None
