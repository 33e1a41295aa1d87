"""The translator: language resolution, escaping in one place, Babel formatting in WIB."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from locales import Catalogues, Safe

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture(scope="module")
def catalogues() -> Catalogues:
    return Catalogues(["id", "en"], "id", WIB)


def test_language_is_stored_choice_then_telegram_then_default(catalogues: Catalogues) -> None:
    assert catalogues.resolve("en", "id").locale == "en"
    assert catalogues.resolve(None, "en-GB").locale == "en"
    assert catalogues.resolve(None, "jv").locale == "id"
    assert catalogues.resolve("xx", None).locale == "id"


def test_parameters_are_escaped_for_html_unless_safe(catalogues: Catalogues) -> None:
    tr = catalogues.get("id")
    name = 'KSU "Maju & Jaya" <Sejahtera>'
    rendered = tr.t("start.no_invite", region=name)
    assert 'KSU "Maju &amp; Jaya" &lt;Sejahtera&gt;' in rendered
    assert "<Sejahtera>" not in rendered
    assert "<b>x</b>" in tr.t("start.welcome_back", roles=Safe("<b>x</b>"))


def test_numbers_percentages_and_dates_follow_the_locale(catalogues: Catalogues) -> None:
    indonesian, english = catalogues.get("id"), catalogues.get("en")
    assert indonesian.number(1234) == "1.234"
    assert english.number(1234) == "1,234"
    assert indonesian.percent(Decimal("0.125")) == "12,5 %"
    assert indonesian.date(date(2026, 3, 31)) == "31 Maret 2026"
    assert english.date(date(2026, 3, 31)) == "March 31, 2026"


def test_instants_are_shown_in_wib(catalogues: Catalogues) -> None:
    tr = catalogues.get("id")
    # 17:30 UTC on 31 March is 00:30 WIB on 1 April.
    assert tr.instant(datetime(2026, 3, 31, 17, 30, tzinfo=UTC)) == "1 April 2026 00.30"


def test_language_names_are_in_their_own_language(catalogues: Catalogues) -> None:
    assert catalogues.language_name("en") == "English"
    assert catalogues.language_name("id") == "Bahasa Indonesia"
