"""An officer logs a full visit against the bot polling the stand-in, with a SIGKILL in the
middle: location, two persons met, the draft resumed after the restart, a checklist item, two
follow-ups, a voice note and an album of photos, then the review and submit."""

from __future__ import annotations

import asyncio
import signal
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from domain.access import Role
from storage.engine import create_engine, session_factory
from storage.tables import Kunjungan, KunjunganVersion, TindakLanjut
from storage.uow import UnitOfWork
from telegram_stub import BotApiStub
from tests.e2e.test_crash import _kill, _start
from tests.helpers.bot import migrate, sqlite_url
from tests.helpers.driver import BotMessage, Driver, UserSession
from tests.helpers.seed import add_koperasi, add_person

ANI = 6101
WIB = ZoneInfo("Asia/Jakarta")


def _write_config(path: Path, stub: BotApiStub, url: str) -> None:
    path.write_text(
        f'[telegram]\ntoken = "{stub.token}"\nbase_url = "{stub.bot_base_url}"\n'
        f'base_file_url = "{stub.file_base_url}"\npoll_timeout_seconds = 1\n'
        f'[database]\nurl = "{url}"\n[forms]\nalbum_quiet_seconds = 0.3\n',
        encoding="utf-8",
    )


async def _seed(url: str) -> None:
    engine = create_engine(url)
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            ani = await add_person(uow, ANI, "Ani", roles=[Role.PETUGAS])
            await add_koperasi(uow, "KSU Tani Makmur", petugas_id=ani.id)
            await uow.commit()
    finally:
        await engine.dispose()


async def _rows(url: str) -> tuple[list[Kunjungan], list[KunjunganVersion], list[TindakLanjut]]:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            return (
                list(await session.scalars(select(Kunjungan))),
                list(await session.scalars(select(KunjunganVersion))),
                list(await session.scalars(select(TindakLanjut))),
            )
    finally:
        await engine.dispose()


async def _press(ani: UserSession, button: str) -> BotMessage:
    await ani.press(button)
    return (await ani.wait_for_reply(timeout=15))[-1]


async def _send(ani: UserSession, text: str, wait: float = 15) -> BotMessage:
    await ani.send(text)
    return (await ani.wait_for_reply(timeout=wait))[-1]


async def test_officer_logs_a_full_visit_across_a_crash(
    tmp_path: Path, stub: BotApiStub, driver: Driver
) -> None:
    url = sqlite_url(tmp_path)
    await migrate(url)
    await _seed(url)
    config = tmp_path / "config.toml"
    _write_config(config, stub, url)
    ani = driver.user(ANI, "Ani")
    # The bot reads the system clock: due dates a week and two ahead of the region's today.
    today = datetime.now(WIB).date()
    first = await _start(config)
    try:
        picker = await _send(ani, "/kunjungan tani", wait=30)
        assert "KSU Tani Makmur · Singkat" in picker.buttons
        await _press(ani, "Lengkap")
        await _press(ani, "1. Identifikasi kesiapan RAT")
        await _press(ani, "1. P — identifikasi, perencanaan")
        await _press(ani, "1. Sekarang")
        await ani.share_location(-7.75, 113.21)
        await ani.wait_for_reply(timeout=15)
        await _send(ani, "Bu Sri, bendahara")
        await _press(ani, "1. Tambah lagi")
        await _send(ani, "Pak Joko, ketua")
        checklist = await _press(ani, "2. Lanjut")
        assert "Daftar periksa RAT" in checklist.body
    finally:
        await _kill(first)
    second = await _start(config)
    try:
        # The new process takes the dead one's lease first (up to 30 s on SQLite).
        picker = await _send(ani, "/kunjungan", wait=45)
        assert "KSU Tani Makmur · Lanjutkan draf" in picker.buttons
        resumed = await _press(ani, "KSU Tani Makmur · Lanjutkan draf")
        assert "Daftar periksa RAT" in resumed.body  # the same step, after the crash
        ticked = await _press(ani, "1. ▫️ A1 Tutup buku")
        assert "1. ✓ A1 Tutup buku" in ticked.body
        await _press(ani, "15. Selesai")
        for _ in range(4):  # three findings and the obstacles
            await _press(ani, "⏭ Lewati")
        await _send(ani, "Tutup buku 2026")
        await _press(ani, "1. pengurus koperasi")
        await _send(ani, (today + timedelta(days=7)).strftime("%d-%m-%Y"))
        await _press(ani, "1. Tambah lagi")
        await _send(ani, "Cek entri ODS")
        await _press(ani, "2. petugas")
        await _send(ani, (today + timedelta(days=14)).strftime("%d-%m-%Y"))
        await _press(ani, "2. Lanjut")
        await _press(ani, "2. Perlu pendampingan")
        await _press(ani, "⏭ Lewati")  # planned RAT date
        await _press(ani, "⏭ Lewati")  # next visit
        await ani.send_voice()
        photos = (await ani.wait_for_reply(timeout=15))[-1]
        assert "foto" in photos.body.lower()
        await ani.send_album(3)
        [review] = await ani.wait_for_reply(timeout=15)
        assert "3 berkas diterima" in review.body
        assert "halaman 1 dari" in review.body
        assert "Orang yang ditemui 1: Bu Sri, bendahara" in review.body
        assert "Orang yang ditemui 2: Pak Joko, ketua" in review.body
        [next_page] = [label for label in review.buttons if label.endswith("Halaman berikutnya ▶")]
        second_page = await _press(ani, next_page)
        assert "Tindak lanjut 2: Cek entri ODS (petugas" in second_page.body
        saved = await _press(ani, "1. ✅ Kirim laporan")
        assert "2 tindak lanjut" in saved.body
    finally:
        second.send_signal(signal.SIGTERM)
        await asyncio.wait_for(second.wait(), timeout=20)
        await _kill(second)
    visits, versions, follow_ups = await _rows(url)
    assert [(v.jenis, v.poac, v.verdict) for v in visits] == [
        ("identifikasi", "P", "perlu_pendampingan")
    ]
    [version] = versions
    assert version.data["lokasi"] == {"latitude": -7.75, "longitude": 113.21}
    assert version.data["orang"] == ["Bu Sri, bendahara", "Pak Joko, ketua"]
    assert version.data["checklist_snapshot"]["A1"] == "selesai"
    assert "voice" in version.data["catatan"]
    assert len(version.data["foto"]) == 3
    assert sorted(t.owner_kind for t in follow_ups) == ["pengurus", "petugas"]
