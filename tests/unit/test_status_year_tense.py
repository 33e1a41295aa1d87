"""The status card's fiscal-year line: "ends" while the year runs, "ended" once it is over."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from domain.rat.checklist import Progress
from domain.rat.status import CycleStatus
from handlers.status_views import _cycle_lines
from locales import Catalogues

CATALOGUES = Catalogues(["id", "en"], "id", ZoneInfo("Asia/Jakarta"))


def _cycle(*, ended: bool) -> CycleStatus:
    return CycleStatus(
        tahun_buku=2026,
        fiscal_year_end=date(2026, 6, 30),
        progress=Progress(done=0, mandatory=0, selesai_total=0),
        next_deadline=None,
        planned_date=None,
        mode=None,
        year_ended=ended,
    )


@pytest.mark.parametrize(
    ("locale", "ended", "line"),
    [
        ("en", True, "Fiscal year 2026 (ended June 30, 2026)"),
        ("en", False, "Fiscal year 2026 (ends June 30, 2026)"),
        ("id", True, "Tahun buku 2026 (telah berakhir 30 Juni 2026)"),
        ("id", False, "Tahun buku 2026 (berakhir 30 Juni 2026)"),
    ],
)
def test_the_year_line_says_the_tense_of_its_end(locale: str, ended: bool, line: str) -> None:
    assert _cycle_lines(CATALOGUES.get(locale), _cycle(ended=ended))[0] == line
