"""Logs never carry personal data: tracebacks keep frames and types, not messages."""

from __future__ import annotations

import logging

import pytest

from config import LoggingConfig
from runtime.logs import RedactingFormatter, configure_logging

# Built at run time so that the source lines a traceback quotes do not contain them.
NAME = " ".join(["Siti", "Rahayu"])
PHONE = "+62" + "81234567890"


def _lookup(phone: str) -> None:
    raise KeyError(phone)


def _explode(name: str, phone: str) -> None:
    try:
        _lookup(phone)
    except KeyError as exc:
        raise ValueError(f"cannot store {name}") from exc


def test_redacted_traceback_keeps_frames_and_types_but_not_messages() -> None:
    formatter = RedactingFormatter("%(message)s")
    try:
        _explode(NAME, PHONE)
    except ValueError:
        record = logging.LogRecord("t", logging.ERROR, __file__, 1, "failed", None, None)
        import sys

        record.exc_info = sys.exc_info()
        text = formatter.format(record)
    assert "Siti Rahayu" not in text
    assert "+6281234567890" not in text
    assert "builtins.ValueError: <redacted>" in text
    assert "builtins.KeyError: <redacted>" in text
    assert "_explode" in text


def test_libraries_that_log_urls_or_updates_are_quietened() -> None:
    configure_logging(LoggingConfig(level="DEBUG"))
    try:
        assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
        assert logging.getLogger("telegram").getEffectiveLevel() == logging.WARNING
        assert logging.getLogger("gempur").getEffectiveLevel() == logging.DEBUG
    finally:
        configure_logging(LoggingConfig(level="WARNING"))


@pytest.mark.parametrize("level", ["INFO", "ERROR"])
def test_root_level_comes_from_config(level: str) -> None:
    configure_logging(LoggingConfig(level=level))
    assert logging.getLogger().level == logging.getLevelName(level)
