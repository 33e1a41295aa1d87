"""A history read to its row limit may end halfway through the oldest change (a RAT held
writes a dozen rows): that change is left out rather than shown without its first rows."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from domain.rat.report import HistoryRow
from handlers.riwayat import ROWS_READ, render_history
from locales import Catalogues

TR = Catalogues(["id", "en"], "id", ZoneInfo("Asia/Jakarta")).get("id")


def _row(minute: int, who: str) -> HistoryRow:
    return HistoryRow(
        changed_at=datetime(2027, 1, 4, 2, minute, tzinfo=UTC),
        who=who,
        item_code="A1",
        field="status",
        old_value="belum",
        new_value="sudah",
        on_behalf=False,
        tahun_buku=2026,
        current=True,
    )


def test_a_change_the_row_limit_may_have_cut_is_not_shown() -> None:
    newest = [_row(30, "Rina")] * (ROWS_READ - 1)
    cut = render_history(TR, "KSP", [*newest, _row(5, "Budi")])  # the limit reached
    whole = render_history(TR, "KSP", [*newest[:-1], _row(5, "Budi")])  # under the limit
    assert "Rina" in cut
    assert "Budi" not in cut
    assert "Budi" in whole
