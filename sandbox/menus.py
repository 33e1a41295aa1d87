"""The command menu a Telegram app would show in a chat, from what the bot set per scope."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# Telegram's order: the narrowest scope the bot set wins, and within a scope the user's
# language before the list set for every language.
_SCOPES = ("chat:{chat_id}", "all_private_chats", "default")


def chat_menu(
    menus: Sequence[dict[str, Any]], chat_id: int, language: str
) -> list[dict[str, str]]:
    """The commands shown in a private chat (`menus` as the stand-in's `command_menus()`)."""
    lists = {(m["scope"], m["language_code"]): m["commands"] for m in menus}
    for scope in _SCOPES:
        key = scope.format(chat_id=chat_id)
        for lang in (language, ""):
            commands = lists.get((key, lang))
            if commands:
                return [
                    {"command": c["command"], "description": c["description"]} for c in commands
                ]
    return []
