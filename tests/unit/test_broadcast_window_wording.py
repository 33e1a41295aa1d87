"""A scheduled broadcast refused for the window names the hours it accepts (found by QA: 20.00
was refused with "only 07.00–20.00 WIB", which reads as if 20.00 were allowed)."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from domain.broadcast import check_window
from domain.errors import InputError

WIB = ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize("hour_minute", [(20, 0), (6, 59), (23, 30)])
def test_the_refusal_names_the_last_minute_accepted(hour_minute: tuple[int, int]) -> None:
    when = datetime(2026, 7, 16, *hour_minute, tzinfo=WIB)
    with pytest.raises(InputError) as refused:
        check_window(when, WIB, time(7, 0), time(20, 0))
    assert refused.value.params == {"start": "07.00", "end": "19.59"}


def test_the_last_minute_named_is_accepted() -> None:
    check_window(datetime(2026, 7, 16, 19, 59, tzinfo=WIB), WIB, time(7, 0), time(20, 0))
    check_window(datetime(2026, 7, 16, 7, 0, tzinfo=WIB), WIB, time(7, 0), time(20, 0))
