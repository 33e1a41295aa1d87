"""The RAT cycle of a register unlike the sample, with the bot polling telegram_stub: the
admin imports it in the chat; the boards and the officer then live with what it says.

A savings-and-loan cooperative over Rp 5 billion with its fiscal year ending 30 June (an
audit due, so 8 mandatory items; every deadline of its 2026 passed), a secondary cooperative
that missed 2025 (its late RAT recorded by the board, checked by the officer, the history
showing both sides), and a dissolved one that owes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from domain.access import Role
from storage.engine import create_engine, session_factory
from storage.uow import UnitOfWork
from telegram_stub import BotApiStub
from tests.e2e.test_rat_cycle import _press, _say
from tests.helpers.bot import bot_config, polling_bot
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import BotMessage, Driver
from tests.helpers.seed import add_board_member, add_person, find_koperasi

ADMIN, ANI, JUNI, GABUNGAN, LAMA = 9301, 9302, 9303, 9304, 9305
REGISTER = "\n".join(
    [
        "nik_koperasi;nama;bentuk;jenis;kecamatan;akhir_tahun_buku;modal_sendiri;"
        "status_aktivitas;rat_2024;rat_2025",
        "3513000000000041;KSP <Juni> & Co;primer;simpan_pinjam;Dringu;30-06;6.000.000.000;;"
        "20-09-2024;",
        "3513000000000042;Sekunder Gabungan;sekunder;jasa;Tongas;31-12;;;15-05-2025;",
        "3513000000000043;KUD Lama;primer;produsen;Maron;31-12;;bubar;;",
    ]
).encode()
BOARDS = {"3513000000000041": JUNI, "3513000000000042": GABUNGAN, "3513000000000043": LAMA}


def _says(text: str) -> Callable[[BotMessage], bool]:
    return lambda message: text in message.body


async def _admin(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            await add_person(uow, ADMIN, "Adi", roles=[Role.ADMIN])
            await uow.commit()
    finally:
        await engine.dispose()


async def _people(database_url: str) -> None:
    """The officer of all three, and a board member of each imported cooperative."""
    engine = create_engine(database_url)
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            ani = await add_person(uow, ANI, "Ani Petugas", roles=[Role.PETUGAS])
            for nik, user_id in BOARDS.items():
                found = await find_koperasi(uow, nik_koperasi=nik)
                assert found is not None
                found.petugas_id = ani.id
                await add_board_member(uow, await add_person(uow, user_id, "Pengurus"), found.id)
            await uow.commit()
    finally:
        await engine.dispose()


async def test_an_unusual_register_imported_in_the_chat_drives_every_card_from_day_one(
    stub: BotApiStub, database_url: str, driver: Driver, clock: FrozenClock
) -> None:
    await _admin(database_url)
    admin, ani = driver.user(ADMIN, "Adi"), driver.user(ANI, "Ani")
    juni, gabungan, lama = (driver.user(user_id, "Pengurus") for user_id in BOARDS.values())
    async with polling_bot(bot_config(stub, database_url), clock):
        await _say(admin, "/impor")
        await admin.send_document(REGISTER, "daftar.csv")
        # The Monday roll-up may reach the admin at any moment of the test (its clock is a
        # Monday after 07:30): wait for the import's own messages by what they say.
        [preview] = await admin.wait_for_reply(timeout=60, predicate=_says("Ditambahkan"))
        assert "Ditambahkan: 3" in preview.body
        await admin.press("✅ Impor 3 baris valid")
        [done] = await admin.wait_for_reply(timeout=60, predicate=_says("ditambahkan"))
        assert "3 ditambahkan" in done.body
        await _people(database_url)

        card = await _say(juni, "/status")
        assert "Status RAT — KSP <Juni> & Co" in card.body
        assert "Tahun buku 2026 (telah berakhir 30 Juni 2026)" in card.body
        assert "Checklist: 0/8 butir wajib terpenuhi" in card.body  # the audit is due
        assert "terlambat target, terlambat lapor, lewat batas UU, tidak RAT" in card.body
        assert "RAT terakhir: tahun buku 2024, diadakan 20 September 2024" in card.body
        menu = await _say(juni, "/lapor")
        assert "⬜ A3 Audit*" in menu.body
        assert "RAT terlambat" not in menu.body  # 2025 ended more than 18 months ago

        card = await _say(lama, "/status")
        assert "Status koperasi: bubar (ditetapkan dinas), tidak wajib RAT" in card.body
        assert "Tenggat berikutnya" not in card.body
        assert "tidak ada keterlambatan" in card.body

        card = await _say(gabungan, "/status")
        assert "target RAT dari dinas, 30 Juni 2027 (177 hari lagi)" in card.body  # secondary
        assert "Tanda: ⚠️ tidak RAT" in card.body  # 2025 missed
        await _say(gabungan, "/lapor")
        late = await _press(gabungan, "⏰ RAT terlambat tahun buku 2025")
        assert "Tanggal berapa RAT diadakan?" in late.body
        for answer in ("10-12-2026", "50", "30"):
            await _say(gabungan, answer)
        for choice in ("1. Ya", "1. Ya", "1. Ya", "2. Tidak"):
            await _press(gabungan, choice)
        card = await _press(gabungan, "2. Tidak")
        assert "RAT terakhir: tahun buku 2025, diadakan 10 Desember 2026" in card.body
        assert "tidak ada keterlambatan" in card.body  # the late RAT clears TIDAK_RAT

        listed = await _say(ani, "/verifikasi")
        assert "1. Sekunder Gabungan — RAT terlambat tahun buku 2025" in listed.body
        await ani.press("1 ✅ Sesuai")
        await ani.wait_for_edit(listed)
        await _say(gabungan, "/lapor")
        history = await _press(gabungan, "🕘 Riwayat perubahan")
        lines = history.body.splitlines()
        assert "Ani Petugas: RAT terlambat tahun buku 2025 — ✅ diverifikasi" in lines[2]
        assert "Pengurus: RAT terlambat tahun buku 2025 — 10 Desember 2026" in lines[3]
