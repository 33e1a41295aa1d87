"""A register unlike the sample, on SQLite and PostgreSQL, for the office's end-to-end tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.outbox_kit import migrated_database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A freshly migrated database of each backend (PostgreSQL skipped when not configured)."""
    with migrated_database(request.param, tmp_path) as url:
        yield url
