"""A kecamatan's card reads the same whether opened from the picker or from the split table
("Kec. Sumber & <Rejo>"), the name as configured (found by QA: the split's showed it bare)."""

from __future__ import annotations

from telegram_stub import BotApiStub
from tests.e2e.office.register import (
    AT,
    HTML_KECAMATAN,
    PIMPINAN,
    office_config_sections,
    seed_office,
)
from tests.helpers.bot import bot_config, polling_bot
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import BotMessage, Driver, UserSession


async def _press(user: UserSession, label: str) -> BotMessage:
    shown = await user.last_message()
    await user.press(label)
    return await user.wait_for_edit(shown)


async def test_a_kecamatan_card_is_named_alike_both_ways(
    stub: BotApiStub, database_url: str, driver: Driver
) -> None:
    cfg = bot_config(stub, database_url, **office_config_sections())
    await seed_office(database_url, cfg)
    pimpinan = driver.user(PIMPINAN, "Bu Kepala")
    async with polling_bot(cfg, FrozenClock(AT)):
        await pimpinan.send("/rekap")
        await pimpinan.wait_for_reply()
        table = await _press(pimpinan, "Per kecamatan")
        assert f"2. {HTML_KECAMATAN}: 2 koperasi" in table.body
        from_split = await _press(pimpinan, "2")
        await pimpinan.send("/rekap")
        await pimpinan.wait_for_reply()
        await _press(pimpinan, "Pilih kecamatan")
        from_picker = await _press(pimpinan, "2")
    where = f"Kabupaten Probolinggo · Kec. {HTML_KECAMATAN}"
    assert from_picker.body.splitlines()[1] == where
    assert from_split.body.splitlines()[1] == where
    assert "📣 Kirim pengingat" not in from_split.buttons
