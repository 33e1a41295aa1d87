"""/impor through the real application: template, upload, preview with reasons, confirm."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from config import AppConfig
from domain.access import Role
from domain.forms import FormStatus
from domain.register import template_columns
from storage.tables import AuditLog, FormSession, Koperasi, RatCycle
from telegram_stub import BotApiStub
from tests.helpers.bot import Conversation, conversation
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import BotMessage, Driver, UserSession
from tests.helpers.seed import find_koperasi

ADMIN, OTHER_ADMIN, OFFICER, STRANGER = 5001, 5002, 5003, 5004
HEADER = "nama;kecamatan;nik_koperasi;no_badan_hukum;jenis;rat_2025"
GOOD = [
    'KSU "Maju & Jaya" <Sejahtera>;Kota Anyar;3513070000000001;1/BH/XVI.12/2015;Simpan Pinjam;'
    "20-02-2026",
    "KUD Tani Mulyo; dringu ;;2/BH/XVI.12/1990;produsen;",
]
BAD = [
    "Koperasi Jauh;Jakarta;3513070000000003;;konsumen;",  # row 4: unknown kecamatan
    ";Tongas;3513070000000004;;konsumen;",  # row 5: no name
]
REGISTER = "\n".join([HEADER, *GOOD, *BAD]).encode()


async def _person(conv: Conversation, telegram_user_id: int, role: Role | None) -> None:
    services = conv.app.bot_data.services
    async with services.uow() as uow:
        person = await uow.people.add(telegram_user_id=telegram_user_id, now=services.clock.now())
        if role is not None:
            await uow.roles.grant(person.id, role, now=services.clock.now())
        await uow.commit()


@pytest.fixture
async def admin(conv: Conversation, driver: Driver) -> UserSession:
    await _person(conv, ADMIN, Role.ADMIN)
    return driver.user(ADMIN, "Adi")


async def _upload(
    conv: Conversation, user: UserSession, data: bytes, name: str, replies: int = 2
) -> list[BotMessage]:
    await conv.say(user, "/impor")
    await user.send_document(data, name)
    await conv.deliver()
    return await user.wait_for_reply(count=replies)


async def _count(conv: Conversation, entity: type[Koperasi] | type[RatCycle]) -> int:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(entity)) or 0)


async def _pending(conv: Conversation) -> FormSession:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        rows = await uow.session.scalars(
            select(FormSession).where(FormSession.form == "impor_berkas").order_by(FormSession.id)
        )
        return list(rows)[-1]


def _forge_press(stub: BotApiStub, user_id: int, data: str) -> str:
    """A callback query with any data on the user's latest bot message (a modified client)."""
    chat = stub.state.chats[user_id]
    assert chat.user is not None
    message = [m for m in chat.messages.values() if m.outgoing][-1]
    record = stub.state.new_callback(chat.user, message, data)
    payload = {
        "id": record.id,
        "from": chat.user.to_api(),
        "message": message.to_api(),
        "chat_instance": str(chat.id),
        "data": data,
    }
    stub.state.updates.push("callback_query", payload)
    return record.id


def _answer(stub: BotApiStub, query_id: str) -> dict[str, object]:
    return next(record for record in stub.callback_answers() if record["id"] == query_id)


async def test_admin_downloads_the_template_uploads_sees_reasons_and_confirms(
    conv: Conversation, admin: UserSession, stub: BotApiStub
) -> None:
    intro = await conv.say(admin, "/impor")
    assert "nik_koperasi" in intro.body
    assert "CSV atau XLSX" in intro.body
    await admin.press("📄 Unduh template")
    await conv.deliver()
    [template] = await admin.wait_for_reply()
    workbook = load_workbook(
        io.BytesIO(stub.state.file(template.media["document"]["file_id"]).data)
    )
    assert workbook.sheetnames == ["Koperasi", "Petunjuk"]
    header = [cell.value for cell in workbook["Koperasi"][1]]
    assert header == [column.name for column in template_columns()]
    guide = {row[0] for row in workbook["Petunjuk"].iter_rows(values_only=True)}
    assert set(header) <= guide

    await admin.send_document(REGISTER, "daftar.csv")
    await conv.deliver()
    received, preview = await admin.wait_for_reply(count=2)
    assert "Berkas diterima" in received.body
    assert "Ditambahkan: 2" in preview.body
    assert "Tidak valid (dilewati): 2" in preview.body
    assert "Baris 4" in preview.body
    assert "Bukan salah satu dari 24 kecamatan" in preview.body
    assert "Baris 5" in preview.body
    assert "Wajib diisi" in preview.body
    assert "✅ Impor 2 baris valid" in preview.buttons
    assert await _count(conv, Koperasi) == 0  # a preview writes nothing

    await admin.press("✅ Impor 2 baris valid")
    await conv.deliver()
    [done] = await admin.wait_for_reply()
    assert "2 ditambahkan, 0 diperbarui" in done.body
    assert stub.callback_answers()[-1]["answered"] is True
    async with conv.app.bot_data.services.uow(write=False) as uow:
        ksu = await find_koperasi(uow, nik_koperasi="3513070000000001")
        kud = await find_koperasi(uow, no_badan_hukum="2/BH/XVI.12/1990")
        audit = (await uow.session.scalars(select(AuditLog))).one()
    assert ksu is not None
    assert kud is not None
    assert (ksu.nama, ksu.kecamatan, ksu.jenis) == (
        'KSU "Maju & Jaya" <Sejahtera>',
        "Kotaanyar",
        "simpan_pinjam",
    )
    assert (kud.kecamatan, kud.jenis) == ("Dringu", "produsen")
    assert ksu.last_rat_tahun_buku == 2025
    # Recomputed at once: the register's RAT history drives the flags from the first day. On
    # 4 Jan 2027 both owe 2026 (a new current cycle each); the KUD missed 2025 altogether.
    assert await _count(conv, RatCycle) == 3  # the KSU's 2025 from the register, two for 2026
    assert kud.flag_tidak_rat  # 2025 ended a year ago with no RAT
    assert not ksu.flag_tidak_rat
    # A year the register's columns cover without a RAT counts as missed; a year before its
    # first column (rat_2025) is unknown: the KUD missed one year, not three; the KSU active.
    assert (kud.status_aktivitas, ksu.status_aktivitas) == ("AKTIF_BELUM_RAT", "AKTIF_RAT")
    assert (kud.rat_history_from, ksu.rat_history_from) == (2025, 2025)
    assert audit.action == "register.import"
    assert audit.details["added"] == 2
    assert (await _pending(conv)).status == FormStatus.APPLIED


async def test_a_double_tap_imports_once_and_a_second_upload_changes_nothing(
    conv: Conversation, admin: UserSession, stub: BotApiStub
) -> None:
    await _upload(conv, admin, REGISTER, "daftar.csv")
    pending = await _pending(conv)
    await admin.press("✅ Impor 2 baris valid")
    # The second tap of the same button arrives before the first one's keyboard is gone.
    second = _forge_press(stub, ADMIN, f"m:{pending.id}:ok")
    await conv.deliver()
    await admin.wait_for_reply()
    assert await _count(conv, Koperasi) == 2
    assert "sudah selesai" in str(_answer(stub, second)["answer"])
    async with conv.app.bot_data.services.uow(write=False) as uow:
        audits = list(await uow.session.scalars(select(AuditLog)))
    assert len(audits) == 1

    _, again = await _upload(conv, admin, REGISTER, "daftar.csv")
    assert "Ditambahkan: 0" in again.body
    assert "Diperbarui: 0" in again.body
    assert "Tidak ada perubahan" in again.body
    assert not any(label.startswith("✅") for label in again.buttons)


async def test_non_admins_are_refused(conv: Conversation, driver: Driver) -> None:
    await _person(conv, OFFICER, Role.PETUGAS)
    officer, stranger = driver.user(OFFICER, "Budi"), driver.user(STRANGER, "Siti")
    assert "tidak memiliki akses" in (await conv.say(officer, "/impor")).body
    assert "tidak memiliki akses" in (await conv.say(stranger, "/import")).body
    async with conv.app.bot_data.services.uow(write=False) as uow:
        sessions = list(await uow.session.scalars(select(FormSession)))
    assert sessions == []


async def test_forged_confirmations_are_refused_and_answered_once(
    conv: Conversation, admin: UserSession, driver: Driver, stub: BotApiStub
) -> None:
    await _upload(conv, admin, REGISTER, "daftar.csv")
    data = f"m:{(await _pending(conv)).id}:ok"
    await _person(conv, OTHER_ADMIN, Role.ADMIN)
    await _person(conv, OFFICER, Role.PETUGAS)
    for user_id in (OTHER_ADMIN, OFFICER):
        await conv.say(driver.user(user_id, "Lain"), "/bantuan")  # a chat with a bot message
    queries = [
        _forge_press(stub, OTHER_ADMIN, data),  # another admin's import
        _forge_press(stub, OFFICER, data),  # not an admin at all
        _forge_press(stub, OTHER_ADMIN, "m:999999:ok"),  # no such import
        _forge_press(stub, OTHER_ADMIN, "m:x:ok"),  # malformed
    ]
    await conv.deliver()
    answers = [_answer(stub, query) for query in queries]
    assert all(answer["answered"] for answer in answers)
    assert "tidak memiliki akses" in str(answers[0]["answer"])
    assert "tidak memiliki akses" in str(answers[1]["answer"])
    assert "kedaluwarsa" in str(answers[2]["answer"])
    assert "kedaluwarsa" in str(answers[3]["answer"])
    assert await _count(conv, Koperasi) == 0
    assert (await _pending(conv)).status == FormStatus.PENDING


async def test_other_files_are_refused_with_the_reason_and_the_same_question(
    conv: Conversation, admin: UserSession
) -> None:
    await conv.say(admin, "/impor")
    await admin.send_document(b"%PDF-1.4 berita acara", "berita_acara.pdf")
    await conv.deliver()
    [refused] = await admin.wait_for_reply()
    assert "harus CSV atau XLSX" in refused.body
    assert "Kirim berkasnya sekarang" in refused.body
    await admin.send_document(b"\xff\xfe n\x00a\x00m\x00a\x00", "utf16.csv")
    await conv.deliver()
    _, encoding = await admin.wait_for_reply(count=2)
    assert "bukan UTF-8" in encoding.body
    assert await _count(conv, Koperasi) == 0


async def test_a_file_over_20_mb_is_refused(conv: Conversation, admin: UserSession) -> None:
    await conv.say(admin, "/impor")
    await admin.send_document(b"x" * (20 * 1024 * 1024 + 1), "besar.csv")
    await conv.deliver()
    [refused] = await admin.wait_for_reply()
    assert "terlalu besar" in refused.body


async def test_many_invalid_rows_come_as_a_file(
    conv: Conversation, admin: UserSession, stub: BotApiStub
) -> None:
    rows = [f"Koperasi {n};Jakarta;35130700000001{n:02d};;;" for n in range(30)]
    data = "\n".join([HEADER, *GOOD, *rows]).encode()
    _, preview, attachment = await _upload(conv, admin, data, "daftar.csv", replies=3)
    assert "Baris tidak valid lainnya: 10" in preview.body
    assert len(preview.body) <= 4096
    workbook = load_workbook(
        io.BytesIO(stub.state.file(attachment.media["document"]["file_id"]).data)
    )
    listed = list(workbook.active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert listed[0] == ("baris", "kolom", "alasan")
    assert [row[0] for row in listed[1:]] == list(range(4, 34))


async def test_a_pending_import_survives_a_restart(
    cfg: AppConfig, clock: FrozenClock, driver: Driver
) -> None:
    admin = driver.user(ADMIN, "Adi")
    async with conversation(cfg, clock) as first:
        await _person(first, ADMIN, Role.ADMIN)
        await _upload(first, admin, REGISTER, "daftar.csv")
        await first.deliver()  # confirms the last updates, as a clean stop does
    async with conversation(cfg, clock) as second:
        await admin.press("✅ Impor 2 baris valid")
        await second.deliver()
        [done] = await admin.wait_for_reply()
        assert "2 ditambahkan" in done.body
        assert await _count(second, Koperasi) == 2


async def test_after_an_unreadable_file_the_next_file_is_taken(
    conv: Conversation, admin: UserSession
) -> None:
    await conv.say(admin, "/impor")
    await admin.send_document(b"\xff\xfe n\x00a\x00m\x00a\x00", "utf16.csv")
    await conv.deliver()
    _, encoding = await admin.wait_for_reply(count=2)
    assert "bukan UTF-8" in encoding.body
    assert "Kirim berkasnya sekarang" in encoding.body  # still waiting for the file
    await admin.send_document(b"nama;desa\nKUD Tani;Dringu\n", "tanpa_kolom.csv")
    await conv.deliver()
    _, missing = await admin.wait_for_reply(count=2)
    assert "tidak ada di baris judul" in missing.body
    assert "Kirim berkasnya sekarang" in missing.body
    await admin.send_document(REGISTER, "daftar.csv")
    await conv.deliver()
    received, preview = await admin.wait_for_reply(count=2)
    assert "Berkas diterima" in received.body
    assert "✅ Impor 2 baris valid" in preview.buttons


async def test_a_file_after_a_command_in_between_says_to_start_impor_again(
    conv: Conversation, admin: UserSession
) -> None:
    await conv.say(admin, "/impor")
    await admin.send_document(b"\xff\xfe n\x00a\x00m\x00a\x00", "utf16.csv")
    await conv.deliver()
    await admin.wait_for_reply(count=2)
    await conv.say(admin, "/bantuan")
    await admin.send_document(REGISTER, "daftar.csv")
    await conv.deliver()
    [hint] = await admin.wait_for_reply()
    assert "/impor" in hint.body
    assert "belum paham" not in hint.body
    intro = await conv.say(admin, "/impor")
    assert "Kirim berkasnya sekarang" in intro.body
    await admin.send_document(REGISTER, "daftar.csv")
    await conv.deliver()
    received, _ = await admin.wait_for_reply(count=2)
    assert "Berkas diterima" in received.body
