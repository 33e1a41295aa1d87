"""Logging set-up: one place, from config, with tracebacks that cannot leak personal data."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType
from typing import TypeAlias

from config import LoggingConfig

_ExcInfo: TypeAlias = tuple[type[BaseException], BaseException, TracebackType | None]

# Libraries that would log request URLs (with the bot token) or whole updates (with names and
# message text) at INFO or DEBUG: they speak only about warnings and errors.
_QUIET_LOGGERS = ("httpx", "httpcore", "telegram", "apscheduler", "aiosqlite", "asyncio")

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """Formats tracebacks with frames and exception types but without exception messages.

    An exception's message may quote the data being processed (a name, a phone number, an SQL
    parameter), so it never reaches the log; the frames are enough to find the bug.
    """

    def formatException(self, ei: _ExcInfo | tuple[None, None, None]) -> str:  # noqa: N802
        """The redacted traceback."""
        exc_type, exc, tb = ei
        if exc_type is None or exc is None:
            return ""
        lines: list[str] = []
        for cause in _chain(exc):
            frames = traceback.extract_tb(cause.__traceback__ if cause is not exc else tb)
            lines.append("Traceback (most recent call last):")
            lines.extend(traceback.format_list(frames))
            lines.append(f"{type(cause).__module__}.{type(cause).__qualname__}: <redacted>\n")
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines).rstrip()


def _chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return list(reversed(chain))


def configure_logging(cfg: LoggingConfig) -> None:
    """Configures the root logger once, from config."""
    formatter = RedactingFormatter(FORMAT)
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if cfg.file:
        handlers.append(logging.FileHandler(cfg.file, encoding="utf-8"))
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        handler.setFormatter(formatter)
        root.addHandler(handler)
    root.setLevel(cfg.level)
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(cfg.level)))
