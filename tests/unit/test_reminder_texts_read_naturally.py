"""Every reminder line and admin summary, in both languages, names stages as people read them,
never by their stored code (found by QA: "belum SIAP_RAT")."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from domain.reminders import DEFAULT_ENTRIES, Reminder
from domain.stages import STAGES
from locales import Catalogues
from services.reminders.texts import reminder_line, render, summary_line

CATALOGUES = Catalogues(["id", "en"], "id", ZoneInfo("Asia/Jakarta"))
STAGE_NAMES = {"id": "Siap RAT", "en": "ready for the RAT"}


@pytest.mark.parametrize("locale", ["id", "en"])
def test_no_stage_code_in_any_reminder_text(locale: str) -> None:
    tr = CATALOGUES.get(locale)
    lines = []
    for entry in DEFAULT_ENTRIES:
        reminder = Reminder(entry, 1, 1, date(2027, 3, 1))
        lines += [reminder_line(reminder, "KSU Maju"), summary_line(entry.topic, 3)]
    text = "\n".join(render(tr, lines, len(lines)))
    assert "KSU Maju" in text
    assert not [code for code in STAGES if code in text]
    visit = next(e for e in DEFAULT_ENTRIES if e.name == "visit_proposal")
    [one] = render(tr, [reminder_line(Reminder(visit, 1, 1, date(2027, 3, 1)), "KSU Maju")], 1)
    assert STAGE_NAMES[locale].casefold() in one.casefold()
