"""The history's "returned" line carries the officer's note: escaped, shortened, and only on
the newest return of a target (the note stored is that return's)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from domain.rat.report import HistoryRow
from handlers.riwayat import NOTE_CHARS, render_history
from locales import Catalogues

TR = Catalogues(["id", "en"], "id", ZoneInfo("Asia/Jakarta")).get("id")


def _returned(minute: int, note: str | None) -> HistoryRow:
    return HistoryRow(
        changed_at=datetime(2027, 1, 4, 2, minute, tzinfo=UTC),
        who="Ani",
        item_code="A5",
        field="verification",
        old_value="none",
        new_value="returned",
        on_behalf=True,
        tahun_buku=2026,
        current=True,
        note=note,
    )


def test_a_long_note_is_shortened_and_escaped() -> None:
    note = "<b>" + "x" * 300
    text = render_history(TR, "KSP", [_returned(5, note)])
    assert "dikembalikan: “&lt;b&gt;" in text
    shown = text.split("“", 1)[1].split("”", 1)[0]
    assert shown == "&lt;b&gt;" + "x" * (NOTE_CHARS - 4) + "…"  # NOTE_CHARS with the "…"


def test_only_the_newest_return_of_a_target_shows_the_stored_note() -> None:
    rows = [_returned(9, "Kurang tanda tangan"), _returned(5, "Kurang tanda tangan")]
    lines = render_history(TR, "KSP", rows).splitlines()[2:]
    assert lines[0].endswith("dikembalikan: “Kurang tanda tangan”")
    assert lines[1].endswith("↩️ dikembalikan")
