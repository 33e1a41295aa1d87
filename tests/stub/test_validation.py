"""Requests Telegram refuses before doing anything: method, token, parameters, keyboards."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from telegram_stub import BotApiStub, StubUser
from tests.stub.conftest import RawApi


async def test_unknown_method_is_404(api: RawApi) -> None:
    assert await api.error("sendTelepathy", chat_id=1) == (404, "Not Found")


async def test_method_names_are_case_insensitive(api: RawApi) -> None:
    me = await api.ok("GETME")

    assert me["username"] == "gempur_test_bot"
    assert me["id"] == 123456


async def test_wrong_token_is_401(stub: BotApiStub) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{stub.url}/bot999:WRONG/getMe")

    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


@pytest.mark.parametrize(
    ("method", "params", "description"),
    [
        ("sendMessage", {"text": "hi"}, "Bad Request: chat_id is empty"),
        ("sendMessage", {"chat_id": 1001}, "Bad Request: message text is empty"),
        ("answerCallbackQuery", {}, "Bad Request: callback_query_id is empty"),
        ("deleteMessage", {"chat_id": 1001}, "Bad Request: message_id is empty"),
    ],
)
async def test_missing_required_parameter_is_400(
    api: RawApi, ani: StubUser, method: str, params: dict[str, Any], description: str
) -> None:
    assert await api.error(method, **params) == (400, description)


@pytest.mark.parametrize(
    ("method", "params", "fragment"),
    [
        ("deleteMessage", {"chat_id": 1001, "message_id": "abc"}, '"message_id"'),
        ("getUpdates", {"limit": "ten"}, '"limit"'),
        ("sendLocation", {"chat_id": 1001, "latitude": "north", "longitude": 1}, '"latitude"'),
        (
            "sendMessage",
            {"chat_id": 1001, "text": "x", "disable_notification": "maybe"},
            "Boolean",
        ),
        (
            "sendMessage",
            {"chat_id": 1001, "text": "x", "reply_markup": "{not json"},
            "can't parse reply keyboard markup JSON object",
        ),
        ("sendMessage", {"chat_id": 1001, "text": "x", "entities": "{}"}, "Array"),
        ("setMyCommands", {"commands": [{"command": "start"}]}, "description"),
        ("deleteMessages", {"chat_id": 1001, "message_ids": ["one"]}, "Integer"),
        ("setMyCommands", {"commands": [], "scope": {"type": "nowhere"}}, "unsupported type"),
    ],
)
async def test_wrongly_typed_parameter_is_400(
    api: RawApi, ani: StubUser, method: str, params: dict[str, Any], fragment: str
) -> None:
    status, description = await api.error(method, **params)

    assert status == 400
    assert description.startswith("Bad Request: ")
    assert fragment in description


async def test_json_body_and_query_string_are_accepted(stub: BotApiStub, ani: StubUser) -> None:
    async with httpx.AsyncClient(base_url=stub.api_url) as client:
        by_json = await client.post(
            "/sendMessage",
            json={"chat_id": 1001, "text": "<b>x</b>", "parse_mode": "HTML"},
        )
        by_query = await client.get("/sendMessage", params={"chat_id": "1001", "text": "y"})

    assert by_json.json()["result"]["entities"] == [{"type": "bold", "offset": 0, "length": 1}]
    assert by_query.json()["result"]["text"] == "y"


async def test_unknown_chat_is_chat_not_found(api: RawApi, ani: StubUser) -> None:
    assert await api.error("sendMessage", chat_id=777, text="hi") == (
        400,
        "Bad Request: chat not found",
    )


async def test_private_chat_exists_once_the_user_has_written(
    api: RawApi, stub: BotApiStub
) -> None:
    citra = StubUser(3001, "Citra")
    group_id = stub.create_group("Pengurus")
    stub.inject_message(citra, "halo semua", chat_id=group_id)

    before = await api.error("sendMessage", chat_id=3001, text="hi")
    stub.inject_message(citra, "/start")
    after = await api.ok("sendMessage", chat_id=3001, text="hi")

    assert before == (400, "Bad Request: chat not found")  # a group message opens no private chat
    assert after["chat"] == {"id": 3001, "type": "private", "first_name": "Citra"}


def _keyboard(*buttons: dict[str, object]) -> str:
    return json.dumps({"inline_keyboard": [list(buttons)]})


@pytest.mark.parametrize(
    "data",
    ["x" * 64, "é" * 32],  # 64 bytes either way
)
async def test_callback_data_up_to_64_bytes_is_accepted(
    api: RawApi, ani: StubUser, data: str
) -> None:
    markup = _keyboard({"text": "Ya", "callback_data": data})

    sent = await api.ok("sendMessage", chat_id=1001, text="?", reply_markup=markup)

    assert sent["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == data


@pytest.mark.parametrize("data", ["x" * 65, "é" * 33, ""])
async def test_callback_data_outside_1_to_64_bytes_is_rejected(
    api: RawApi, ani: StubUser, data: str
) -> None:
    markup = _keyboard({"text": "Ya", "callback_data": data})

    assert await api.error("sendMessage", chat_id=1001, text="?", reply_markup=markup) == (
        400,
        "Bad Request: BUTTON_DATA_INVALID",
    )


@pytest.mark.parametrize(
    ("button", "fragment"),
    [
        ({"text": "Ya"}, "Text buttons are unallowed in the inline keyboard"),
        ({"text": "Ya", "callback_data": "a", "url": "https://x.org"}, "exactly one"),
        ({"callback_data": "a"}, "Text must be non-empty"),
        ({"text": "Go", "url": "ftp://x.org"}, "BUTTON_URL_INVALID"),
    ],
)
async def test_malformed_inline_buttons_are_rejected(
    api: RawApi, ani: StubUser, button: dict[str, object], fragment: str
) -> None:
    status, description = await api.error(
        "sendMessage", chat_id=1001, text="?", reply_markup=_keyboard(button)
    )

    assert status == 400
    assert fragment in description


async def test_reply_keyboards_are_checked_structurally(api: RawApi, ani: StubUser) -> None:
    good = {"keyboard": [[{"text": "Kirim lokasi", "request_location": True}], ["Batal"]]}
    bad = {"keyboard": [[{"request_contact": True}]]}

    sent = await api.ok("sendMessage", chat_id=1001, text="?", reply_markup=good)
    status, description = await api.error("sendMessage", chat_id=1001, text="?", reply_markup=bad)

    assert "reply_markup" not in sent  # Telegram echoes only inline keyboards
    assert status == 400
    assert "Text must be non-empty" in description


async def test_edit_accepts_only_inline_keyboards(api: RawApi, ani: StubUser) -> None:
    sent = await api.ok("sendMessage", chat_id=1001, text="?")

    status, _ = await api.error(
        "editMessageReplyMarkup",
        chat_id=1001,
        message_id=sent["message_id"],
        reply_markup={"keyboard": [["A"]]},
    )

    assert status == 400
