"""Chat-level methods: callback answers, command menus, the menu button and getChat."""

from __future__ import annotations

import re

from telegram_stub.errors import bad_request
from telegram_stub.methods.base import Call, Handler
from telegram_stub.models import JsonDict

MAX_ANSWER_TEXT = 200
MAX_COMMANDS = 100
MAX_DESCRIPTION = 256
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE = re.compile(r"[a-z]{2}")
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


async def answer_callback_query(call: Call) -> bool:
    """answerCallbackQuery: each query can be answered once."""
    record = call.state.callbacks.get(call.params["callback_query_id"])
    if record is None or record.answered:
        raise bad_request(QUERY_INVALID)
    text = call.params.get("text", "")
    if len(text) > MAX_ANSWER_TEXT:
        raise bad_request("MESSAGE_TOO_LONG")
    record.answered = True
    record.answer = {
        "text": text or None,
        "show_alert": bool(call.params.get("show_alert", False)),
        "url": call.params.get("url"),
        "cache_time": call.params.get("cache_time", 0),
    }
    return True


def _menu_key(call: Call) -> tuple[str, str]:
    """(scope, language_code) under which a command list is kept, e.g. ("chat:42", "id")."""
    scope: JsonDict = call.params.get("scope") or {"type": "default"}
    language = call.params.get("language_code", "")
    if language and not _LANGUAGE.fullmatch(language):
        raise bad_request("invalid language code specified")
    parts = [scope["type"]]
    if "chat_id" in scope:
        parts.append(str(call.state.find_chat(scope["chat_id"]).id))
    if "user_id" in scope:
        parts.append(str(scope["user_id"]))
    return ":".join(parts), language


async def set_my_commands(call: Call) -> bool:
    """setMyCommands, kept per scope and language_code."""
    commands: list[JsonDict] = call.params["commands"]
    if len(commands) > MAX_COMMANDS:
        raise bad_request("too many commands specified")
    for command in commands:
        if not _COMMAND.fullmatch(command["command"]):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(command["description"].strip()) <= MAX_DESCRIPTION:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    key = _menu_key(call)
    if commands:
        call.state.commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
    else:
        call.state.commands.pop(key, None)
    return True


async def get_my_commands(call: Call) -> list[JsonDict]:
    """getMyCommands for exactly this scope and language_code."""
    return list(call.state.commands.get(_menu_key(call), []))


async def delete_my_commands(call: Call) -> bool:
    """deleteMyCommands for exactly this scope and language_code."""
    call.state.commands.pop(_menu_key(call), None)
    return True


async def set_chat_menu_button(call: Call) -> bool:
    """setChatMenuButton for one private chat, or the default without chat_id."""
    button: JsonDict = call.params.get("menu_button") or {"type": "default"}
    if "chat_id" not in call.params:
        call.state.default_menu_button = button
        return True
    chat = call.chat()
    if chat.type != "private":
        raise bad_request("chat must be a private chat")
    chat.menu_button = button
    return True


async def get_chat_menu_button(call: Call) -> JsonDict:
    """getChatMenuButton."""
    if "chat_id" not in call.params:
        return call.state.default_menu_button
    chat = call.chat()
    if chat.menu_button is None or chat.menu_button.get("type") == "default":
        return call.state.default_menu_button
    return chat.menu_button


async def get_chat(call: Call) -> JsonDict:
    """getChat for chats the stub knows."""
    return call.chat().full_info()


HANDLERS: dict[str, Handler] = {
    "answerCallbackQuery": answer_callback_query,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
    "getChat": get_chat,
}
