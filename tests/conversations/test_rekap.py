"""/rekap through the real application on the fixture register of tests/helpers/rollup.py:
the card against targets, the arguments, splits, drill-down pages, *Kirim pengingat* for
admins only, an officer's own cooperatives, pimpinan read-only, forged presses refused."""

from __future__ import annotations

import dataclasses
import html
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select, update

import handlers.rekap
from config import AppConfig
from domain.access import Role
from domain.broadcast import Segment
from jobs import JOBS, JobRegistry
from jobs.rollup_snapshot import JOB_NAME
from storage.tables import FormSession, RatCycle, RollupSnapshot
from telegram_stub import BotApiStub
from tests.helpers.bot import Conversation, bot_config
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import BotMessage, Driver, UserSession
from tests.helpers.rollup import AT, Register, seed_register
from tests.helpers.seed import add_koperasi, add_person, answer_of, forge_press

ADMIN, PIMPINAN = 8201, 8202


@pytest.fixture
def cfg(stub: BotApiStub, database_url: str) -> AppConfig:
    """Targets: 60 % RAT by the office target and 80 % active; Maron 90 % by the target."""
    return bot_config(
        stub,
        database_url,
        targets={"rat_target": 60, "aktif": 80, "kecamatan": {"Maron": {"rat_target": 90}}},
    )


@pytest.fixture
async def register(conv: Conversation, clock: FrozenClock) -> Register:
    clock.set(AT)
    async with conv.app.bot_data.services.uow() as uow:
        seeded = await seed_register(uow)
        await add_person(uow, ADMIN, "Dedi", roles=[Role.ADMIN], now=AT)
        await add_person(uow, PIMPINAN, "Bu Kepala", roles=[Role.PIMPINAN], now=AT)
        await uow.commit()
    return seeded


async def _press(conv: Conversation, user: UserSession, button: str) -> BotMessage:
    await user.press(button)
    await conv.deliver()
    return await user.last_message()


async def test_an_admin_reads_the_card_against_targets(
    conv: Conversation, driver: Driver, register: Register
) -> None:
    admin = driver.user(ADMIN, "Dedi")
    card = await conv.say(admin, "/rekap 2025")
    body = card.body
    assert "Rekap RAT tahun buku 2025" in body
    assert "Kabupaten Probolinggo" in body
    assert "Segmen: Reguler · sekarang (15 Juli 2026)" in body
    assert "Koperasi: 6 terdaftar · 5 dihitung" in body
    assert "Aktif: 80,0 % (target 80,0 %)" in body
    assert "RAT s.d. target 31 Mar: 20,0 % (target 60,0 %)" in body
    assert "RAT s.d. batas lapor 30 Apr: 40,0 %" in body
    assert "RAT s.d. batas UU 30 Jun: 60,0 %" in body
    assert "Dilaporkan: 66,7 % dari yang RAT · input ODS: 50,0 % · NIK berlaku: 25,0 %" in body
    assert "Checklist rata-rata: 75,0 %" in body
    assert "Kunjungan 30 hari terakhir: 1 (POAC: C 1)" in body
    assert "median waktu jawab: 1,2 jam" in body
    assert "snapshot" not in body  # none taken yet
    assert len(body) < 1500  # a phone's screen or two
    assert {"Belum RAT 31 Mar: 4", "Per petugas", "• Reguler", "• 2025"} <= set(card.buttons)

    kdkmp = await _press(conv, admin, "KDKMP")
    assert kdkmp.message_id == card.message_id
    assert "Koperasi: 2 terdaftar · 1 dihitung" in kdkmp.body
    assert "Dilaporkan: 0,0 % dari yang RAT · input SIMKOPDES: —" in kdkmp.body  # none reported
    assert "ODS" not in kdkmp.body  # village cooperatives report in SIMKOPDES


async def test_arguments_choose_year_and_kecamatan_and_bad_ones_are_explained(
    conv: Conversation, driver: Driver, register: Register
) -> None:
    admin = driver.user(ADMIN, "Dedi")
    maron = await conv.say(admin, "/rekap 2025 maron")
    assert "Kec. Maron" in maron.body
    assert "Koperasi: 3 terdaftar" in maron.body  # A, B, F
    assert "RAT s.d. target 31 Mar: 33,3 % (target 90,0 %)" in maron.body  # Maron's own

    await admin.send("/rekap Atlantis")
    await conv.deliver()
    explained, card = await admin.wait_for_reply(2)
    assert "Kecamatan tidak dikenal" in explained.body
    assert "Koperasi: 6 terdaftar" in card.body  # the latest year, the whole regency

    await admin.send("/rekap 1999")
    await conv.deliver()
    explained, _ = await admin.wait_for_reply(2)
    assert "2000 sampai 2026" in explained.body


async def test_splits_open_a_group_and_numbers_open_their_cooperatives(
    conv: Conversation, driver: Driver, register: Register
) -> None:
    admin = driver.user(ADMIN, "Dedi")
    await conv.say(admin, "/rekap 2025")
    table = await _press(conv, admin, "Per kecamatan")
    assert "1. Kraksaan: 3 koperasi · aktif 100,0 % · RAT s.d. 31 Mar 0,0 %" in table.body
    assert "2. Maron: 3 koperasi · aktif 66,7 % · RAT s.d. 31 Mar 33,3 %" in table.body
    kraksaan = await _press(conv, admin, "1")
    assert "Kraksaan" in kraksaan.body
    assert "Koperasi: 3 terdaftar · 2 dihitung" in kraksaan.body
    listed = await _press(conv, admin, "Belum RAT 31 Mar: 2")
    assert "<b>" not in listed.body
    assert "Belum RAT 31 Mar: 2 koperasi" in listed.body
    assert "1. Koperasi C — Kraksaan" in listed.body
    assert "2. Koperasi D — Kraksaan" in listed.body
    assert "📣 Kirim pengingat" in listed.buttons

    await admin.press("📣 Kirim pengingat")
    await conv.deliver()
    (siaran,) = await admin.wait_for_reply(1)
    # /siaran opens on exactly those boards, its segment step skipped.
    assert "Siaran untuk pengurus 2 koperasi dari rekap: Belum RAT 31 Mar." in siaran.body
    assert "Ada lampiran?" in siaran.body


async def test_a_reminder_label_with_markup_characters_is_escaped_once(
    conv: Conversation, driver: Driver, register: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A drill-down's label is rendered HTML (`&` as `&amp;`); /siaran shows it, and stores it
    in the segment, as the plain `&` — not `&amp;` escaped a second time."""
    del register
    monkeypatch.setattr(
        handlers.rekap, "measure_label", lambda *_: html.escape("Sawah & <Ladang>")
    )
    admin = driver.user(ADMIN, "Dedi")
    await conv.say(admin, "/rekap 2025")
    await _press(conv, admin, "Belum RAT 31 Mar: 4")
    await admin.press("📣 Kirim pengingat")
    await conv.deliver()
    (siaran,) = await admin.wait_for_reply(1)
    assert "dari rekap: Sawah & <Ladang>." in siaran.body
    assert "&amp;" not in siaran.body
    async with conv.app.bot_data.services.uow(write=False) as uow:
        (answers,) = await uow.session.scalars(
            select(FormSession.answers).where(FormSession.status == "active")
        )
    assert Segment.from_json(answers["segmen"]).label == "Sawah & <Ladang>"


async def test_drill_down_pages_through_a_long_list(
    conv: Conversation, driver: Driver, register: Register
) -> None:
    async with conv.app.bot_data.services.uow() as uow:
        for number in range(1, 15):
            await add_koperasi(uow, f"Tambahan {number:02}", kecamatan="Tongas", now=AT)
        await uow.commit()
    admin = driver.user(ADMIN, "Dedi")
    await conv.say(admin, "/rekap 2025")
    first = await _press(conv, admin, "Terdaftar: 20")
    assert "Terdaftar: 20 koperasi" in first.body
    assert "10. Tambahan 04" in first.body
    assert "11." not in first.body
    second = await _press(conv, admin, "▶︎")
    assert second.message_id == first.message_id
    assert "11. Tambahan 05" in second.body
    assert "20. Tambahan 14" in second.body


async def test_an_officer_sees_only_their_cooperatives_and_no_reminder(
    conv: Conversation, driver: Driver, stub: BotApiStub, register: Register
) -> None:
    ani = driver.user(register.ani_telegram, "Ani")
    card = await conv.say(ani, "/rekap 2025")
    assert "Koperasi dampingan Anda" in card.body
    assert "Koperasi: 3 terdaftar" in card.body  # A, B, F (G is KDKMP)
    assert "Per petugas" not in card.buttons
    listed = await _press(conv, ani, "Terdaftar: 3")
    assert "Koperasi C" not in listed.body
    assert "📣 Kirim pengingat" not in listed.buttons
    budi_group = f"rk:c:2025:r:0:p:{register.budi}:-:0"
    forged = [
        forge_press(stub, register.ani_telegram, budi_group),  # Budi's cooperatives
        forge_press(stub, register.ani_telegram, "rk:r:2025:r:0:n:0:reg:0"),  # admins only
        forge_press(stub, register.ani_telegram, "rk:s:2025:r:0:n:0:p:0"),  # per officer
        forge_press(stub, register.ani_telegram, "rk:c:2025:r:999:n:0:-:0"),  # no kecamatan
        forge_press(stub, register.ani_telegram, "rk:c:2031:r:0:n:0:-:0"),  # a future year
    ]
    stale = [
        forge_press(stub, register.ani_telegram, data)
        for data in ("rk:d:2025:r:0:n:0:-:0", "rk:c:2025:r:0:n:5:-:0", "rk:x", "rk:d:2025")
    ]
    await conv.deliver()
    for query_id in forged:
        assert "tidak memiliki akses" in answer_of(stub, query_id)["answer"]["text"]  # type: ignore[index]
    for query_id in stale:
        assert "kedaluwarsa" in answer_of(stub, query_id)["answer"]["text"]  # type: ignore[index]
    after = await ani.last_message()
    assert after.body == listed.body


async def test_pimpinan_read_but_cannot_send_reminders(
    conv: Conversation, driver: Driver, stub: BotApiStub, register: Register
) -> None:
    boss = driver.user(PIMPINAN, "Bu Kepala")
    card = await conv.say(boss, "/rekap 2025")
    assert "Koperasi: 6 terdaftar" in card.body
    listed = await _press(conv, boss, "Belum RAT 31 Mar: 4")
    assert "📣 Kirim pengingat" not in listed.buttons
    query = forge_press(stub, PIMPINAN, "rk:r:2025:r:0:n:0:mt:0")
    await conv.deliver()
    assert "tidak memiliki akses" in answer_of(stub, query)["answer"]["text"]  # type: ignore[index]
    assert "Siaran" not in (await boss.last_message()).body


async def test_board_members_may_not_use_rekap(
    conv: Conversation, driver: Driver, register: Register
) -> None:
    stranger = driver.user(8999, "Orang")
    answer = await conv.say(stranger, "/rekap")
    assert "Rekap RAT" not in answer.body


async def test_the_daily_job_snapshots_the_target_once_and_the_card_shows_it_beside_now(
    conv: Conversation, driver: Driver, clock: FrozenClock, register: Register
) -> None:
    async def stored() -> int:
        async with conv.app.bot_data.services.uow(write=False) as uow:
            return int(await uow.session.scalar(select(func.count(RollupSnapshot.id))) or 0)

    services = conv.app.bot_data.services
    # The snapshot job alone: the night's recompute would re-judge the fixture's statuses.
    jobs = JobRegistry(
        # (its wait for the recompute dropped: the recompute is not in this registry)
        [dataclasses.replace(job, after=()) for job in JOBS if job.name == JOB_NAME],
        conv.app,
        sessions=services.sessions,
        clock=clock,
        tz=services.config.region.tz,
        holder="test",
    )
    clock.set(datetime(2026, 3, 31, 16, 0, tzinfo=UTC))  # 31 Mar 23:00 WIB: not passed yet
    await jobs.run_due()
    assert await stored() == 0
    clock.set(datetime(2026, 3, 31, 17, 30, tzinfo=UTC))  # 1 Apr 00:30 WIB: it has passed
    assert "rollup_snapshot" in [name for name, _ in await jobs.run_due()]
    rows = await stored()
    # regency 3 segments; Maron, Kraksaan x 3; Ani, Budi, no officer x 3
    assert rows == 3 + 6 + 9
    clock.advance(days=1)
    await jobs.run_due()  # the next day: nothing new, nothing twice
    assert await stored() == rows

    # In May a board reports a RAT held on 25 March: now counts it, the snapshot does not.
    async with conv.app.bot_data.services.uow() as uow:
        await uow.session.execute(
            update(RatCycle)
            .where(RatCycle.koperasi_id == register.koperasi["D"])
            .values(held_date=date(2026, 3, 25))
        )
        await uow.commit()
    clock.set(AT)
    admin = driver.user(ADMIN, "Dedi")
    card = await conv.say(admin, "/rekap 2025")
    # 31 Mar snapshot: A only of A, B, C, D, F (B's and C's RATs came later) = 20 %;
    # now: A and D = 40 %.
    assert (
        "RAT s.d. target 31 Mar: 40,0 % (target 60,0 %) · per 31 Mar (snapshot): 20,0 %"
        in card.body
    )
    assert "Akhir musim" not in card.body

    clock.set(datetime(2026, 12, 31, 17, 30, tzinfo=UTC))  # 1 Jan 2027 00:30 WIB
    await jobs.run_due()
    year_end = await conv.say(admin, "/rekap 2025")
    # the season's end: A, B, C and D held by 30 June, of five obliged
    assert (
        "Akhir musim 31 Des (snapshot): aktif 80,0 % · RAT s.d. batas UU 80,0 %" in year_end.body
    )


async def test_the_card_s_grafik_button_sends_the_charts_of_its_kecamatan_and_year(
    conv: Conversation, driver: Driver, register: Register
) -> None:
    admin = driver.user(ADMIN, "Dedi")
    card = await conv.say(admin, "/rekap 2025 Kraksaan")
    assert "📊 Grafik" in card.buttons
    await admin.press("📊 Grafik")
    await conv.deliver()
    photos = [m for m in await admin.messages() if m.outgoing and "photo" in m.media]
    assert [p.caption for p in photos] == [
        "Progres RAT per kecamatan — Kecamatan Kraksaan",
        "Tren % koperasi aktif dan % RAT — Kecamatan Kraksaan",
    ]


async def test_a_kecamatan_opened_from_the_split_table_charts_that_kecamatan(
    conv: Conversation, driver: Driver, register: Register
) -> None:
    admin = driver.user(ADMIN, "Dedi")
    await conv.say(admin, "/rekap 2025")
    await _press(conv, admin, "Per kecamatan")
    kraksaan = await _press(conv, admin, "1")
    assert "📊 Grafik" in kraksaan.buttons
    await admin.press("📊 Grafik")
    await conv.deliver()
    photos = [m for m in await admin.messages() if m.outgoing and "photo" in m.media]
    assert [p.caption for p in photos] == [
        "Progres RAT per kecamatan — Kecamatan Kraksaan",
        "Tren % koperasi aktif dan % RAT — Kecamatan Kraksaan",
    ]


async def test_a_card_of_another_group_offers_no_chart_it_would_not_match(
    conv: Conversation, driver: Driver, register: Register
) -> None:
    admin = driver.user(ADMIN, "Dedi")
    await conv.say(admin, "/rekap 2025")
    await _press(conv, admin, "Per jenis")
    group = await _press(conv, admin, "1")
    assert "« Seluruh rekap" in group.buttons  # a group's card indeed
    assert "📊 Grafik" not in group.buttons
