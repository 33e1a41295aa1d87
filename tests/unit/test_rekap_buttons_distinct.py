"""Every number under the /rekap card opens its own list, so no two of its buttons may read the
same in any language (found by QA: English showed "RAT held: 4" and "RAT held: 1" side by side,
all cooperatives with a RAT and those at the RAT_TERLAKSANA stage)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from domain.callbacks import RekapView
from domain.rat.calendar import Offsets
from domain.rollup import Counts, TargetSet, cutoffs_for
from domain.stages import STAGES
from handlers.rekap_card import Card, render_card
from locales import Catalogues

CATALOGUES = Catalogues(["id", "en"], "id", ZoneInfo("Asia/Jakarta"))


@pytest.mark.parametrize("locale", ["id", "en"])
def test_the_cards_number_buttons_all_read_differently(locale: str) -> None:
    every = dict.fromkeys(STAGES, 1)
    counts = Counts(
        registered=9, base=8, active=6, held=4, reported=3, ods=1, obliged_target=8,
        obliged_report=8, obliged_statutory=8, not_visited=2, stages=every,
    )  # fmt: skip
    card = Card(
        view=RekapView(2025, "total"),
        where="x",
        counts={"reguler": counts, "kdkmp": Counts(), "total": counts},
        snapshots={},
        targets=TargetSet(),
        cutoffs=cutoffs_for(2025, Offsets(3, 4, 6), 18),
        today=date(2026, 7, 15),
        splits=(),
        years=(2025,),
    )
    _, markup = render_card(CATALOGUES.get(locale), card)
    labels = [
        b.text.rsplit(": ", 1)[0]
        for row in markup.inline_keyboard
        for b in row
        if b.callback_data and str(b.callback_data).startswith("rk:d")
    ]
    assert len(labels) > len(STAGES)
    assert len(labels) == len(set(labels)), labels
