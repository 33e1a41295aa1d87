"""/rekap for the season of cooperatives whose fiscal year ends 30 June: in October 2026 their
tahun buku 2026 has closed and its office target (30 Sep) has passed, so the office can open
it, though the 31 December year 2026 is still running (found by QA: "/rekap 2026" was refused
until January, half the June cooperatives' season)."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram_stub import BotApiStub
from tests.e2e.office.register import ADMIN, office_config_sections, seed_office
from tests.helpers.bot import bot_config, polling_bot
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import Driver

OCTOBER = datetime(2026, 10, 15, 3, 0, tzinfo=UTC)  # Thursday 10:00 WIB


async def test_the_june_cooperatives_current_season_can_be_opened(
    stub: BotApiStub, database_url: str, driver: Driver
) -> None:
    cfg = bot_config(stub, database_url, **office_config_sections())
    await seed_office(database_url, cfg)
    admin = driver.user(ADMIN, "Dedi")
    async with polling_bot(cfg, FrozenClock(OCTOBER)):
        await admin.send("/rekap 2026")
        [card] = await admin.wait_for_reply()
        assert "Rekap RAT tahun buku 2026" in card.body
        # The two 30 June cooperatives (reguler) are past their 30 Sep target, neither held.
        assert "Belum RAT 31 Mar: 2" in card.buttons
        await admin.send("/rekap 2027")
        [refused, _] = await admin.wait_for_reply(2)
        assert "2000 sampai 2026" in refused.body
