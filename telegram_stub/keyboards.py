"""reply_markup checks in Telegram's wording: inline and reply keyboards, remove, force reply."""

from __future__ import annotations

from typing import Any

from telegram_stub.errors import bad_request

MAX_CALLBACK_DATA = 64
MAX_BUTTONS = 100
MAX_PLACEHOLDER = 64
_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_REPLY_ACTIONS = (
    "request_users",
    "request_chat",
    "request_contact",
    "request_location",
    "request_poll",
    "request_managed_bot",
    "web_app",
)
_KINDS = {
    "inline_keyboard": "InlineKeyboardMarkup",
    "keyboard": "ReplyKeyboardMarkup",
    "remove_keyboard": "ReplyKeyboardRemove",
    "force_reply": "ForceReply",
}


def check_reply_markup(markup: dict[str, Any], allowed: tuple[str, ...]) -> None:
    """Raises a 400 unless ``markup`` is a well-formed keyboard of one of the ``allowed`` types."""
    kind = next((_KINDS[key] for key in _KINDS if key in markup), None)
    if kind is None or kind not in allowed:
        raise bad_request("can't parse reply keyboard markup JSON object")
    if kind == "InlineKeyboardMarkup":
        _check_inline(markup["inline_keyboard"])
    elif kind == "ReplyKeyboardMarkup":
        _check_reply(markup)
    elif kind == "ReplyKeyboardRemove":
        if markup["remove_keyboard"] is not True:
            raise bad_request('field "remove_keyboard" must be True')
    elif markup["force_reply"] is not True:
        raise bad_request('field "force_reply" must be True')
    if kind in {"ReplyKeyboardMarkup", "ForceReply"}:
        placeholder = markup.get("input_field_placeholder", "")
        if not isinstance(placeholder, str) or len(placeholder) > MAX_PLACEHOLDER:
            raise bad_request("input field placeholder is too long")


def _rows(rows: Any, name: str) -> list[list[Any]]:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f'field "{name}" must be an Array of Arrays of buttons')
    if sum(len(row) for row in rows) > MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    return rows


def _check_inline(rows: Any) -> None:
    for row in _rows(rows, "inline_keyboard"):
        for button in row:
            if not isinstance(button, dict):
                raise bad_request("can't parse inline keyboard button: Object expected")
            text = button.get("text")
            if not isinstance(text, str) or not text.strip():
                raise bad_request("can't parse inline keyboard button: Text must be non-empty")
            actions = [key for key in _INLINE_ACTIONS if key in button]
            if not actions:
                raise bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            if len(actions) > 1:
                raise bad_request(
                    "can't parse inline keyboard button: "
                    f"exactly one of the optional fields must be used, got {', '.join(actions)}"
                )
            _check_action(actions[0], button[actions[0]])


def _check_action(action: str, value: Any) -> None:
    if action == "callback_data":
        if not isinstance(value, str):
            raise bad_request(
                'can\'t parse inline keyboard button: Field "callback_data" must be of type String'
            )
        if not 1 <= len(value.encode("utf-8")) <= MAX_CALLBACK_DATA:
            raise bad_request("BUTTON_DATA_INVALID")
    elif action == "url" and (
        not isinstance(value, str) or not value.startswith(("http://", "https://", "tg://"))
    ):
        raise bad_request("BUTTON_URL_INVALID")


def _check_reply(markup: dict[str, Any]) -> None:
    rows = _rows(markup["keyboard"], "keyboard")
    if not any(rows):
        raise bad_request("keyboard must be non-empty")
    for row in rows:
        for button in row:
            if isinstance(button, str):
                button = {"text": button}  # noqa: PLW2901 - a bare string is a text button
            if not isinstance(button, dict):
                raise bad_request("can't parse keyboard button: Object expected")
            text = button.get("text")
            if not isinstance(text, str) or not text.strip():
                raise bad_request("can't parse keyboard button: Text must be non-empty")
            actions = [key for key in _REPLY_ACTIONS if key in button]
            if len(actions) > 1:
                raise bad_request(
                    "can't parse keyboard button: at most one of the optional fields "
                    f"must be used, got {', '.join(actions)}"
                )
