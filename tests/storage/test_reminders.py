"""Reminder passes against a real database: recipients, one message per person per day, the
sending window, idempotency (twice, and two processes at once), dry runs and catch-up."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from config import AppConfig, parse_config
from domain.access import Role
from domain.delivery import PRIORITY_REMINDER
from locales import Catalogues
from services.charts import ChartRequest
from services.reminders import ReminderSettings, plan_reminders
from services.reminders.rollup import plan_rollup
from services.reminders.run import remind_at
from storage.engine import create_engine, session_factory
from storage.tables import Koperasi, Outbox, Person, RatCycle, TindakLanjut
from storage.uow import UnitOfWork
from tests.helpers.seed import add_board_member, add_koperasi, add_person

WIB = ZoneInfo("Asia/Jakarta")
SETTINGS = ReminderSettings.from_config(AppConfig())
CATALOGUES = Catalogues(["id", "en"], "id", WIB)
APRIL_1 = date(2027, 4, 1)  # Thursday: the day after the office target of 31 March
NOW = datetime(2027, 4, 1, 0, 0, tzinfo=UTC)  # 07:00 WIB


async def _seed(factory: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    """Two cooperatives whose target passed, one person on both boards (English), an officer,
    an admin, and a dissolved cooperative with its own board member."""
    async with UnitOfWork(factory) as uow:
        officer = await add_person(uow, 501, "Petugas", roles=[Role.PETUGAS])
        admin = await add_person(uow, 502, "Admin", roles=[Role.ADMIN])
        both = await add_person(uow, 503, "Ketua")
        both.language = "en"
        other = await add_person(uow, 504, "Bendahara")
        target = date(2027, 3, 31)
        mawar = await add_koperasi(uow, "KSU Mawar", petugas_id=officer.id, target_date=target)
        melati = await add_koperasi(uow, "KUD Melati", petugas_id=officer.id, target_date=target)
        gone = await add_koperasi(uow, "KUD Bubar", target_date=target, status_aktivitas="BUBAR")
        for koperasi in (mawar, melati):
            await add_board_member(uow, both, koperasi.id)
        await add_board_member(uow, other, gone.id)
        await uow.commit()
        return {"officer": officer.id, "admin": admin.id, "both": both.id, "other": other.id}


async def _rows(factory: async_sessionmaker[AsyncSession]) -> list[Outbox]:
    async with UnitOfWork(factory, write=False) as uow:
        return list(await uow.session.scalars(select(Outbox).order_by(Outbox.id)))


async def _pass(factory: async_sessionmaker[AsyncSession], *, dry_run: bool = False) -> int:
    report = await plan_reminders(
        lambda: UnitOfWork(factory),
        CATALOGUES,
        SETTINGS,
        today=APRIL_1,
        span=(APRIL_1, APRIL_1),
        now=NOW,
        dry_run=dry_run,
    )
    return report.written


async def test_one_message_per_person_combining_their_cooperatives(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    people = await _seed(factory)
    assert await _pass(factory) == 2
    rows = {row.person_id: row for row in await _rows(factory)}
    assert set(rows) == {people["both"], people["officer"]}  # nobody for the BUBAR board
    board = rows[people["both"]]
    assert "KSU Mawar" in board.payload["text"]
    assert "KUD Melati" in board.payload["text"]
    assert "Gempur reminder" in board.payload["text"]  # in the person's language
    assert "Pengingat Gempur" in rows[people["officer"]].payload["text"]
    assert board.idempotency_key == f"reminder:{people['both']}:2027-04-01:1"
    assert board.priority == PRIORITY_REMINDER
    assert board.kind == "reminder"
    assert board.chat_id == 503
    assert board.expires_at == datetime(2027, 4, 1, 20, 0, tzinfo=WIB)
    assert board.not_before == datetime(2027, 4, 1, 7, 0, tzinfo=WIB)


async def test_planning_the_same_day_again_writes_nothing(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    await _seed(factory)
    assert await _pass(factory) == 2
    assert await _pass(factory) == 0
    assert len(await _rows(factory)) == 2


async def test_two_processes_planning_at_once_write_each_message_once(
    factory: async_sessionmaker[AsyncSession], migrated_url: str
) -> None:
    await _seed(factory)
    engines: list[AsyncEngine] = [create_engine(migrated_url) for _ in range(2)]
    try:
        factories = [session_factory(engine) for engine in engines]
        written = await asyncio.gather(*(_pass(f) for f in factories))
    finally:
        for engine in engines:
            await engine.dispose()
    assert sum(written) == 2
    keys = [row.idempotency_key for row in await _rows(factory)]
    assert len(keys) == len(set(keys)) == 2


async def test_a_dry_run_writes_nothing(factory: async_sessionmaker[AsyncSession]) -> None:
    await _seed(factory)
    report = await plan_reminders(
        lambda: UnitOfWork(factory),
        CATALOGUES,
        SETTINGS,
        today=APRIL_1,
        span=(APRIL_1, APRIL_1),
        now=NOW,
        dry_run=True,
    )
    assert report.due == {"target_passed": 4}  # two boards' reminders to one person, officer 2
    assert len(report.messages) == 2
    assert report.written == 0
    assert await _rows(factory) == []


async def test_admins_get_a_count_when_the_statutory_limit_passes(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    people = await _seed(factory)
    july_1 = datetime(2027, 7, 1, 0, 0, tzinfo=UTC)
    report = await remind_at(lambda: UnitOfWork(factory), CATALOGUES, SETTINGS, july_1, now=july_1)
    assert report is not None
    assert report.written == 3
    rows = {row.person_id: row for row in await _rows(factory)}
    assert "Batas UU terlewati tanpa RAT: 2 koperasi." in rows[people["admin"]].payload["text"]


async def test_a_pass_after_downtime_catches_up_once(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    """Down from Tuesday 30 March to Friday 2 April: Friday's pass sends 1 April's reminders;
    Monday's pass does not send them again (only the officer's weekly digest: the office's
    roll-up is its own job, tests/storage/test_rollup.py)."""
    people = await _seed(factory)
    friday = datetime(2027, 4, 2, 0, 0, tzinfo=UTC)
    before = datetime(2027, 3, 30, 0, 0, tzinfo=UTC)
    report = await remind_at(
        lambda: UnitOfWork(factory), CATALOGUES, SETTINGS, friday, now=friday, previous=before
    )
    assert report is not None
    assert report.written == 2
    monday = datetime(2027, 4, 5, 0, 0, tzinfo=UTC)
    report = await remind_at(
        lambda: UnitOfWork(factory), CATALOGUES, SETTINGS, monday, now=monday, previous=friday
    )
    assert report is not None
    assert not report.due
    texts = {m.person_id: m.text for m in report.messages}
    assert texts == {
        people["officer"]: (
            "<b>Pengingat Gempur</b>\n\n<b>Ringkasan mingguan</b> — koperasi berisiko: 2."
        ),
    }
    saturday = datetime(2027, 4, 3, 0, 0, tzinfo=UTC)
    assert (
        await remind_at(lambda: UnitOfWork(factory), CATALOGUES, SETTINGS, saturday, now=saturday)
        is None
    )


async def test_reminders_stop_once_the_rat_is_held(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    people = await _seed(factory)
    async with UnitOfWork(factory) as uow:
        cycles = await uow.session.scalars(
            select(RatCycle).join(Koperasi, Koperasi.current_rat_cycle_id == RatCycle.id)
        )
        for cycle in cycles:
            cycle.held_date = date(2027, 3, 30)
        await uow.commit()
    assert await _pass(factory) == 0
    async with UnitOfWork(factory, write=False) as uow:
        assert await uow.session.get(Person, people["both"]) is not None


async def _follow_up(
    factory: async_sessionmaker[AsyncSession], nama: str, owner: str, due: date, text: str
) -> int:
    async with UnitOfWork(factory) as uow:
        koperasi = await uow.session.scalar(select(Koperasi).where(Koperasi.nama == nama))
        assert koperasi is not None
        item = TindakLanjut(
            koperasi_id=koperasi.id,
            description=text,
            owner_kind=owner,
            due_date=due,
            created_at=NOW,
        )
        uow.session.add(item)
        await uow.commit()
        return item.id


async def _plan(factory: async_sessionmaker[AsyncSession], day: date, first: date) -> int:
    now = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    report = await plan_reminders(
        lambda: UnitOfWork(factory), CATALOGUES, SETTINGS, today=day, span=(first, day), now=now
    )
    return report.written


async def test_a_follow_up_reminds_its_owner_once_and_stops_when_done(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    people = await _seed(factory)
    board = await _follow_up(factory, "KSU Mawar", "pengurus", APRIL_1, "Send <the> list")
    overdue = await _follow_up(factory, "KUD Melati", "petugas", date(2027, 3, 29), "Visit")
    tomorrow = await _follow_up(factory, "KSU Mawar", "pengurus", date(2027, 4, 2), "Later")
    await _follow_up(factory, "KUD Bubar", "pengurus", APRIL_1, "Dissolved")
    assert await _pass(factory) == 2
    rows = {row.person_id: row.payload["text"] for row in await _rows(factory)}
    assert set(rows) == {people["both"], people["officer"]}  # nobody for the BUBAR board
    # The board member reads English: the follow-up joins their one message of the day.
    assert "<b>KSU Mawar</b>: follow-up due" in rows[people["both"]]
    assert "Send &lt;the&gt; list" in rows[people["both"]]
    assert "Gempur reminder" in rows[people["both"]]
    assert "Send &lt;the&gt; list" not in rows[people["officer"]]
    assert "<b>KUD Melati</b>: tindak lanjut jatuh tempo" in rows[people["officer"]]
    async with UnitOfWork(factory) as uow:
        reminded = {
            item.id: item.last_reminded_on
            for item in await uow.session.scalars(select(TindakLanjut))
        }
        assert reminded[board] == reminded[overdue] == APRIL_1
        assert reminded[tomorrow] is None
        item = await uow.session.get(TindakLanjut, tomorrow)
        assert item is not None
        item.done_at = NOW
        await uow.commit()
    # 2 April: the overdue ones were reminded already and the one due is done.
    assert await _plan(factory, date(2027, 4, 2), date(2027, 4, 2)) == 0


async def test_the_weekly_digest_counts_overdue_follow_ups_and_waiting_threads(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    people = await _seed(factory)
    await _follow_up(factory, "KUD Melati", "pengurus", date(2027, 3, 29), "Minutes")
    await _follow_up(factory, "KUD Melati", "petugas", date(2027, 4, 30), "Not yet due")
    async with UnitOfWork(factory) as uow:
        mawar = await uow.session.scalar(select(Koperasi).where(Koperasi.nama == "KSU Mawar"))
        assert mawar is not None
        for since in (datetime(2027, 3, 30, 9, tzinfo=WIB), datetime(2027, 4, 1, 9, tzinfo=WIB)):
            thread = await uow.threads.create(mawar.id, people["officer"], since)
            thread.waiting_since = since
        await uow.commit()
    monday = date(2027, 4, 5)
    report = await plan_reminders(
        lambda: UnitOfWork(factory),
        CATALOGUES,
        SETTINGS,
        today=monday,
        span=(date(2027, 4, 3), monday),
        now=datetime(2027, 4, 5, 0, 0, tzinfo=UTC),
        dry_run=True,
    )
    texts = {m.person_id: m.text for m in report.messages}
    officer = texts[people["officer"]]
    assert "Tindak lanjut yang lewat jatuh tempo di koperasi binaan Anda: 1." in officer
    # Tuesday 30 March 09:00 to Monday 5 April: 31 March, 1, 2 and 5 April.
    assert "Percakapan menunggu jawaban Anda: 2 (terlama 4 hari kerja)." in officer
    assert officer.index("berisiko") < officer.index("Tindak lanjut") < officer.index("Percakapan")


async def test_the_digest_says_one_working_day_in_the_singular_in_english(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    """English has two plural forms: one thread waiting one working day is not "1 working
    days" (Indonesian has one form, checked above)."""
    people = await _seed(factory)
    async with UnitOfWork(factory) as uow:
        officer = await uow.session.get(Person, people["officer"])
        assert officer is not None
        officer.language = "en"
        mawar = await uow.session.scalar(select(Koperasi).where(Koperasi.nama == "KSU Mawar"))
        assert mawar is not None
        since = datetime(2027, 4, 2, 9, tzinfo=WIB)  # Friday: Monday is one working day later
        thread = await uow.threads.create(mawar.id, people["officer"], since)
        thread.waiting_since = since
        await uow.commit()
    monday = date(2027, 4, 5)
    report = await plan_reminders(
        lambda: UnitOfWork(factory),
        CATALOGUES,
        SETTINGS,
        today=monday,
        span=(date(2027, 4, 3), monday),
        now=datetime(2027, 4, 5, 0, 0, tzinfo=UTC),
        dry_run=True,
    )
    text = next(m.text for m in report.messages if m.person_id == people["officer"])
    assert "Conversations waiting for your answer: 1 (longest 1 working day)." in text


async def test_follow_ups_nobody_is_reminded_of_are_not_read(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    """The office's own follow-ups and a dissolving cooperative's never remind anyone, and an
    overdue one is never marked reminded: the pass's query leaves them out rather than reading
    them every day."""
    await _seed(factory)
    board = await _follow_up(factory, "KSU Mawar", "pengurus", date(2027, 3, 1), "Board")
    officer = await _follow_up(factory, "KUD Melati", "petugas", date(2027, 3, 2), "Officer")
    await _follow_up(factory, "KSU Mawar", "dinas", date(2027, 3, 3), "The office's")
    await _follow_up(factory, "KUD Bubar", "pengurus", date(2027, 3, 4), "Dissolved")
    async with UnitOfWork(factory, write=False) as uow:
        rows = await uow.kunjungan.follow_ups_to_remind(APRIL_1, APRIL_1)
    assert [state.follow_up_id for state, *_ in rows] == [board, officer]


async def _reminded_on(factory: async_sessionmaker[AsyncSession], follow_up: int) -> date | None:
    async with UnitOfWork(factory, write=False) as uow:
        item = await uow.session.get(TindakLanjut, follow_up)
        assert item is not None
        return item.last_reminded_on


async def test_a_follow_up_due_after_the_days_message_comes_the_next_day_not_lost(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    """A second pass of the day (`bot.py remind` after the leader's 07:00 pass) finds the
    person's message of the day queued: the follow-up due since then cannot join it, so it is
    not marked reminded but comes in the next day's message — once, to every owner."""
    people = await _seed(factory)
    assert await _pass(factory) == 2  # the 07:00 pass: the English board member, the officer
    follow_up = await _follow_up(factory, "KSU Mawar", "pengurus", APRIL_1, "Send the list")
    async with UnitOfWork(factory) as uow:  # a board member added since: no message yet
        newcomer = await add_person(uow, 505, "Sekretaris")
        mawar = await uow.session.scalar(select(Koperasi).where(Koperasi.nama == "KSU Mawar"))
        assert mawar is not None
        await add_board_member(uow, newcomer, mawar.id)
        await uow.commit()
    assert await _pass(factory) == 1  # the newcomer's first message of the day
    assert await _reminded_on(factory, follow_up) is None
    rows = {row.person_id: row.payload["text"] for row in await _rows(factory)}
    assert "Send the list" not in rows[people["both"]]
    # Not to the newcomer alone today either: the owners get it together, once.
    assert "Send the list" not in rows[newcomer.id]
    friday = date(2027, 4, 2)
    assert await _plan(factory, friday, friday) == 2
    assert await _reminded_on(factory, follow_up) == friday
    texts = [row.payload["text"] for row in await _rows(factory)]
    assert sum("Send the list" in text for text in texts) == 2  # both owners, once each
    assert await _plan(factory, friday, friday) == 0
    await _plan(factory, date(2027, 4, 5), date(2027, 4, 3))  # Monday: the officer's digest
    texts = [row.payload["text"] for row in await _rows(factory)]
    assert sum("Send the list" in text for text in texts) == 2


async def _charts(_cfg: AppConfig, *requests: ChartRequest) -> list[bytes]:
    """Stands in for the chart worker: one small "PNG" per language."""
    return [b"PNG" for _ in requests]


async def test_on_the_roll_ups_day_an_admins_reminders_travel_in_the_roll_up(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    """At most one reminder message per person per day: on the roll-up's day (here Thursday 1
    July, the day after the statutory limit) the admin's count lines go in the roll-up's
    caption, not in a message of their own — whichever of the 07:00 pass, the 07:30 roll-up
    and `bot.py remind` runs first, and however often."""
    cfg = parse_config({"reminders": {"rollup_weekday": 3}})
    settings = ReminderSettings.from_config(cfg)
    people = await _seed(factory)
    july_1 = datetime(2027, 7, 1, 0, 0, tzinfo=UTC)
    rollup_at = datetime(2027, 7, 1, 0, 30, tzinfo=UTC)

    def uow(**kwargs: bool) -> UnitOfWork:
        return UnitOfWork(factory, **kwargs)

    for _ in range(2):  # the job and `remind`
        await plan_rollup(uow, CATALOGUES, cfg, rollup_at, now=rollup_at, renderer=_charts)
        await remind_at(uow, CATALOGUES, settings, july_1, now=july_1)
    mine = [row for row in await _rows(factory) if row.person_id == people["admin"]]
    assert len(mine) == 1
    assert mine[0].method == "sendPhoto"
    caption = mine[0].payload["caption"]
    assert caption.startswith("<b>Rekap mingguan Gempur</b>")
    assert "Batas UU terlewati tanpa RAT: 2 koperasi." in caption
    # The boards and the officer still get their message of the day.
    people_messaged = {row.person_id for row in await _rows(factory) if row.kind == "reminder"}
    assert people_messaged == {people["both"], people["officer"]}


async def test_a_kdkmp_cooperatives_board_is_told_to_enter_it_in_simkopdes(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    """Village cooperatives report in SIMKOPDES: their report nudge names it, the others' ODS."""
    async with UnitOfWork(factory) as uow:
        for nama, segmen, chat in (("KDKMP Desa Maju", "kdkmp", 601), ("KSU Mawar", None, 602)):
            koperasi = await add_koperasi(
                uow, nama, target_date=date(2027, 6, 30), segmen=segmen, tahap="RAT_TERLAKSANA"
            )
            await add_board_member(uow, await add_person(uow, chat, f"Ketua {chat}"), koperasi.id)
            cycle = await uow.session.get(RatCycle, koperasi.current_rat_cycle_id)
            assert cycle is not None
            cycle.held_date = date(2027, 3, 18)  # + 14 days: 1 April
        await uow.commit()
    assert await _pass(factory) == 2
    texts = {row.chat_id: row.payload["text"] for row in await _rows(factory)}
    assert "masukkan ke SIMKOPDES" in texts[601]
    assert "masukkan ke ODS" in texts[602]
