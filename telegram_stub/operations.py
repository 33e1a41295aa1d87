"""Control operations in Python: files, switches, the call log, menus, callback answers, reset.

``BotApiStub`` inherits these (and ``UserActions``); the HTTP control API (``control.py``) calls
the same methods.
"""

from __future__ import annotations

from collections.abc import Iterable

from telegram_stub.actions import ControlError, Injected, UserActions
from telegram_stub.models import JsonDict, RecordedCall, StoredFile


class StubOperations(UserActions):
    """In-process control API (mixed into ``BotApiStub``)."""

    def upload_file(
        self,
        data: bytes,
        kind: str = "document",
        *,
        filename: str | None = None,
        mime_type: str | None = None,
    ) -> StoredFile:
        """Stores a file as if some user had sent it; its file_id works in any chat."""
        return self._file(data, kind, filename, mime_type)

    def bot_user(self) -> JsonDict:
        """The bot's own User object, as getMe answers it."""
        return self.state.me()

    def read_file(self, file_id: str) -> StoredFile:
        """The file behind a ``file_id`` (one the bot sent, or a user): its bytes and name."""
        stored = self.state.files.get(file_id)
        if stored is None:
            raise ControlError(f"unknown file_id {file_id}")
        return stored

    def rate_limit(
        self,
        retry_after: int,
        *,
        chat_id: int | None = None,
        count: int | None = None,
        methods: Iterable[str] | None = None,
    ) -> None:
        """Answers 429 "retry after N" for the next ``count`` requests, or until switched off."""
        self.state.limits.switch_on(retry_after, chat_id=chat_id, count=count, methods=methods)

    def rate_limit_off(self, chat_id: int | None = None) -> None:
        """Switches off the global 429 switch, or one chat's."""
        self.state.limits.switch_off(chat_id)

    def set_blocked(self, user_id: int, *, blocked: bool = True) -> None:
        """Makes sends to the user's chat fail with 403 (no update is sent; see
        ``inject_chat_member`` for the update Telegram would send)."""
        if blocked:
            self.state.blocked.add(user_id)
        else:
            self.state.blocked.discard(user_id)

    def set_flood_limit(self, global_per_second: int = 30, per_chat_per_second: int = 1) -> None:
        """Turns on the flood limit for send/copy/forward methods."""
        self.state.limits.set_flood(global_per_second, per_chat_per_second)

    def hold_confirmations(self, *, hold: bool = True) -> None:
        """While held, getUpdates offsets confirm nothing, so updates are delivered again."""
        self.state.updates.hold_confirmations = hold

    def disable_flood_limit(self) -> None:
        """Turns the flood limit off (the default)."""
        self.state.limits.disable_flood()

    def calls(self, method: str | None = None, since: int = 0) -> list[RecordedCall]:
        """Recorded Bot API calls with ``seq > since``, optionally of one method."""
        wanted = method.lower() if method else None
        return [
            call
            for call in self.state.calls
            if call.seq > since and (wanted is None or call.method.lower() == wanted)
        ]

    def command_menus(self) -> list[JsonDict]:
        """Every command list set with setMyCommands, by scope and language."""
        return [
            {"scope": scope, "language_code": language, "commands": commands}
            for (scope, language), commands in sorted(self.state.commands.items())
        ]

    def callback_answers(self) -> list[JsonDict]:
        """Every callback query delivered, whether and how it was answered."""
        return [record.to_dict() for record in self.state.callbacks.values()]

    def reset(self) -> None:
        """Forgets everything except the update-id counter (so running pollers keep working)."""
        self.state.reset()


__all__ = ["ControlError", "Injected", "StubOperations"]
