"""429 switches, the flood limit and blocked users."""

from __future__ import annotations

from telegram_stub import BotApiStub, StubUser
from tests.stub.conftest import RawApi, SteppingClock


async def test_global_429_switch_answers_retry_after_for_count_requests(
    api: RawApi, stub: BotApiStub, ani: StubUser
) -> None:
    stub.rate_limit(7, count=2)

    first = await api.call("sendMessage", chat_id=1001, text="a")
    second = await api.call("sendMessage", chat_id=1001, text="b")
    polled = await api.ok("getUpdates")
    third = await api.ok("sendMessage", chat_id=1001, text="c")

    assert first.status_code == second.status_code == 429
    assert first.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    assert polled == []  # polling keeps working while sends are throttled
    assert third["text"] == "c"


async def test_chat_429_switch_holds_until_switched_off(
    api: RawApi, stub: BotApiStub, ani: StubUser, budi: StubUser
) -> None:
    stub.rate_limit(3, chat_id=1001)

    throttled = [await api.error("sendMessage", chat_id=1001, text=str(i)) for i in range(3)]
    other_chat = await api.ok("sendMessage", chat_id=1002, text="x")
    stub.rate_limit_off(1001)
    after = await api.ok("sendMessage", chat_id=1001, text="y")

    assert throttled == [(429, "Too Many Requests: retry after 3")] * 3
    assert other_chat["chat"]["id"] == 1002
    assert after["chat"]["id"] == 1001


async def test_429_switch_can_target_methods(api: RawApi, stub: BotApiStub, ani: StubUser) -> None:
    stub.rate_limit(2, methods=["editMessageText"])
    sent = await api.ok("sendMessage", chat_id=1001, text="a")

    edit = await api.error(
        "editMessageText", chat_id=1001, message_id=sent["message_id"], text="b"
    )

    assert edit == (429, "Too Many Requests: retry after 2")


async def test_blocked_user_gets_403_until_unblocked(
    api: RawApi, stub: BotApiStub, ani: StubUser
) -> None:
    stub.inject_chat_member(ani, "kicked")

    blocked = await api.error("sendMessage", chat_id=1001, text="halo")
    action = await api.error("sendChatAction", chat_id=1001, action="typing")
    stub.inject_chat_member(ani, "member")
    sent = await api.ok("sendMessage", chat_id=1001, text="halo")

    updates = await api.ok("getUpdates")
    statuses = [u["my_chat_member"]["new_chat_member"]["status"] for u in updates]
    assert blocked == action == (403, "Forbidden: bot was blocked by the user")
    assert sent["text"] == "halo"
    assert statuses == ["kicked", "member"]


async def test_writing_to_a_blocked_bot_unblocks_it_first(
    api: RawApi, stub: BotApiStub, ani: StubUser
) -> None:
    stub.inject_chat_member(ani, "kicked")

    stub.inject_message(ani, "/start")

    kinds = [next(k for k in u if k != "update_id") for u in await api.ok("getUpdates")]
    assert kinds == ["my_chat_member", "my_chat_member", "message"]
    assert (await api.ok("sendMessage", chat_id=1001, text="ok"))["text"] == "ok"


async def test_flood_limit_allows_one_message_per_second_per_chat(
    api: RawApi, stub: BotApiStub, ani: StubUser, clock: SteppingClock
) -> None:
    stub.set_flood_limit(global_per_second=30, per_chat_per_second=1)

    await api.ok("sendMessage", chat_id=1001, text="1")
    clock.advance(0.4)
    too_soon = await api.call("sendMessage", chat_id=1001, text="2")
    clock.advance(0.6)
    later = await api.ok("sendMessage", chat_id=1001, text="3")

    assert too_soon.status_code == 429
    assert too_soon.json()["parameters"] == {"retry_after": 1}
    assert later["text"] == "3"


async def test_flood_limit_counts_all_chats_together(
    api: RawApi, stub: BotApiStub, clock: SteppingClock
) -> None:
    for user_id in range(2001, 2005):
        stub.add_user(StubUser(user_id, f"U{user_id}"))
    stub.set_flood_limit(global_per_second=3)

    sent = [await api.call("sendMessage", chat_id=c, text="x") for c in range(2001, 2005)]
    clock.advance(1.0)
    after_a_second = await api.ok("sendMessage", chat_id=2004, text="x")
    stub.disable_flood_limit()
    unlimited = [await api.ok("sendMessage", chat_id=2001, text="y") for _ in range(5)]

    assert [r.status_code for r in sent] == [200, 200, 200, 429]
    assert sent[3].json()["parameters"]["retry_after"] == 1
    assert after_a_second["chat"]["id"] == 2004
    assert len(unlimited) == 5


async def test_flood_limit_is_off_by_default(api: RawApi, ani: StubUser) -> None:
    results = [await api.ok("sendMessage", chat_id=1001, text=str(i)) for i in range(40)]

    assert len(results) == 40
