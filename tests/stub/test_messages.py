"""Message state: edits, callback answers, deletions, copies, and what the control API shows."""

from __future__ import annotations

import pytest

from telegram_stub import BotApiStub, StubUser
from tests.stub.conftest import RawApi

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
KEYBOARD = {"inline_keyboard": [[{"text": "Ya", "callback_data": "form:1:yes"}]]}


async def _sent(api: RawApi, text: str = "<b>Lanjut?</b>") -> int:
    result = await api.ok(
        "sendMessage", chat_id=1001, text=text, parse_mode="HTML", reply_markup=KEYBOARD
    )
    message_id: int = result["message_id"]
    return message_id


async def test_identical_edit_is_rejected(api: RawApi, ani: StubUser) -> None:
    message_id = await _sent(api)

    answer = await api.error(
        "editMessageText",
        chat_id=1001,
        message_id=message_id,
        text="<b>Lanjut?</b>",
        parse_mode="HTML",
        reply_markup=KEYBOARD,
    )

    assert answer == (400, NOT_MODIFIED)


async def test_identical_reply_markup_edit_is_rejected(api: RawApi, ani: StubUser) -> None:
    message_id = await _sent(api)

    answer = await api.error(
        "editMessageReplyMarkup", chat_id=1001, message_id=message_id, reply_markup=KEYBOARD
    )

    assert answer == (400, NOT_MODIFIED)


async def test_edit_without_markup_removes_the_keyboard(
    api: RawApi, stub: BotApiStub, ani: StubUser
) -> None:
    message_id = await _sent(api)

    edited = await api.ok(
        "editMessageText",
        chat_id=1001,
        message_id=message_id,
        text="<b>Lanjut?</b>",
        parse_mode="HTML",
    )

    [message] = stub.read_chat(1001)["messages"]
    assert "reply_markup" not in edited
    assert message["reply_markup"] is None
    assert message["edit_count"] == 1
    assert message["entities"] == [{"type": "bold", "offset": 0, "length": 7}]


@pytest.mark.parametrize("message_id", [99, 1])
async def test_editing_a_missing_or_deleted_message_is_rejected(
    api: RawApi, ani: StubUser, message_id: int
) -> None:
    await api.ok("deleteMessage", chat_id=1001, message_id=await _sent(api))

    answer = await api.error("editMessageText", chat_id=1001, message_id=message_id, text="x")

    assert answer == (400, "Bad Request: message to edit not found")


async def test_bot_cannot_edit_a_users_message(
    api: RawApi, stub: BotApiStub, ani: StubUser
) -> None:
    injected = stub.inject_message(ani, "halo")

    answer = await api.error(
        "editMessageText", chat_id=1001, message_id=injected.message_id, text="x"
    )

    assert answer == (400, "Bad Request: message can't be edited")


async def test_callback_query_is_answered_once(
    api: RawApi, stub: BotApiStub, ani: StubUser
) -> None:
    await _sent(api)
    pressed = stub.press(ani, "Ya")

    first = await api.ok(
        "answerCallbackQuery", callback_query_id=pressed.callback_query_id, text="Tersimpan"
    )
    second = await api.error("answerCallbackQuery", callback_query_id=pressed.callback_query_id)

    assert first is True
    assert second == (
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    )
    [answer] = stub.callback_answers()
    assert answer["answered"] is True
    assert answer["data"] == "form:1:yes"
    assert answer["answer"]["text"] == "Tersimpan"


async def test_unknown_callback_id_and_long_answer_are_rejected(
    api: RawApi, stub: BotApiStub, ani: StubUser
) -> None:
    await _sent(api)
    pressed = stub.press(ani, "Ya")

    unknown = await api.error("answerCallbackQuery", callback_query_id="12345")
    too_long = await api.error(
        "answerCallbackQuery", callback_query_id=pressed.callback_query_id, text="x" * 201
    )

    assert unknown[0] == 400
    assert too_long == (400, "Bad Request: MESSAGE_TOO_LONG")
    assert stub.callback_answers()[0]["answered"] is False


async def test_chat_history_keeps_both_directions_in_order(
    api: RawApi, stub: BotApiStub, ani: StubUser
) -> None:
    stub.inject_message(ani, "/start")
    await _sent(api)
    stub.inject_location(ani, -6.2, 106.8)

    chat = stub.read_chat(1001)

    assert [(m["message_id"], m["direction"]) for m in chat["messages"]] == [
        (1, "in"),
        (2, "out"),
        (3, "in"),
    ]
    assert chat["messages"][1]["text"] == "Lanjut?"
    assert chat["messages"][2]["media"] == {"location": {"latitude": -6.2, "longitude": 106.8}}


async def test_copy_and_forward_keep_content(
    api: RawApi, stub: BotApiStub, ani: StubUser, budi: StubUser
) -> None:
    message_id = await _sent(api)

    copied = await api.ok("copyMessage", chat_id=1002, from_chat_id=1001, message_id=message_id)
    forwarded = await api.ok(
        "forwardMessage", chat_id=1002, from_chat_id=1001, message_id=message_id
    )
    copies = await api.ok(
        "copyMessages", chat_id=1002, from_chat_id=1001, message_ids=[message_id, 50]
    )

    texts = [m["text"] for m in stub.read_chat(1002)["messages"]]
    assert copied == {"message_id": 1}
    assert forwarded["forward_origin"]["sender_user"]["id"] == 123456
    assert copies == [{"message_id": 3}]  # the missing message 50 is skipped
    assert texts == ["Lanjut?", "Lanjut?", "Lanjut?"]


async def test_delete_messages_skips_missing_ones(
    api: RawApi, stub: BotApiStub, ani: StubUser
) -> None:
    first, second = await _sent(api), await _sent(api)

    assert await api.ok("deleteMessages", chat_id=1001, message_ids=[first, 40]) is True
    missing = await api.error("deleteMessage", chat_id=1001, message_id=first)

    flags = [(m["message_id"], m["deleted"]) for m in stub.read_chat(1001)["messages"]]
    assert flags == [(first, True), (second, False)]
    assert missing == (400, "Bad Request: message to delete not found")


async def test_command_menus_are_kept_per_scope_and_language(
    api: RawApi, stub: BotApiStub, ani: StubUser
) -> None:
    commands = [{"command": "start", "description": "Mulai"}]
    chat_scope = {"type": "chat", "chat_id": 1001}

    await api.ok("setMyCommands", commands=commands, language_code="id")
    await api.ok(
        "setMyCommands",
        commands=[*commands, {"command": "admin", "description": "A"}],
        scope=chat_scope,
    )
    default_en = await api.ok("getMyCommands", language_code="en")
    chat_menu = await api.ok("getMyCommands", scope=chat_scope)
    await api.ok("deleteMyCommands", language_code="id")

    assert default_en == []
    assert [c["command"] for c in chat_menu] == ["start", "admin"]
    assert stub.command_menus() == [
        {"scope": "chat:1001", "language_code": "", "commands": chat_menu}
    ]


async def test_invalid_bot_commands_are_rejected(api: RawApi) -> None:
    bad_name = await api.error(
        "setMyCommands", commands=[{"command": "Start-Now", "description": "x"}]
    )
    unknown_chat = await api.error(
        "setMyCommands",
        commands=[{"command": "start", "description": "x"}],
        scope={"type": "chat", "chat_id": 5},
    )

    assert bad_name == (400, "Bad Request: BOT_COMMAND_INVALID")
    assert unknown_chat == (400, "Bad Request: chat not found")


async def test_get_chat_knows_only_known_chats(
    api: RawApi, stub: BotApiStub, ani: StubUser
) -> None:
    group_id = stub.create_group("Pengurus KSU")

    private = await api.ok("getChat", chat_id=1001)
    group = await api.ok("getChat", chat_id=group_id)
    unknown = await api.error("getChat", chat_id=5)

    assert (private["type"], private["first_name"]) == ("private", "Ani")
    assert (group["type"], group["title"]) == ("group", "Pengurus KSU")
    assert unknown == (400, "Bad Request: chat not found")


async def test_copy_of_a_users_voice_note_replies_and_is_refused_where_telegram_refuses(
    api: RawApi, stub: BotApiStub, ani: StubUser, budi: StubUser
) -> None:
    """What the relay relies on: a user's voice note copied into another chat as a reply."""
    voice = stub.inject_media(ani, "voice", b"OggS voice")
    stub.inject_message(budi, "pertanyaan")
    target = await api.ok("sendMessage", chat_id=1002, text="ditanya")
    reply = {"message_id": target["message_id"]}

    copied = await api.ok(
        "copyMessage",
        chat_id=1002,
        from_chat_id=1001,
        message_id=voice.message_id,
        reply_parameters=reply,
    )
    missing_target = await api.error(
        "copyMessage",
        chat_id=1002,
        from_chat_id=1001,
        message_id=voice.message_id,
        reply_parameters={"message_id": 999},
    )
    lenient = await api.ok(
        "copyMessage",
        chat_id=1002,
        from_chat_id=1001,
        message_id=voice.message_id,
        reply_parameters={"message_id": 999, "allow_sending_without_reply": True},
    )
    missing = await api.error("copyMessage", chat_id=1002, from_chat_id=1001, message_id=999)
    stub.inject_chat_member(budi, "kicked")
    blocked = await api.error(
        "copyMessage", chat_id=1002, from_chat_id=1001, message_id=voice.message_id
    )

    messages = {m["message_id"]: m for m in stub.read_chat(1002)["messages"]}
    assert "voice" in messages[copied["message_id"]]["media"]
    assert messages[copied["message_id"]]["reply_to"] == target["message_id"]
    assert messages[lenient["message_id"]]["reply_to"] is None
    assert missing_target == (400, "Bad Request: message to be replied not found")
    assert missing == (400, "Bad Request: message to copy not found")
    assert blocked == (403, "Forbidden: bot was blocked by the user")
