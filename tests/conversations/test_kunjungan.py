"""/kunjungan through the real application: a short report in at most 8 exchanges, a full
one with skip logic and repeated answers, the review changing a field, drafts kept across a
restart and offered again, another officer's cooperative and forged buttons refused."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import event, select

from config import AppConfig
from domain.access import Role
from domain.callbacks import FollowUpAction, FollowUpButton, VisitAction, VisitPick
from jobs import job_registry
from services.tindak_lanjut import owed_by_koperasi
from storage.tables import (
    ChecklistEntry,
    FormSession,
    Koperasi,
    Kunjungan,
    KunjunganVersion,
    Outbox,
    TindakLanjut,
)
from telegram_stub import BotApiStub
from tests.helpers.bot import Conversation, bot_config, conversation
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import BotMessage, Driver, UserSession
from tests.helpers.seed import (
    add_board_member,
    add_koperasi,
    add_person,
    answer_of,
    forge_press,
)

ANI, BUDI = 7001, 7002
HTML_NAME = 'KUD "Tani & Ternak" <Sejahtera>'


class Officer:
    """Acts as an officer and counts her exchanges (a message, an album or a press)."""

    def __init__(self, conv: Conversation, user: UserSession) -> None:
        self.conv, self.user, self.exchanges = conv, user, 0

    async def say(self, text: str) -> BotMessage:
        self.exchanges += 1
        return await self.conv.say(self.user, text)

    async def press(self, button: str) -> BotMessage:
        self.exchanges += 1
        return await self.conv.press(self.user, button)

    async def album(self, count: int) -> BotMessage:
        self.exchanges += 1
        await self.user.send_album(count)
        await self.conv.deliver()
        [closed] = await self.user.wait_for_reply(timeout=10)
        return closed

    async def voice(self) -> BotMessage:
        self.exchanges += 1
        await self.user.send_voice()
        await self.conv.deliver()
        return (await self.user.wait_for_reply())[-1]

    async def choose(self, label: str) -> BotMessage:
        """Presses the option labelled `label` (whatever its number), paging the review
        forward to it when it is on another page."""
        way = NEXT_PAGE
        for _ in range(40):
            last = await self.user.last_message()
            found = [b for b in last.buttons if b.split(". ", 1)[-1] == label]
            if found:
                return await self.press(found[0])
            way = way if _has(last, way) else PREVIOUS_PAGE  # the last page: back from it
            await self.conv.press(self.user, _button(last, way))
        raise AssertionError(label)

    async def review(self) -> list[BotMessage]:
        """Every page of the review, from the one shown on (paging costs no exchange)."""
        shown = [await self.user.last_message()]
        while _has(shown[-1], NEXT_PAGE):
            shown.append(await self.conv.press(self.user, _button(shown[-1], NEXT_PAGE)))
        return shown


NEXT_PAGE, PREVIOUS_PAGE = "Halaman berikutnya ▶", "◀ Halaman sebelumnya"


def _has(message: BotMessage, label: str) -> bool:
    return any(b.split(". ", 1)[-1] == label for b in message.buttons)


def _button(message: BotMessage, label: str) -> str:
    [button] = [b for b in message.buttons if b.split(". ", 1)[-1] == label]
    return button


@pytest.fixture
async def register(conv: Conversation) -> dict[str, int]:
    """Ani mentors Maju Jaya and Sumber Rejeki; Budi mentors Budi Makmur."""
    return await _register(conv)


async def _register(conv: Conversation) -> dict[str, int]:
    async with conv.app.bot_data.services.uow() as uow:
        ani = await add_person(uow, ANI, "Ani", roles=[Role.PETUGAS])
        budi = await add_person(uow, BUDI, "Budi", roles=[Role.PETUGAS])
        ids = {"ani": ani.id, "budi": budi.id}
        for nama, officer in (
            ("KSU Maju Jaya", ani),
            ("KSP Sumber Rejeki", ani),
            (HTML_NAME, ani),
            ("Koperasi Budi Makmur", budi),
        ):
            ids[nama] = (await add_koperasi(uow, nama, petugas_id=officer.id)).id
        await uow.commit()
    return ids


@pytest.fixture
def ani(conv: Conversation, driver: Driver) -> Officer:
    return Officer(conv, driver.user(ANI, "Ani"))


async def _visits(conv: Conversation) -> list[Kunjungan]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        return list(await uow.session.scalars(select(Kunjungan).order_by(Kunjungan.id)))


async def _table(conv: Conversation, entity: type) -> list:  # type: ignore[type-arg]
    async with conv.app.bot_data.services.uow(write=False) as uow:
        return list(await uow.session.scalars(select(entity)))


async def test_a_short_report_takes_at_most_eight_exchanges(
    conv: Conversation, ani: Officer, register: dict[str, int]
) -> None:
    picker = await ani.say("/kunjungan")
    assert "KSU Maju Jaya · Singkat" in picker.buttons
    assert f"{HTML_NAME} · Singkat" in picker.buttons  # buttons show names as typed
    assert not any("Budi" in label for label in picker.buttons)  # only her cooperatives
    jenis = await ani.press("KSU Maju Jaya · Singkat")
    assert "Jenis kunjungan" in jenis.body
    waktu = await ani.press("1. Identifikasi kesiapan RAT")
    assert "Tadi pagi" in waktu.body
    assert "09.00" in waktu.body
    verdict = await ani.press("1. Sekarang")
    assert "4 Januari 2027 09.00" in verdict.body  # the time it took
    note = await ani.press("2. Perlu pendampingan")
    assert "pesan suara" in note.body
    photos = await ani.say("Buku kas belum ditutup; LPJ sedang disusun.")
    assert "foto" in photos.body.lower()
    review = await ani.album(2)
    assert "2 berkas diterima" in review.body
    assert "Identifikasi kesiapan RAT" in review.body
    assert "Buku kas" in review.body
    saved = await ani.press("1. ✅ Kirim laporan")
    assert "tersimpan" in saved.body
    assert ani.exchanges <= 8

    [visit] = await _visits(conv)
    assert visit.koperasi_id == register["KSU Maju Jaya"]
    assert visit.petugas_id == register["ani"]
    assert (visit.jenis, visit.poac, visit.verdict) == ("identifikasi", "P", "perlu_pendampingan")
    assert visit.visited_at == datetime(2027, 1, 4, 2, 0, tzinfo=UTC)
    [version] = await _table(conv, KunjunganVersion)
    assert version.version == 1
    assert version.data["catatan"] == "Buku kas belum ditutup; LPJ sedang disusun."
    assert len(version.data["foto"]) == 2


async def test_a_full_report_with_skips_people_and_follow_ups(
    conv: Conversation, ani: Officer, register: dict[str, int]
) -> None:
    await ani.say("/kunjungan sumber")
    await ani.press("Lengkap")
    poac = await ani.press("4. Pendampingan keuangan")
    assert "Saran dari jenis kunjungan: <b>A" in poac.body or "A — pendampingan" in poac.body
    await ani.press("3. A — pendampingan")
    future = await ani.say("05-01-2027 10.00")
    assert "masa depan" in future.body  # never in the future; the same question again
    too_old = await ani.say("01-11-2026 10.00")
    assert "Kapan kunjungannya" in too_old.body  # more than 30 days back
    lokasi = await ani.say("kemarin 14.00")
    assert "3 Januari 2027 14.00" in lokasi.body
    await ani.press("⏭ Lewati")  # no location
    await ani.say("Bu Sri, bendahara")
    await ani.press("1. Tambah lagi")
    await ani.say("Pak Joko, ketua")
    checklist = await ani.press("2. Lanjut")
    assert "Daftar periksa RAT" in checklist.body
    unknown = await ani.say("A1 A2 B9")
    assert "Item tidak dikenal: B9" in unknown.body
    temuan = await ani.say("a1, A2")
    assert "organisasi" in temuan.body
    await ani.say("   ")  # whitespace only: the same question again
    await ani.press("⏭ Lewati")
    await ani.say("Unit simpan pinjam aktif")
    await ani.say("Pembukuan tertinggal 3 bulan")
    await ani.say("Bendahara baru")
    await ani.say("Tutup buku 2026")
    await ani.press("1. pengurus koperasi")
    await ani.say("20-01-2027")
    await ani.press("1. Tambah lagi")
    await ani.say("Jadwalkan pemeriksaan pengawas")
    await ani.press("2. petugas")
    await ani.say("31-01-2027")
    await ani.press("2. Lanjut")
    await ani.press("3. Belum siap")
    await ani.say("28-02-2027")
    await ani.press("⏭ Lewati")  # next visit unknown
    await ani.voice()
    await ani.press("⏭ Lewati")  # no photos
    review = "\n".join(page.body for page in await ani.review())
    assert "Orang yang ditemui 1: Bu Sri, bendahara" in review
    assert "Orang yang ditemui 2: Pak Joko, ketua" in review
    assert "Tutup buku 2026" in review
    saved = await ani.press("1. ✅ Kirim laporan")
    assert "2 tindak lanjut" in saved.body

    [visit] = await _visits(conv)
    assert (visit.jenis, visit.poac, visit.verdict) == ("keuangan", "A", "belum_siap")
    follow_ups = sorted(await _table(conv, TindakLanjut), key=lambda t: t.due_date)
    assert [(t.owner_kind, t.due_date) for t in follow_ups] == [
        ("pengurus", date(2027, 1, 20)),
        ("petugas", date(2027, 1, 31)),
    ]
    assert follow_ups[1].owner_person_id == register["ani"]
    [version] = await _table(conv, KunjunganVersion)
    assert version.data["orang"] == ["Bu Sri, bendahara", "Pak Joko, ketua"]
    assert version.data["lokasi"] is None
    assert version.data["temuan_organisasi"] is None
    assert "voice" in version.data["catatan"]
    # The checklist items are the officer's, on the current cycle, and the stage moved.
    assert version.data["checklist_snapshot"] == {"A1": "selesai", "A2": "selesai"}
    entries = await _table(conv, ChecklistEntry)
    assert sorted((e.item_code, e.recorded_by_officer) for e in entries) == [
        ("A1", True),
        ("A2", True),
    ]
    assert {e.updated_by_person_id for e in entries} == {register["ani"]}
    [koperasi] = [k for k in await _table(conv, Koperasi) if k.id == register["KSP Sumber Rejeki"]]
    assert koperasi.tahap == "PERSIAPAN"


async def test_the_review_changes_a_field_and_fills_a_skipped_section(
    conv: Conversation, ani: Officer, register: dict[str, int]
) -> None:
    del register
    await ani.say("/kunjungan maju")
    await ani.press("KSU Maju Jaya · Singkat")
    await ani.press("5. Monitoring dan evaluasi")
    await ani.press("2. Tadi pagi (09.00)")
    await ani.press("1. Siap")
    await ani.say("Semua dokumen lengkap")
    review = await ani.press("⏭ Lewati")
    asked = await ani.choose("Kesiapan RAT")
    assert "kesiapan RAT" in asked.body
    review = await ani.press("3. Belum siap")
    assert "Belum siap" in review.body  # straight back to the review
    asked = await ani.choose("Kendala")  # a section Singkat skips, on the next page
    review = await ani.say("Pengurus jarang rapat")
    assert "Pengurus jarang rapat" in review.body
    await ani.press("1. ✅ Kirim laporan")
    [visit] = await _visits(conv)
    assert visit.verdict == "belum_siap"
    assert visit.poac == "C"  # suggested by the type when Singkat does not ask
    [version] = await _table(conv, KunjunganVersion)
    assert version.data["kendala"] == "Pengurus jarang rapat"


async def test_a_draft_survives_a_restart_and_is_offered_again(
    cfg: AppConfig, clock: FrozenClock, driver: Driver, register: dict[str, int]
) -> None:
    del register
    conv = ...  # replaced below: the fixture's application stands for the first process
    async with conversation(cfg, clock) as first:
        ani = Officer(first, driver.user(ANI, "Ani"))
        await ani.say("/kunjungan maju")
        await ani.press("KSU Maju Jaya · Singkat")
        await ani.press("2. Pendampingan organisasi")
        await ani.say("/batal")
    async with conversation(cfg, clock) as second:
        ani = Officer(second, driver.user(ANI, "Ani"))
        picker = await ani.say("/kunjungan")
        assert "KSU Maju Jaya · Lanjutkan draf" in picker.buttons
        assert "KSP Sumber Rejeki · Singkat" in picker.buttons  # one draft per cooperative
        resumed = await ani.press("KSU Maju Jaya · Lanjutkan draf")
        assert "Melanjutkan draf" in resumed.body
        assert "Kapan kunjungannya" in resumed.body
        await ani.say("/batal")
        await ani.say("/kunjungan")
        fresh = await ani.press("Buang draf")
        assert "Jenis kunjungan" not in fresh.body  # a new report asks the length first
        assert "singkat atau lengkap" in fresh.body
    del conv


async def test_another_officers_cooperative_and_forged_buttons_are_refused(
    conv: Conversation, ani: Officer, stub: BotApiStub, register: dict[str, int]
) -> None:
    nothing = await ani.say("/kunjungan budi")
    assert "Tidak ada koperasi dampingan Anda" in nothing.body
    query = forge_press(
        stub, ANI, VisitPick(register["Koperasi Budi Makmur"], VisitAction.SINGKAT).encode()
    )
    await conv.deliver()
    answer = answer_of(stub, query)
    assert answer["answered"] is True
    assert "bukan dampingan Anda" in str(answer["answer"])
    forged = forge_press(stub, ANI, "kj:99x:s")
    await conv.deliver()
    assert "kedaluwarsa" in str(answer_of(stub, forged)["answer"])
    sessions = await _table(conv, FormSession)
    assert not [s for s in sessions if s.form == "kunjungan"]


async def _short_report(ani: Officer, nama: str, verdict: str = "1. Siap") -> None:
    await ani.say("/kunjungan")
    await ani.press(f"{nama} · Singkat")
    await ani.press("1. Identifikasi kesiapan RAT")
    await ani.press("1. Sekarang")
    await ani.press(verdict)
    await ani.press("⏭ Lewati")
    await ani.press("⏭ Lewati")
    await ani.press("1. ✅ Kirim laporan")


async def test_a_correction_within_the_window_keeps_the_previous_version(
    conv: Conversation, ani: Officer, clock: FrozenClock, register: dict[str, int]
) -> None:
    del register
    await _short_report(ani, "KSU Maju Jaya")
    clock.advance(days=6)
    picker = await ani.say("/kunjungan maju")
    assert "Koreksi laporan terakhir" in picker.buttons
    review = await ani.press("Koreksi laporan terakhir")
    assert "Periksa laporan kunjungan" in review.body  # straight to the review of the report
    await ani.choose("Kesiapan RAT")
    await ani.press("3. Belum siap")
    saved = await ani.press("1. ✅ Kirim laporan")
    assert "versi 2" in saved.body
    [visit] = await _visits(conv)
    assert (visit.current_version, visit.verdict) == (2, "belum_siap")
    versions = sorted(await _table(conv, KunjunganVersion), key=lambda v: v.version)
    assert [(v.version, v.verdict) for v in versions] == [(1, "siap"), (2, "belum_siap")]


async def test_no_correction_after_the_window(
    conv: Conversation,
    ani: Officer,
    clock: FrozenClock,
    stub: BotApiStub,
    register: dict[str, int],
) -> None:
    await _short_report(ani, "KSU Maju Jaya")
    picker = await ani.say("/kunjungan maju")
    assert "Koreksi laporan terakhir" in picker.buttons
    clock.advance(days=8)
    query = forge_press(
        stub, ANI, VisitPick(register["KSU Maju Jaya"], VisitAction.CORRECT).encode()
    )
    await conv.deliver()
    assert "7 hari" in str(answer_of(stub, query)["answer"])
    picker = await ani.say("/kunjungan maju")
    assert "Koreksi laporan terakhir" not in picker.buttons
    [version] = await _table(conv, KunjunganVersion)
    assert version.version == 1


async def test_follow_ups_due_are_listed_and_marked_done_with_a_note(
    conv: Conversation, ani: Officer, clock: FrozenClock, register: dict[str, int]
) -> None:
    async with conv.app.bot_data.services.uow() as uow:
        now = clock.now()
        for koperasi, what, due in (
            ("KSU Maju Jaya", "Tutup buku 2026", date(2027, 1, 2)),  # overdue
            ("KSP Sumber Rejeki", "Kirim daftar anggota", date(2027, 1, 8)),  # due soon
            ("KSP Sumber Rejeki", "Susun RAPB", date(2027, 3, 1)),  # not yet due
            ("Koperasi Budi Makmur", "Milik Budi", date(2027, 1, 3)),  # not hers
        ):
            uow.session.add(
                TindakLanjut(
                    koperasi_id=register[koperasi],
                    description=what,
                    owner_kind="pengurus",
                    due_date=due,
                    created_at=now,
                )
            )
        await uow.commit()
    listed = await ani.say("/tindaklanjut")
    assert "terlambat sejak 2 Januari 2027" in listed.body
    assert "Kirim daftar anggota" in listed.body
    assert "Susun RAPB" not in listed.body
    assert "Milik Budi" not in listed.body
    asked = await ani.press("✅ 1 selesai")
    assert "Bagaimana tindak lanjut ini diselesaikan" in asked.body
    done = await ani.say("Buku ditutup 3 Januari, berita acara ada")
    assert "Ditandai selesai" in done.body
    items = {t.description: t for t in await _table(conv, TindakLanjut)}
    closed = items["Tutup buku 2026"]
    assert closed.done_at == clock.now()
    assert closed.done_note == "Buku ditutup 3 Januari, berita acara ada"
    assert closed.done_by_person_id == register["ani"]
    again = await ani.say("/tindaklanjut")
    assert "Tutup buku 2026" not in again.body


async def test_owed_by_koperasi_lists_the_boards_open_follow_ups(
    conv: Conversation, ani: Officer, clock: FrozenClock, register: dict[str, int]
) -> None:
    await ani.say("/kunjungan maju")
    await ani.press("Lengkap")
    for press in ("1. Identifikasi kesiapan RAT", "1. P — identifikasi, perencanaan"):
        await ani.press(press)
    await ani.press("1. Sekarang")
    for _ in range(7):  # location, persons, checklist, three findings, obstacles
        await ani.press("⏭ Lewati")
    await ani.say("Lengkapi LPJ pengurus")
    await ani.press("1. pengurus koperasi")
    await ani.say("15-01-2027")
    await ani.press("1. Tambah lagi")
    await ani.say("Cek daftar hadir")
    await ani.press("2. petugas")
    await ani.say("16-01-2027")
    await ani.press("2. Lanjut")
    await ani.press("1. Siap")
    for _ in range(4):  # planned RAT, next visit, note, photos
        await ani.press("⏭ Lewati")
    await ani.press("1. ✅ Kirim laporan")
    async with conv.app.bot_data.services.uow(write=False) as uow:
        owed = await owed_by_koperasi(uow, register["KSU Maju Jaya"], clock.now().date())
    assert [(o.description, o.due_date) for o in owed] == [
        ("Lengkapi LPJ pengurus", date(2027, 1, 15))
    ]


async def test_the_board_is_told_when_configured(
    stub: BotApiStub, database_url: str, clock: FrozenClock, driver: Driver
) -> None:
    cfg = bot_config(stub, database_url, visits={"notify_board": True})
    async with conversation(cfg, clock) as told:
        ids = await _register(told)
        async with told.app.bot_data.services.uow() as uow:
            siti = await add_person(uow, 7100, "Siti")
            await add_board_member(uow, siti, ids["KSU Maju Jaya"])
            await uow.commit()
        await _short_report(Officer(told, driver.user(ANI, "Ani")), "KSU Maju Jaya")
        notes = [row for row in await _table(told, Outbox) if row.chat_id == 7100]
    [note] = notes
    assert "mencatat kunjungan ke <b>KSU Maju Jaya</b>" in note.payload["text"]


async def test_the_board_is_not_told_by_default(
    conv: Conversation, ani: Officer, register: dict[str, int]
) -> None:
    async with conv.app.bot_data.services.uow() as uow:
        siti = await add_person(uow, 7100, "Siti")
        await add_board_member(uow, siti, register["KSU Maju Jaya"])
        await uow.commit()
    await _short_report(ani, "KSU Maju Jaya")
    assert not [row for row in await _table(conv, Outbox) if row.chat_id == 7100]


async def test_inputs_of_the_wrong_kind_or_size_get_the_reason_and_the_same_question(
    conv: Conversation, ani: Officer, register: dict[str, int]
) -> None:
    del register
    await ani.say("/kunjungan maju")
    await ani.press("Lengkap")
    await ani.press("6. Reaktivasi koperasi tidak aktif")
    await ani.say("3")  # a typed option number: A — pendampingan
    await ani.say("2")  # Tadi pagi, typed
    await ani.press("⏭ Lewati")
    await ani.press("⏭ Lewati")
    temuan = await ani.press("⏭ Lewati")  # checklist
    assert "organisasi" in temuan.body
    await ani.user.send_photo()  # a photo where text is expected
    await conv.deliver()
    [photo] = await ani.user.wait_for_reply()
    assert "Temuan aspek" in photo.body
    too_long = await ani.say("x" * 5000)  # one update of 5,000 characters
    assert "terlalu panjang" in too_long.body
    assert "Temuan aspek" in too_long.body
    async with conv.app.bot_data.services.uow(write=False) as uow:
        [session] = [
            s for s in await uow.session.scalars(select(FormSession)) if s.form == "kunjungan"
        ]
    assert session.step == "temuan_organisasi"
    assert session.answers["poac"] == "A"
    assert session.answers["waktu"] == "2027-01-04T09:00:00+07:00"


async def test_drafts_expire_after_the_retention_days(
    conv: Conversation, ani: Officer, clock: FrozenClock, register: dict[str, int]
) -> None:
    del register
    await ani.say("/kunjungan maju")
    await ani.press("KSU Maju Jaya · Singkat")
    await ani.press("1. Identifikasi kesiapan RAT")
    await ani.say("/batal")
    assert "Lanjutkan draf" in str((await ani.say("/kunjungan maju")).buttons)
    clock.advance(days=15)
    services = conv.app.bot_data.services
    async with services.uow() as uow:
        await services.forms.expire(uow, now=clock.now())
        await uow.commit()
    picker = await ani.say("/kunjungan maju")
    assert "KSU Maju Jaya · Singkat" in picker.buttons


async def test_the_registrys_tick_erases_drafts_and_finished_forms_answers_after_14_days(
    conv: Conversation, ani: Officer, clock: FrozenClock, register: dict[str, int]
) -> None:
    """Through the job registry (the one-minute `tick`), no direct call: 13 days after the
    last answer a visit draft and a submitted report's form copy are kept; at 15 days the
    draft is erased and the finished form's answers are emptied (its report stays)."""
    del register
    await _short_report(ani, "KSU Maju Jaya")
    await ani.say("/kunjungan sumber")
    await ani.press("KSP Sumber Rejeki · Singkat")
    await ani.press("1. Identifikasi kesiapan RAT")
    await ani.say("/batal")
    jobs = job_registry(conv.app)
    clock.advance(days=13)
    assert "tick" in [name for name, _ in await jobs.run_due()]
    forms = {row.status: row for row in await _table(conv, FormSession)}
    assert forms["suspended"].answers != {}
    assert forms["done"].answers != {}
    clock.advance(days=2)
    assert "tick" in [name for name, _ in await jobs.run_due()]
    forms = {row.status: row for row in await _table(conv, FormSession)}
    assert set(forms) == {"expired", "done"}
    assert forms["expired"].answers == forms["done"].answers == {}
    assert forms["done"].draft_expires_at is None  # not found again by the next tick
    assert len(await _visits(conv)) == 1  # the report itself is kept
    assert "KSP Sumber Rejeki · Singkat" in (await ani.say("/kunjungan sumber")).buttons


async def test_a_forged_follow_up_button_of_another_officer_is_refused(
    conv: Conversation,
    ani: Officer,
    stub: BotApiStub,
    clock: FrozenClock,
    register: dict[str, int],
) -> None:
    async with conv.app.bot_data.services.uow() as uow:
        item = TindakLanjut(
            koperasi_id=register["Koperasi Budi Makmur"],
            description="Milik Budi",
            owner_kind="pengurus",
            due_date=date(2027, 1, 5),
            created_at=clock.now(),
        )
        uow.session.add(item)
        await uow.commit()
    await ani.say("/tindaklanjut")
    query = forge_press(stub, ANI, FollowUpButton(item.id, FollowUpAction.DONE).encode())
    await conv.deliver()
    assert "bukan milik koperasi dampingan Anda" in str(answer_of(stub, query)["answer"])
    [stored] = await _table(conv, TindakLanjut)
    assert stored.done_at is None


LONG = "Pembukuan tertinggal; " * 60  # 1,320 characters


async def _draft_at_review(conv: Conversation, koperasi_id: int, answers: dict) -> None:  # type: ignore[type-arg]
    """A draft of Ani's kept at the review, as a long report leaves it."""
    now = conv.app.bot_data.services.clock.now()
    async with conv.app.bot_data.services.uow() as uow:
        session = uow.form_sessions.new(ANI, ANI, "kunjungan", str(koperasi_id), now)
        session.step, session.answers, session.status = "tinjau", answers, "suspended"
        session.updated_at = now
        await uow.form_sessions.save(session)
        await uow.commit()


def _long_report(people: int, follow_ups: int) -> dict:  # type: ignore[type-arg]
    return {
        "panjang": "lengkap",
        "jenis": "keuangan",
        "poac": "A",
        "waktu": "2027-01-04T09:00:00+07:00",
        "orang": [f"Orang ke-{n}, anggota pengurus" for n in range(1, people + 1)],
        "temuan_organisasi": "Organisasi: " + LONG,
        "temuan_usaha": "Usaha: " + LONG,
        "temuan_keuangan": "Keuangan: " + LONG,
        "tl": [f"Tindakan ke-{n}" for n in range(1, follow_ups + 1)],
        "tl_pemilik": ["pengurus"] * follow_ups,
        "tl_tenggat": ["2027-01-20"] * follow_ups,
        "verdict": "siap",
        "foto": [{"file_id": f"AgAC{n}", "file_unique_id": f"u{n}"} for n in range(3)],
    }


async def test_a_long_review_is_paged_and_shows_every_answer_in_full(
    conv: Conversation, ani: Officer, register: dict[str, int]
) -> None:
    await _draft_at_review(conv, register["KSU Maju Jaya"], _long_report(12, 11))
    await ani.say("/kunjungan maju")
    first = await ani.press("KSU Maju Jaya · Lanjutkan draf")
    assert "halaman 1 dari" in first.body
    review = await ani.review()
    assert len(review) > 2
    everything = "\n".join(page.body for page in review)
    for n in range(1, 13):
        assert f"Orang yang ditemui {n}: Orang ke-{n}, anggota pengurus" in everything
    for n in range(1, 12):  # more than the eight the review used to show
        assert f"Tindak lanjut {n}: Tindakan ke-{n} (pengurus koperasi" in everything
        assert f"✏️ Tindak lanjut {n}" in str([page.buttons for page in review])
    for aspect in ("Organisasi: ", "Usaha: ", "Keuangan: "):
        assert aspect + LONG.strip() in everything  # never cut
    buttons = [label for page in review for label in page.buttons]
    assert any(label.endswith("✏️ Orang yang ditemui 12") for label in buttons)
    assert any(label.endswith("🗑 Hapus Foto/dokumen 3") for label in buttons)
    assert all(
        label.split(". ", 1)[-1] != "✅ Kirim laporan" or label.startswith("1.")
        for label in buttons
    )
    back = await conv.press(ani.user, _button(review[-1], "◀ Halaman sebelumnya"))
    assert f"halaman {len(review) - 1} dari {len(review)}" in back.body


async def test_the_review_changes_and_deletes_each_repeated_entry(
    conv: Conversation, ani: Officer, register: dict[str, int]
) -> None:
    await _draft_at_review(conv, register["KSU Maju Jaya"], _long_report(3, 3))
    await ani.say("/kunjungan maju")
    await ani.press("KSU Maju Jaya · Lanjutkan draf")
    asked = await ani.choose("✏️ Orang yang ditemui 2")
    assert "Siapa yang ditemui" in asked.body
    review = await ani.say("Pak Budi, pengawas")  # back to the review, no "another one?"
    assert "Orang yang ditemui 2: Pak Budi, pengawas" in review.body
    await ani.choose("✏️ Tindak lanjut 3")
    await ani.say("Susun RAPB 2027")
    await ani.press("2. petugas")
    review = await ani.say("25-01-2027")
    assert "Tindak lanjut 3: Susun RAPB 2027 (petugas, paling lambat 25 Januari 2027)" in (
        "\n".join(page.body for page in await ani.review())
    )
    await ani.choose("🗑 Hapus Orang yang ditemui 1")
    await ani.choose("🗑 Hapus Tindak lanjut 1")
    await ani.choose("🗑 Hapus Temuan usaha")
    await ani.choose("🗑 Hapus Foto/dokumen 2")
    after = "\n".join(page.body for page in await ani.review())
    assert "Orang ke-1," not in after
    assert "Tindakan ke-1 " not in after
    assert "Usaha: " not in after
    saved = await ani.press("1. ✅ Kirim laporan")
    assert "2 tindak lanjut" in saved.body
    [version] = await _table(conv, KunjunganVersion)
    assert version.data["orang"] == ["Pak Budi, pengawas", "Orang ke-3, anggota pengurus"]
    assert version.data["temuan_usaha"] is None
    assert [photo["file_id"] for photo in version.data["foto"]] == ["AgAC0", "AgAC2"]
    rows = sorted(await _table(conv, TindakLanjut), key=lambda t: t.description)
    assert [(t.description, t.owner_kind, t.due_date) for t in rows] == [
        ("Susun RAPB 2027", "petugas", date(2027, 1, 25)),
        ("Tindakan ke-2", "pengurus", date(2027, 1, 20)),
    ]


async def test_the_checklist_is_ticked_with_buttons_and_typed_codes_still_count(
    conv: Conversation, ani: Officer, register: dict[str, int]
) -> None:
    await ani.say("/kunjungan sumber")
    await ani.press("Lengkap")
    await ani.press("1. Identifikasi kesiapan RAT")
    await ani.press("1. P — identifikasi, perencanaan")
    await ani.press("1. Sekarang")
    await ani.press("⏭ Lewati")  # location
    checklist = await ani.press("⏭ Lewati")  # persons
    assert "▫️ A1 Tutup buku" in checklist.body
    ticked = await ani.choose("▫️ A1 Tutup buku")
    assert "✓ A1 Tutup buku" in ticked.body  # the same question, A1 ticked
    await ani.choose("▫️ A4 LPJ pengurus")
    await ani.say("1")  # a typed option number: A1 unticked
    again = await ani.user.last_message()
    assert "▫️ A1 Tutup buku" in again.body
    assert "✓ A4 LPJ pengurus" in again.body
    temuan = await ani.choose("Selesai")
    assert "organisasi" in temuan.body
    # From the review the ticks are shown again and can change.
    for _ in range(4):  # three findings and the obstacles
        await ani.press("⏭ Lewati")
    await ani.press("⏭ Lewati")  # no follow-up
    await ani.press("1. Siap")
    for _ in range(4):  # planned RAT, next visit, note, photos
        await ani.press("⏭ Lewati")
    asked = await ani.choose("Daftar periksa (selesai)")
    assert "✓ A4 LPJ pengurus" in asked.body
    review = await ani.say("A4 a5")  # typed codes: these are the items done
    assert "A4, A5" in "\n".join(page.body for page in await ani.review())
    del review
    await ani.press("1. ✅ Kirim laporan")
    entries = await _table(conv, ChecklistEntry)
    assert sorted((e.item_code, e.status) for e in entries) == [
        ("A4", "selesai"),
        ("A5", "selesai"),
    ]
    [version] = await _table(conv, KunjunganVersion)
    assert version.data["checklist"] == ["A4", "A5"]
    assert "checklist_pilih" not in version.data


async def test_every_input_kind_refused_gets_the_reason_and_the_same_question(
    conv: Conversation, ani: Officer, register: dict[str, int]
) -> None:
    del register
    await ani.say("/kunjungan maju")
    await ani.press("Lengkap")
    await ani.press("6. Reaktivasi koperasi tidak aktif")
    await ani.user.send_sticker()  # a sticker where a choice is expected
    await conv.deliver()
    [sticker] = await ani.user.wait_for_reply()
    assert "Balas dengan nomor" in sticker.body or "nomor" in sticker.body
    assert "POAC" in sticker.body
    waktu = await ani.say("3")  # a typed option number: A — pendampingan
    assert "Kapan kunjungannya" in waktu.body
    future = await ani.say("05-01-2027 10.00")  # tomorrow
    assert "masa depan" in future.body
    assert "Kapan kunjungannya" in future.body
    await ani.say("2")  # Tadi pagi, typed
    await ani.press("⏭ Lewati")  # location
    await ani.press("⏭ Lewati")  # persons
    temuan = await ani.press("⏭ Lewati")  # checklist
    assert "Temuan aspek" in temuan.body
    await ani.user.send_sticker()  # a sticker where text is expected
    await conv.deliver()
    [sticker] = await ani.user.wait_for_reply()
    assert "teks" in sticker.body.lower()
    assert "Temuan aspek" in sticker.body
    blank = await ani.say(" \n\t ")  # whitespace only
    assert "kosong" in blank.body.lower()
    assert "Temuan aspek" in blank.body
    too_long = await ani.say("x" * 5000)  # one update of 5,000 characters
    assert "terlalu panjang" in too_long.body
    assert "Temuan aspek" in too_long.body
    async with conv.app.bot_data.services.uow(write=False) as uow:
        [session] = [
            s for s in await uow.session.scalars(select(FormSession)) if s.form == "kunjungan"
        ]
    assert session.step == "temuan_organisasi"
    assert session.answers["poac"] == "A"
    assert session.answers["waktu"] == "2027-01-04T09:00:00+07:00"
    assert "temuan_organisasi" not in session.answers


async def test_a_correction_records_only_the_checklist_items_it_adds(
    conv: Conversation, ani: Officer, clock: FrozenClock, register: dict[str, int]
) -> None:
    await ani.say("/kunjungan maju")
    await ani.press("Lengkap")
    await ani.press("1. Identifikasi kesiapan RAT")
    await ani.press("1. P — identifikasi, perencanaan")
    await ani.press("1. Sekarang")
    await ani.press("⏭ Lewati")
    await ani.press("⏭ Lewati")
    await ani.say("A1 A2")
    for _ in range(5):  # three findings, obstacles, follow-up
        await ani.press("⏭ Lewati")
    await ani.press("1. Siap")
    for _ in range(4):
        await ani.press("⏭ Lewati")
    await ani.press("1. ✅ Kirim laporan")
    # Since the visit the board reopened A1; later the officer corrects the verdict and adds A3.
    clock.advance(days=2)
    async with conv.app.bot_data.services.uow() as uow:
        a1 = (
            await uow.session.scalars(
                select(ChecklistEntry).where(ChecklistEntry.item_code == "A1")
            )
        ).one()
        a1.status, a1.recorded_by_officer, a1.updated_at = "proses", False, clock.now()
        await uow.commit()
    reopened_at = clock.now()
    clock.advance(days=1)
    await ani.say("/kunjungan maju")
    await ani.press("Koreksi laporan terakhir")
    await ani.choose("Kesiapan RAT")
    await ani.press("3. Belum siap")
    await ani.choose("Daftar periksa (selesai)")
    await ani.say("A1 A2 A3")
    saved = await ani.press("1. ✅ Kirim laporan")
    assert "versi 2" in saved.body
    entries = {e.item_code: e for e in await _table(conv, ChecklistEntry)}
    assert entries["A1"].status == "proses"  # the board's change stands
    assert entries["A1"].updated_at == reopened_at
    assert entries["A3"].status == "selesai"
    assert entries["A3"].recorded_by_officer
    assert entries["A2"].updated_at < reopened_at  # recorded once, by the first report
    del register


async def test_the_picker_costs_the_same_statements_however_many_cooperatives(
    conv: Conversation, ani: Officer, register: dict[str, int]
) -> None:
    engine = conv.app.bot_data.services.engine.sync_engine
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(str(args[2]))

    await _short_report(ani, "KSU Maju Jaya")  # a correctable report
    await ani.say("/kunjungan sumber")
    await ani.press("KSP Sumber Rejeki · Singkat")
    await ani.say("/batal")  # a draft
    counts = []
    for more in (0, 7):
        async with conv.app.bot_data.services.uow() as uow:
            for number in range(more):
                await add_koperasi(uow, f"Koperasi Tambahan {number}", petugas_id=register["ani"])
            await uow.commit()
        event.listen(engine, "before_cursor_execute", record)
        try:
            statements.clear()
            picker = await ani.say("/kunjungan")
            counts.append(len(statements))
        finally:
            event.remove(engine, "before_cursor_execute", record)
        assert "KSP Sumber Rejeki · Lanjutkan draf" in picker.buttons
        assert "Koreksi laporan terakhir" in picker.buttons
    assert len(picker.buttons) > 20  # ten cooperatives offered
    assert counts[0] == counts[1]
