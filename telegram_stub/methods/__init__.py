"""Bot API method implementations, looked up by lower-cased method name."""

from __future__ import annotations

from telegram_stub.methods import chats, media, messages, updates
from telegram_stub.methods.base import Call, Handler

HANDLERS: dict[str, Handler] = {
    name.lower(): handler
    for module in (updates, messages, media, chats)
    for name, handler in module.HANDLERS.items()
}


def handler_for(method: str) -> Handler:
    """The implementation of ``method``; methods the stub does not model answer True."""
    return HANDLERS.get(method.lower(), updates.always_true)


__all__ = ["HANDLERS", "Call", "Handler", "handler_for"]
