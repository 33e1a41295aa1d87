"""The weekly roll-up's caption when the office set no RAT target ([targets] rat_target left
out, which config allows): no "target 0 %" and no "Target reached" (found by QA)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from domain.charts import ProgressChart
from locales import Catalogues
from services.reminders.rollup import rollup_caption

CATALOGUES = Catalogues(["id", "en"], "id", ZoneInfo("Asia/Jakarta"))
ROWS = [("Kraksaan", "RAT_TERLAKSANA", 1), ("Kraksaan", "BELUM_MULAI", 3)]


@pytest.mark.parametrize("locale", ["id", "en"])
def test_no_target_no_target_words(locale: str) -> None:
    chart = ProgressChart.build(ROWS, target=None, fiscal_year=None, registered=4)
    caption = rollup_caption(CATALOGUES.get(locale), chart, date(2026, 7, 20), 5)
    assert "25,0 %" in caption or "25.0 %" in caption
    assert "target" not in caption.casefold(), caption


@pytest.mark.parametrize("locale", ["id", "en"])
def test_with_a_target_it_is_named(locale: str) -> None:
    chart = ProgressChart.build(ROWS, target=0.6, fiscal_year=None, registered=4)
    caption = rollup_caption(CATALOGUES.get(locale), chart, date(2026, 7, 20), 5)
    assert "target 60 %" in caption.casefold(), caption


@pytest.mark.parametrize(("locale", "word"), [("id", "bubar"), ("en", "dissolved")])
def test_the_registered_line_says_it_leaves_the_dissolved_out(locale: str, word: str) -> None:
    # /rekap's "registered" counts every cooperative; the roll-up's leaves BUBAR out (rules.md),
    # so the same word must not show two numbers to the same reader (found by QA).
    chart = ProgressChart.build(ROWS, target=0.6, fiscal_year=None, registered=4)
    caption = rollup_caption(CATALOGUES.get(locale), chart, date(2026, 7, 20), 5)
    [line] = [line for line in caption.splitlines() if ": 4." in line]
    assert word in line
