"""A Bot API stand-in for tests and the local sandbox: rejects what Telegram rejects.

``BotApiStub`` serves the Bot API (``/bot<token>/<method>``), file downloads
(``/file/bot<token>/<path>``) and a control API (``/control/...``) on loopback; the same control
operations are Python methods on the stub.
"""

from telegram_stub.limits import FileLimits
from telegram_stub.models import RecordedCall, StoredFile, StubUser
from telegram_stub.operations import ControlError, Injected
from telegram_stub.server import DEFAULT_TOKEN, DEFAULT_USERNAME, BotApiStub

__all__ = [
    "DEFAULT_TOKEN",
    "DEFAULT_USERNAME",
    "BotApiStub",
    "ControlError",
    "FileLimits",
    "Injected",
    "RecordedCall",
    "StoredFile",
    "StubUser",
]
