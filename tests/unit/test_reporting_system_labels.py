"""KDKMP cooperatives report in SIMKOPDES, not ODS (docs/rules.md, "KDKMP reports in
SIMKOPDES"): every text that names the system for one cooperative — its reminders, its status
card's stage, the /lapor menu's milestone — names SIMKOPDES for a KDKMP cooperative and ODS for
the others."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from domain.rat.checklist import reporting_system
from domain.rat.report import MenuEntry
from domain.rat.status import StatusCard
from domain.reminders import DEFAULT_ENTRIES, Reminder
from handlers.lapor_views import render_menu
from handlers.status_views import status_text
from locales import Catalogues
from locales.labels import stage_label, target_label
from services.reminders.texts import reminder_line, render

CATALOGUES = Catalogues(["id", "en"], "id", ZoneInfo("Asia/Jakarta"))
NAMING_THE_SYSTEM = ("report_nudge_14", "nik_expiry")


@pytest.mark.parametrize("locale", ["id", "en"])
@pytest.mark.parametrize("name", NAMING_THE_SYSTEM)
def test_a_kdkmp_cooperatives_reminder_names_simkopdes(locale: str, name: str) -> None:
    tr = CATALOGUES.get(locale)
    entry = next(e for e in DEFAULT_ENTRIES if e.name == name)
    reminder = Reminder(entry, 7, 3, date(2027, 4, 15))
    village = render(
        tr, [reminder_line(reminder, "KDKMP Desa Maju", reporting_system("kdkmp"))], 1
    )
    other = render(tr, [reminder_line(reminder, "KSU Mawar", reporting_system("reguler"))], 1)
    assert "SIMKOPDES" in village[0]
    assert "ODS" not in village[0].replace("SIMKOPDES", "")
    assert "ODS" in other[0]
    assert "SIMKOPDES" not in other[0]


def test_both_systems_in_one_message_keep_their_own_names() -> None:
    tr = CATALOGUES.get("id")
    entry = next(e for e in DEFAULT_ENTRIES if e.name == "report_nudge_14")
    reminder = Reminder(entry, 7, 3, date(2027, 4, 15))
    lines = [
        reminder_line(reminder, "KDKMP Desa Maju", "simkopdes"),
        reminder_line(reminder, "KSU Mawar", "ods"),
    ]
    (text,) = render(tr, lines, 1)
    village, other = (part for part in text.split("\n\n")[1:])
    assert "SIMKOPDES" in village
    assert "ke ODS" in other


@pytest.mark.parametrize("locale", ["id", "en"])
def test_the_stage_and_the_milestone_name_simkopdes_for_kdkmp(locale: str) -> None:
    tr = CATALOGUES.get(locale)
    assert "SIMKOPDES" in stage_label(tr, "TERINPUT_ODS", "simkopdes")
    assert "ODS" in stage_label(tr, "TERINPUT_ODS", "ods")
    assert "SIMKOPDES" not in stage_label(tr, "TERINPUT_ODS")
    assert "SIMKOPDES" in target_label(tr, "ods", "simkopdes")
    assert "SIMKOPDES" not in target_label(tr, "ods")
    entries = [MenuEntry("ods", "open")]
    text, keyboard = render_menu(
        tr, 7, "KDKMP Desa Maju", entries, mandatory=set(), system="simkopdes"
    )
    assert "SIMKOPDES" in text
    assert "SIMKOPDES" in keyboard.inline_keyboard[0][0].text


@pytest.mark.parametrize("locale", ["id", "en"])
def test_the_cards_new_terms_explain_simkopdes_for_kdkmp(locale: str) -> None:
    tr = CATALOGUES.get(locale)
    card = StatusCard(7, "KDKMP Desa Maju", "TERINPUT_ODS", (), None, None, None, None, None, None)
    village = replace(card, reporting_system="simkopdes")
    village_text = status_text(tr, village, terms=("tahap", "ods"))
    terms = village_text.split("\n\n")[-1]
    assert "SIMKOPDES" in terms
    assert "ODS" not in terms.replace("SIMKOPDES", "")
    assert "SIMKOPDES" not in status_text(tr, card, terms=("tahap", "ods"))


@pytest.mark.parametrize("locale", ["id", "en"])
def test_the_entry_date_question_names_no_system(locale: str) -> None:
    """The /lapor sub-flow asks one date question for every cooperative, under a heading that
    names its system: the question itself must not say ODS to a KDKMP cooperative."""
    prompt = CATALOGUES.get(locale).t("lapor.prompt.ods")
    assert "ODS" not in prompt
    assert "SIMKOPDES" not in prompt
