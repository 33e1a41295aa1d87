"""The officer's worklist through the real application: its first five lines on /start's home,
all of it behind *Perlu tindakan* on /koperasi, in order, and never another officer's."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from domain.access import Role
from storage.tables import ChecklistEntry, Kunjungan, TindakLanjut
from storage.uow import UnitOfWork
from tests.helpers.bot import Conversation
from tests.helpers.driver import Driver
from tests.helpers.seed import NOW, add_board_member, add_koperasi, add_person

ANI, BUDI = 6301, 6302
RECENT = NOW - timedelta(days=5)
# Worklist order: overdue follow-up, returned item, RAWAN, never visited, 64 days, board.
ORDER = ["Kop Tenggat", "Kop Kembali", "Kop Rawan", "Kop Baru", "Kop Jauh", "Kop Sepi"]


async def _visit(uow: UnitOfWork, koperasi_id: int, petugas_id: int, when: datetime) -> None:
    uow.session.add(
        Kunjungan(
            koperasi_id=koperasi_id,
            petugas_id=petugas_id,
            status="submitted",
            jenis="pembinaan",
            visited_at=when,
            created_at=when,
            updated_at=when,
            submitted_at=when,
        )
    )


def _follow_up(koperasi_id: int, due: date) -> TindakLanjut:
    return TindakLanjut(
        koperasi_id=koperasi_id,
        description="Lengkapi laporan",
        owner_kind="pengurus",
        due_date=due,
        created_at=NOW,
    )


@pytest.fixture
async def register(conv: Conversation) -> dict[str, int]:
    """Ani mentors six cooperatives needing action and a quiet one; Budi one overdue."""
    async with conv.app.bot_data.services.uow() as uow:
        ani = await add_person(uow, ANI, "Ani", roles=[Role.PETUGAS])
        budi = await add_person(uow, BUDI, "Budi", roles=[Role.PETUGAS])
        ids = {}
        for nama in [*ORDER, "Kop Tenang"]:
            status = "RAWAN" if nama == "Kop Rawan" else "AKTIF_RAT"
            target = date(2027, 3, 31) if nama == "Kop Kembali" else None
            made = await add_koperasi(
                uow, nama, petugas_id=ani.id, target_date=target, status_aktivitas=status
            )
            ids[nama] = made.id
            if nama == "Kop Jauh":
                await _visit(uow, made.id, ani.id, NOW - timedelta(days=64))
            elif nama != "Kop Baru":
                await _visit(uow, made.id, ani.id, RECENT)
        budis = await add_koperasi(uow, "Milik Budi", petugas_id=budi.id)
        uow.session.add(_follow_up(budis.id, date(2026, 12, 1)))
        uow.session.add(_follow_up(ids["Kop Tenggat"], date(2026, 12, 25)))
        uow.session.add(_follow_up(ids["Kop Tenang"], date(2027, 1, 10)))  # not due yet
        kembali = await uow.koperasi.get(ids["Kop Kembali"])
        assert kembali is not None
        assert kembali.current_rat_cycle_id is not None
        uow.session.add(
            ChecklistEntry(
                rat_cycle_id=kembali.current_rat_cycle_id,
                item_code="A1",
                status="selesai",
                verification="returned",
                verified_at=NOW - timedelta(days=2),
                return_note="Foto buram",
                updated_at=NOW,
            )
        )
        lost = await add_person(uow, 6303, "Hilang", reachable=False)
        await add_board_member(uow, lost, ids["Kop Sepi"])
        await uow.commit()
    return ids


def _positions(body: str, names: list[str]) -> list[int]:
    return [body.index(f". {nama} — ") for nama in names]


async def test_the_officers_home_starts_with_the_first_five_worklist_lines(
    conv: Conversation, driver: Driver, register: dict[str, int]
) -> None:
    home = await conv.say(driver.user(ANI, "Ani"), "/start")
    assert "Perlu tindakan" in home.body
    assert _positions(home.body, ORDER[:5]) == sorted(_positions(home.body, ORDER[:5]))
    assert "1 tindak lanjut lewat tenggat" in home.body
    assert "1 butir dikembalikan" in home.body
    assert "belum pernah dikunjungi" in home.body
    assert "64 hari sejak kunjungan terakhir" in home.body
    assert "Kop Sepi" not in home.body  # the sixth line
    assert "dan 1 lainnya" in home.body
    assert "Kop Tenang" not in home.body
    assert "Milik Budi" not in home.body


async def test_perlu_tindakan_on_koperasi_lists_every_flagged_cooperative_in_order(
    conv: Conversation, driver: Driver, register: dict[str, int]
) -> None:
    ani = driver.user(ANI, "Ani")
    listed = await conv.say(ani, "/koperasi")
    assert "8 koperasi" not in listed.body  # Budi's cooperative is not Ani's
    assert "7 koperasi" in listed.body
    assert "⚠️ Perlu tindakan (6)" in listed.buttons
    await ani.press("⚠️ Perlu tindakan (6)")
    await conv.deliver()
    work = await ani.last_message()
    assert work.message_id == listed.message_id  # shown in place
    assert _positions(work.body, ORDER) == sorted(_positions(work.body, ORDER))
    assert "1 pengurus tak bisa dihubungi" in work.body
    assert "Kop Tenang" not in work.body
    assert "Milik Budi" not in work.body
    await ani.press("1")
    await conv.deliver()
    card = await ani.last_message()
    assert "Kop Tenggat" in card.body


async def test_another_officer_sees_only_their_own_worklist(
    conv: Conversation, driver: Driver, register: dict[str, int]
) -> None:
    home = await conv.say(driver.user(BUDI, "Budi"), "/start")
    assert "1. Milik Budi — " in home.body
    assert not any(nama in home.body for nama in [*ORDER, "Kop Tenang"])
    listed = await conv.say(driver.user(BUDI, "Budi"), "/koperasi")
    assert "⚠️ Perlu tindakan (1)" in listed.buttons


async def test_a_long_worklist_is_paged_and_every_line_reaches_its_card(
    conv: Conversation, driver: Driver
) -> None:
    async with conv.app.bot_data.services.uow() as uow:
        cici = await add_person(uow, 6310, "Cici", roles=[Role.PETUGAS])
        for number in range(1, 24):  # never visited: all 23 need a visit
            await add_koperasi(uow, f"Kop Desa {number:02d}", petugas_id=cici.id)
        await uow.commit()
    user = driver.user(6310, "Cici")
    listed = await conv.say(user, "/koperasi")
    await user.press("⚠️ Perlu tindakan (23)")
    await conv.deliver()
    first = await user.last_message()
    assert "(23 koperasi)" in first.body
    assert "1. Kop Desa 01 — " in first.body
    assert "10. Kop Desa 10 — " in first.body
    assert "Kop Desa 11" not in first.body
    assert "1/3" in first.buttons
    await user.press("▶︎")
    await conv.deliver()
    second = await user.last_message()
    assert second.message_id == listed.message_id  # shown in place
    assert "11. Kop Desa 11 — " in second.body
    assert "20. Kop Desa 20 — " in second.body
    assert "2/3" in second.buttons
    await user.press("▶︎")
    await conv.deliver()
    third = await user.last_message()
    assert "23. Kop Desa 23 — " in third.body
    assert "▶︎" not in third.buttons
    await user.press("23")
    await conv.deliver()
    card = await user.last_message()
    assert "Kop Desa 23" in card.body
