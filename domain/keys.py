"""Message keys: domain rules name user-facing text by key, the translator renders it."""

from __future__ import annotations


def N_(key: str) -> str:  # noqa: N802 - the conventional gettext marker name, found by the extractor
    """Marks a message key for extraction; the key itself is what the domain passes on."""
    return key
