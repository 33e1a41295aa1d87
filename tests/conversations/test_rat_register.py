"""The RAT cycle of cooperatives from an imported register unlike the sample: an audit duty,
a fiscal year ending 30 June, a secondary cooperative, HTML characters in the name."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from domain.access import Role
from jobs import job_registry
from storage.tables import Koperasi, Outbox, RatCycle
from telegram_stub import BotApiStub
from tests.helpers.bot import Conversation
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import Driver, UserSession
from tests.helpers.seed import add_board_member, add_person, forge_press

ADMIN = 9001
HEADER = (
    "nik_koperasi;nama;bentuk;jenis;kecamatan;akhir_tahun_buku;modal_sendiri;rat_2024;rat_2025"
)
ROWS = {
    # A savings-and-loan cooperative with own capital over Rp 5 billion: an audit is due.
    "3513000000000001": "KSP <Dana> & Juni;primer;simpan_pinjam;Dringu;30-06;6.000.000.000;"
    "20-09-2024;",
    "3513000000000002": "KSP Kecil;primer;simpan_pinjam;Maron;31-12;300.000.000;;02-03-2026",
    "3513000000000003": "Sekunder Gabungan;sekunder;jasa;Tongas;31-12;;15-05-2025;",
}
REGISTER = "\n".join([HEADER, *(f"{nik};{row}" for nik, row in ROWS.items())]).encode()


async def _import(conv: Conversation, driver: Driver) -> UserSession:
    async with conv.app.bot_data.services.uow() as uow:
        await add_person(uow, ADMIN, "Admin", roles=[Role.ADMIN])
        await uow.commit()
    admin = driver.user(ADMIN, "Adi")
    await conv.say(admin, "/impor")
    await admin.send_document(REGISTER, "daftar.csv")
    await conv.deliver()
    [_, preview] = await admin.wait_for_reply(count=2)
    assert f"✅ Impor {len(ROWS)} baris valid" in preview.buttons
    await conv.press(admin, f"✅ Impor {len(ROWS)} baris valid")
    return admin


async def _board(conv: Conversation, driver: Driver, nik: str, user_id: int) -> UserSession:
    async with conv.app.bot_data.services.uow() as uow:
        koperasi = (
            await uow.session.scalars(select(Koperasi).where(Koperasi.nik_koperasi == nik))
        ).one()
        person = await add_person(uow, user_id, "Pengurus")
        await add_board_member(uow, person, koperasi.id)
        await uow.commit()
    return driver.user(user_id, "Pengurus")


async def test_an_imported_savings_cooperative_with_large_capital_must_have_an_audit(
    conv: Conversation, driver: Driver
) -> None:
    await _import(conv, driver)
    async with conv.app.bot_data.services.uow(write=False) as uow:
        audited = dict(
            (await uow.session.execute(select(Koperasi.nik_koperasi, Koperasi.wajib_audit))).all()
        )
    assert audited == {
        "3513000000000001": True,
        "3513000000000002": False,
        "3513000000000003": False,
    }
    board = await _board(conv, driver, "3513000000000001", 9101)
    card = await conv.say(board, "/status")
    assert "Status RAT — KSP &lt;Dana&gt; &amp; Juni" not in card.body  # shown, not escaped twice
    assert "Status RAT — KSP <Dana> & Juni" in card.body
    assert "Checklist: 0/8 butir wajib terpenuhi" in card.body
    menu = await conv.say(board, "/lapor")
    assert "⬜ A3 Audit*" in menu.body
    small = await _board(conv, driver, "3513000000000002", 9102)
    assert "Checklist: 0/7 butir wajib terpenuhi" in (await conv.say(small, "/status")).body


SECONDARY = "3513000000000003"


async def _late_rat_reported(conv: Conversation, driver: Driver) -> tuple[int, UserSession]:
    """The secondary cooperative (officer Ani, 9201) missed 2025; its board (9103) records
    the late RAT on 10 December 2026. Its id and the board member."""
    async with conv.app.bot_data.services.uow() as uow:
        officer = await add_person(uow, 9201, "Ani Petugas", roles=[Role.PETUGAS])
        koperasi = (
            await uow.session.scalars(select(Koperasi).where(Koperasi.nik_koperasi == SECONDARY))
        ).one()
        koperasi.petugas_id = officer.id
        await uow.commit()
    board = await _board(conv, driver, SECONDARY, 9103)
    await conv.say(board, "/lapor")
    await conv.press(board, "⏰ RAT terlambat tahun buku 2025")
    await _held(conv, board, "10-12-2026")
    return koperasi.id, board


async def _held(conv: Conversation, board: UserSession, day: str) -> None:
    for answer in (day, "50", "30"):
        await conv.say(board, answer)
    for _ in range(3):  # LPJ, statements, RK/RAPB
        await conv.press(board, "1. Ya")
    await conv.press(board, "2. Tidak")  # no SHU distribution
    await conv.press(board, "2. Tidak")  # no elections


async def _cycles(conv: Conversation, koperasi_id: int) -> dict[int, RatCycle]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        rows = await uow.session.scalars(
            select(RatCycle).where(RatCycle.koperasi_id == koperasi_id)
        )
        return {row.tahun_buku: row for row in rows}


async def test_a_late_rat_the_board_reports_waits_for_the_officer_in_verifikasi(
    conv: Conversation, driver: Driver
) -> None:
    """The register's RAT for 2024 is history, not a report to check; the late RAT the
    board records is: the officer is told and finds it in /verifikasi."""
    await _import(conv, driver)
    ani = driver.user(9201, "Ani")
    koperasi_id, _ = await _late_rat_reported(conv, driver)
    listed = await conv.say(ani, "/verifikasi")
    assert "1. Sekunder Gabungan — RAT terlambat tahun buku 2025" in listed.body
    assert "2." not in listed.body
    await ani.press("1 ✅ Sesuai")
    await conv.deliver()
    assert "Tidak ada laporan" in (await ani.last_message()).body
    late = (await _cycles(conv, koperasi_id))[2025]
    assert (str(late.held_date), late.held_verification) == ("2026-12-10", "verified")


async def test_a_returned_late_rat_names_it_and_reopens_that_year_not_the_current_one(
    conv: Conversation, driver: Driver, stub: BotApiStub
) -> None:
    await _import(conv, driver)
    ani = driver.user(9201, "Ani")
    koperasi_id, board = await _late_rat_reported(conv, driver)
    await conv.say(ani, "/verifikasi")
    await conv.press(ani, "1 ↩️ Kembalikan")
    await conv.say(ani, "Tanggalnya <salah> & perlu dicek")
    async with conv.app.bot_data.services.uow(write=False) as uow:
        [note] = await uow.session.scalars(select(Outbox).where(Outbox.chat_id == 9103))
    text = str(note.payload["text"])
    assert "<b>RAT terlambat tahun buku 2025</b>" in text  # in words, never a code
    assert "Tanggalnya &lt;salah&gt; &amp; perlu dicek" in text
    [[button]] = note.payload["reply_markup"]["inline_keyboard"]
    forge_press(stub, 9103, button["callback_data"])
    await conv.deliver()
    opened = await board.last_message()
    assert "RAT terlambat tahun buku 2025" in opened.body
    assert "Tanggal berapa RAT diadakan?" in opened.body
    await _held(conv, board, "12-12-2026")
    cycles = await _cycles(conv, koperasi_id)
    assert (str(cycles[2025].held_date), cycles[2025].held_verification) == (
        "2026-12-12",
        "none",  # checked again
    )
    assert cycles[2026].held_date is None  # the current year untouched


async def test_the_register_marks_a_cooperative_dissolved_and_it_owes_no_rat(
    conv: Conversation, driver: Driver
) -> None:
    """The office's status comes with the register: a dissolved cooperative gets no flags
    and counts in no ratio; `aktif` later hands the status back to the recompute."""
    async with conv.app.bot_data.services.uow() as uow:
        await add_person(uow, ADMIN, "Admin", roles=[Role.ADMIN])
        await uow.commit()
    admin = driver.user(ADMIN, "Adi")
    header = "nik_koperasi;nama;kecamatan;status_aktivitas;rat_2024;rat_2025"
    rows = [
        "3513000000000011;KUD Lama;Dringu;Bubar;;",
        "3513000000000012;KSU Dalam Proses;Maron;dalam pembubaran;;",
        "3513000000000013;KSU Jalan;Maron;Aktif;;",
    ]

    async def upload(lines: list[str]) -> None:
        await conv.say(admin, "/impor")
        await admin.send_document("\n".join([header, *lines]).encode(), "daftar.csv")
        await conv.deliver()
        [_, preview] = await admin.wait_for_reply(count=2)
        [confirm] = [label for label in preview.buttons if label.startswith("✅")]
        await conv.press(admin, confirm)

    async def standing() -> dict[str | None, tuple[str | None, bool]]:
        async with conv.app.bot_data.services.uow(write=False) as uow:
            found = await uow.session.execute(
                select(Koperasi.nik_koperasi, Koperasi.status_aktivitas, Koperasi.flag_tidak_rat)
            )
            return {nik: (status, tidak_rat) for nik, status, tidak_rat in found}

    await upload(rows)
    assert await standing() == {
        "3513000000000011": ("BUBAR", False),
        "3513000000000012": ("DALAM_PEMBUBARAN", False),
        "3513000000000013": ("RAWAN", True),  # 2024 and 2025 without a RAT
    }
    await upload(["3513000000000011;KUD Lama;Dringu;aktif;;"])
    assert (await standing())["3513000000000011"] == ("RAWAN", True)


async def test_a_dissolved_cooperatives_card_says_so_and_counts_down_to_no_deadline(
    conv: Conversation, driver: Driver
) -> None:
    async with conv.app.bot_data.services.uow() as uow:
        await add_person(uow, ADMIN, "Admin", roles=[Role.ADMIN])
        await uow.commit()
    admin = driver.user(ADMIN, "Adi")
    await conv.say(admin, "/impor")
    register = (
        "nik_koperasi;nama;kecamatan;status_aktivitas\n3513000000000021;KUD Lama;Dringu;bubar"
    )
    await admin.send_document(register.encode(), "daftar.csv")
    await conv.deliver()
    await admin.wait_for_reply(count=2)
    await conv.press(admin, "✅ Impor 1 baris valid")
    board = await _board(conv, driver, "3513000000000021", 9104)
    card = await conv.say(board, "/status")
    assert "Status koperasi: bubar (ditetapkan dinas), tidak wajib RAT" in card.body
    assert "Tenggat berikutnya" not in card.body  # it owes no RAT: no countdown
    assert "Tidak ada tenggat lagi untuk tahun buku ini." in card.body


async def test_a_current_year_rat_from_the_register_shows_no_empty_checklist(
    conv: Conversation, driver: Driver
) -> None:
    """The register already records the RAT for 2026 (held 3 January 2027): that cycle has
    no checklist of its own, and neither the card nor the menu shows an empty one."""
    async with conv.app.bot_data.services.uow() as uow:
        await add_person(uow, ADMIN, "Admin", roles=[Role.ADMIN])
        await uow.commit()
    admin = driver.user(ADMIN, "Adi")
    await conv.say(admin, "/impor")
    register = (
        "nik_koperasi;nama;kecamatan;rat_2025;rat_2026\n"
        "3513000000000031;KSU Cepat;Dringu;10-03-2026;03-01-2027"
    )
    await admin.send_document(register.encode(), "daftar.csv")
    await conv.deliver()
    await admin.wait_for_reply(count=2)
    await conv.press(admin, "✅ Impor 1 baris valid")
    board = await _board(conv, driver, "3513000000000031", 9105)
    card = await conv.say(board, "/status")
    assert "RAT terakhir: tahun buku 2026, diadakan 3 Januari 2027" in card.body
    assert "Checklist" not in card.body.split("\n\n")[0]  # not "0/0 butir wajib"
    menu = await conv.say(board, "/lapor")
    assert "Checklist persiapan" not in menu.body
    assert "✅ RAT terlaksana" in menu.body
    assert "Tahap: Dilaporkan" in card.body
    assert "✅ Dilaporkan ke dinas" in menu.body  # as the stage says: the register's RAT


async def test_a_rat_the_register_adds_to_a_running_cycle_is_no_report_to_check(
    conv: Conversation, driver: Driver
) -> None:
    """The office's own register records the 2026 RAT on the cycle the bot already runs:
    it counts as the office's record, not as a board's report waiting in /verifikasi."""
    admin = await _import(conv, driver)
    again = "nik_koperasi;nama;kecamatan;rat_2026\n3513000000000002;KSP Kecil;Maron;03-01-2027"
    await conv.say(admin, "/impor")
    await admin.send_document(again.encode(), "daftar.csv")
    await conv.deliver()
    await admin.wait_for_reply(count=2)
    await conv.press(admin, "✅ Impor 1 baris valid")
    async with conv.app.bot_data.services.uow(write=False) as uow:
        cycle = (
            await uow.session.scalars(select(RatCycle).where(RatCycle.tahun_buku == 2026))
        ).all()
    held = [c for c in cycle if c.held_date is not None]
    assert [(str(c.held_date), c.held_recorded_by_officer) for c in held] == [("2027-01-03", True)]
    assert "Tidak ada laporan" in (await conv.say(admin, "/verifikasi")).body


async def test_the_registers_quorum_rule_decides_whether_a_rat_was_quorate(
    conv: Conversation, driver: Driver
) -> None:
    """The AD of KSU Dua Pertiga asks at least two thirds of the members: 60 of 100 present
    do not reach it (they would under the default "more than half"); a rule nobody can read
    is refused with the reason."""
    async with conv.app.bot_data.services.uow() as uow:
        await add_person(uow, ADMIN, "Admin", roles=[Role.ADMIN])
        await uow.commit()
    admin = driver.user(ADMIN, "Adi")
    register = "\n".join(
        [
            "nik_koperasi;nama;kecamatan;tgl_badan_hukum;quorum_rule",
            "3513000000000051;KSU Dua Pertiga;Dringu;01-01-2020;>= 2/3",
            "3513000000000052;KSU Aneh;Dringu;01-01-2020;separuh lebih",
        ]
    )
    await conv.say(admin, "/impor")
    await admin.send_document(register.encode(), "daftar.csv")
    await conv.deliver()
    [_, preview] = await admin.wait_for_reply(count=2)
    assert "Baris 3" in preview.body
    assert "Aturan kuorum tidak dikenali" in preview.body
    await conv.press(admin, "✅ Impor 1 baris valid")
    board = await _board(conv, driver, "3513000000000051", 9106)
    await conv.say(board, "/lapor")
    await conv.press(board, "⬜ RAT terlaksana")
    for answer in ("03-01-2027", "100", "60"):
        await conv.say(board, answer)
    for _ in range(3):
        await conv.press(board, "1. Ya")
    await conv.press(board, "2. Tidak")
    await conv.press(board, "2. Tidak")
    async with conv.app.bot_data.services.uow(write=False) as uow:
        [held] = (
            await uow.session.scalars(select(RatCycle).where(RatCycle.held_date.is_not(None)))
        ).all()
    assert (held.quorum_rule, held.quorum_reached) == (">= 2/3", False)


async def test_a_june_fiscal_year_rolls_over_with_the_daily_run(
    conv: Conversation, driver: Driver, clock: FrozenClock
) -> None:
    """KSP <Dana> & Juni (year ending 30 June) held no RAT for 2026: on 1 July 2027 the daily
    run makes 2027 its current cycle (8 mandatory items: the audit is due) and keeps the
    missed 2026 as TIDAK_RAT on the cooperative."""
    await _import(conv, driver)
    board = await _board(conv, driver, "3513000000000001", 9107)
    jobs = job_registry(conv.app)
    await jobs.run_due()
    clock.set(datetime(2027, 6, 30, 17, 5, tzinfo=UTC))  # 1 July 2027 00:05 WIB
    assert "rat_recompute" in [name for name, _ in await jobs.run_due()]
    card = await conv.say(board, "/status")
    assert "Tahun buku 2027 (telah berakhir 30 Juni 2027)" in card.body
    assert "Checklist: 0/8 butir wajib terpenuhi" in card.body
    assert "tidak RAT" in card.body
    assert "target RAT dari dinas, 30 September 2027" in card.body
