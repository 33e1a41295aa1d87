"""/petugas through the real application: workload, assignment per kecamatan and one by one,
moving, deactivating, the card's *Ganti petugas* — rows, audit and the officer's note."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.access import Role
from storage.tables import AuditLog, Koperasi, Outbox, RoleGrant
from telegram_stub import BotApiStub
from tests.helpers.bot import Conversation
from tests.helpers.driver import BotMessage, Driver, UserSession
from tests.helpers.seed import add_board_member, add_koperasi, add_person, answer_of, forge_press

ANI, BUDI, CITRA, ADMIN, PIMPINAN = 7001, 7002, 7003, 7009, 7008


@pytest.fixture
async def people(conv: Conversation) -> dict[str, int]:
    """Ani has one cooperative in Maron, Budi two in Tongas (one late, one board member
    unreachable), citra none; two in Maron wait in the admins' queue."""
    async with conv.app.bot_data.services.uow() as uow:
        ids = {
            key: (await add_person(uow, tg, name, roles=roles)).id
            for key, tg, name, roles in [
                ("ani", ANI, "Ani", [Role.PETUGAS]),
                ("budi", BUDI, "Budi", [Role.PETUGAS]),
                ("citra", CITRA, "citra", [Role.PETUGAS]),
                ("admin", ADMIN, "Dedi", [Role.ADMIN]),
                ("pimpinan", PIMPINAN, "Pak Kabid", [Role.PIMPINAN]),
            ]
        }
        owners = [
            ("Maron Satu", "Maron", "ani", ()),
            ("Maron Dua", "Maron", None, ()),
            ("Maron Tiga", "Maron", None, ()),
            ("Tongas Satu", "Tongas", "budi", ("TIDAK_RAT",)),
            ("Tongas Dua", "Tongas", "budi", ()),
        ]
        for nama, kecamatan, owner, flags in owners:
            made = await add_koperasi(
                uow,
                nama,
                kecamatan=kecamatan,
                petugas_id=ids[owner] if owner else None,
                flags=flags,
            )
            ids[nama] = made.id
        blocked = await add_person(uow, 7100, "Sari", reachable=False)
        await add_board_member(uow, blocked, ids["Tongas Satu"])
        await uow.commit()
    return ids


async def _press(conv: Conversation, user: UserSession, button: str) -> BotMessage:
    await user.press(button)
    await conv.deliver()
    return await user.last_message()


async def _officers(conv: Conversation) -> dict[str, int | None]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        rows = await uow.session.execute(select(Koperasi.nama, Koperasi.petugas_id))
        return {row[0]: row[1] for row in rows}


async def _audit(conv: Conversation) -> list[AuditLog]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        return list(await uow.session.scalars(select(AuditLog).order_by(AuditLog.id)))


async def _notes(conv: Conversation) -> list[Outbox]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        found = await uow.session.scalars(select(Outbox).where(Outbox.kind == "note"))
        return list(found)


async def test_officers_with_the_workload_counted_by_hand(
    conv: Conversation, driver: Driver, people: dict[str, int]
) -> None:
    admin = driver.user(ADMIN, "Dedi")
    listed = await conv.say(admin, "/petugas")
    assert "3 petugas aktif" in listed.body
    assert "Antrean admin (koperasi tanpa petugas): 2" in listed.body
    expected = [
        "1. Ani — 1 koperasi · 0 terlambat · 0 berisiko · 0 pengurus tak terjangkau",
        "2. Budi — 2 koperasi · 1 terlambat · 0 berisiko · 1 pengurus tak terjangkau",
        "3. citra — 0 koperasi · 0 terlambat · 0 berisiko · 0 pengurus tak terjangkau",
    ]
    for line in expected:
        assert line in listed.body
    assert listed.buttons == ["1", "2", "3"]


@pytest.mark.parametrize("user_id", [ANI, PIMPINAN, 7999])
async def test_only_admins_may_use_petugas(
    conv: Conversation, driver: Driver, stub: BotApiStub, people: dict[str, int], user_id: int
) -> None:
    user = driver.user(user_id, "Orang")
    refused = await conv.say(user, "/petugas")
    assert "tidak memiliki akses" in refused.body
    query = forge_press(stub, user_id, f"p:dx:{people['budi']}")
    await conv.deliver()
    answer = answer_of(stub, query)
    assert answer["answered"] is True
    assert "tidak memiliki akses" in answer["answer"]["text"]  # type: ignore[index]
    assert len(stub.calls("answerCallbackQuery")) == 1
    async with conv.app.bot_data.services.uow(write=False) as uow:
        assert await uow.roles.has_role(people["budi"], "petugas")


async def test_assign_by_kecamatan_unassigned_first_then_all(
    conv: Conversation, driver: Driver, stub: BotApiStub, people: dict[str, int]
) -> None:
    admin = driver.user(ADMIN, "Dedi")
    await conv.say(admin, "/petugas")
    officer = await _press(conv, admin, "3")
    assert "citra" in officer.body
    await _press(conv, admin, "Tugaskan per kecamatan")
    ask = await _press(conv, admin, "Maron")
    assert "Maron: 3 koperasi, 2 di antaranya tanpa petugas" in ask.body
    done = await _press(conv, admin, "Yang tanpa petugas (2)")
    assert "✓ 2 koperasi ditugaskan kepada citra" in done.body
    assert "0 koperasi · " not in done.body
    officers = await _officers(conv)
    assert officers["Maron Dua"] == officers["Maron Tiga"] == people["citra"]
    assert officers["Maron Satu"] == people["ani"]
    [note] = await _notes(conv)
    assert note.chat_id == CITRA
    assert note.payload["text"].startswith("2 koperasi ditugaskan kepada Anda")
    await _press(conv, admin, "Tugaskan per kecamatan")
    await _press(conv, admin, "Maron")
    everything = await _press(conv, admin, "Semua di kecamatan ini (3)")
    assert "✓ 1 koperasi ditugaskan kepada citra" in everything.body
    assert (await _officers(conv))["Maron Satu"] == people["citra"]
    audit = await _audit(conv)
    assert [(a.entity_id, a.details["old_petugas_id"]) for a in audit] == [
        (str(people["Maron Dua"]), None),
        (str(people["Maron Tiga"]), None),
        (str(people["Maron Satu"]), people["ani"]),
    ]
    assert {a.actor_person_id for a in audit} == {people["admin"]}
    _, gained, lost = await _notes(conv)
    assert (gained.chat_id, lost.chat_id) == (CITRA, ANI)  # the officer it was taken from too
    assert lost.payload["text"].startswith("1 koperasi yang Anda dampingi dipindahkan")
    assert all(call.status == 200 for call in stub.calls("editMessageText"))


async def test_assign_one_found_by_search(
    conv: Conversation, driver: Driver, people: dict[str, int]
) -> None:
    admin = driver.user(ADMIN, "Dedi")
    await conv.say(admin, "/petugas")
    await _press(conv, admin, "1")
    await admin.press("Tugaskan satu")
    await conv.deliver()
    [prompt] = await admin.wait_for_reply()
    assert "nama koperasi" in prompt.body
    await admin.send("tongas dua")
    await conv.deliver()
    _, results = await admin.wait_for_reply(count=2)
    assert "untuk menugaskan kepada Ani" in results.body
    assert "1. Tongas Dua — Tongas · Belum mulai · petugas: Budi" in results.body
    assigned = await _press(conv, admin, "1")
    assert "✓ 1 koperasi ditugaskan kepada Ani" in assigned.body
    assert (await _officers(conv))["Tongas Dua"] == people["ani"]
    assert [note.chat_id for note in await _notes(conv)] == [ANI, BUDI]
    [audit] = await _audit(conv)
    assert audit.details == {
        "old_petugas_id": people["budi"],
        "new_petugas_id": people["ani"],
        "via": "one",
    }


async def test_move_one_then_all(
    conv: Conversation, driver: Driver, people: dict[str, int]
) -> None:
    admin = driver.user(ADMIN, "Dedi")
    await conv.say(admin, "/petugas")
    await _press(conv, admin, "2")
    picker = await _press(conv, admin, "Pindahkan")
    assert picker.buttons[:2] == ["Ani (1)", "citra (0)"]  # not Budi himself
    ask = await _press(conv, admin, "Ani (1)")
    assert "semua 2 koperasi" in ask.body
    one = await _press(conv, admin, "Pilih satu")
    assert "1. Tongas Dua" in one.body
    moved = await _press(conv, admin, "1")
    assert "✓ 1 koperasi ditugaskan kepada Ani" in moved.body
    assert "Budi" in moved.body
    assert (await _officers(conv))["Tongas Dua"] == people["ani"]
    await _press(conv, admin, "Pindahkan")
    await _press(conv, admin, "Ani (2)")
    rest = await _press(conv, admin, "Semua (1)")
    assert "✓ 1 koperasi dipindahkan kepada Ani" in rest.body
    officers = await _officers(conv)
    assert officers["Tongas Satu"] == officers["Tongas Dua"] == people["ani"]
    assert [a.details["via"] for a in await _audit(conv)] == ["one", "move_all"]
    # Sari, on Tongas Satu's board, blocked the bot: nothing is queued for her.
    assert [note.chat_id for note in await _notes(conv)] == [ANI, BUDI, ANI, BUDI]


async def test_deactivate_sends_the_cooperatives_to_the_queue(
    conv: Conversation, driver: Driver, people: dict[str, int]
) -> None:
    admin, budi = driver.user(ADMIN, "Dedi"), driver.user(BUDI, "Budi")
    await conv.say(admin, "/petugas")
    await _press(conv, admin, "2")
    confirm = await _press(conv, admin, "Nonaktifkan")
    assert "2 koperasinya masuk antrean admin" in confirm.body
    assert (await _officers(conv))["Tongas Satu"] == people["budi"]  # asked, not done yet
    done = await _press(conv, admin, "Ya, nonaktifkan")
    assert "Budi tidak lagi menjadi petugas; 2 koperasi masuk antrean admin" in done.body
    officers = await _officers(conv)
    assert officers["Tongas Satu"] is None
    assert officers["Tongas Dua"] is None
    async with conv.app.bot_data.services.uow(write=False) as uow:
        grant = (
            await uow.session.scalars(
                select(RoleGrant).where(RoleGrant.person_id == people["budi"])
            )
        ).one()
    assert grant.active is False
    audit = await _audit(conv)
    assert [a.action for a in audit] == ["koperasi.petugas", "koperasi.petugas", "role.revoke"]
    assert audit[-1].details == {
        "role": "petugas",
        "koperasi_ids": [people["Tongas Satu"], people["Tongas Dua"]],
    }
    listed = await _press(conv, admin, "Kembali")
    assert "2 petugas aktif" in listed.body
    assert "Antrean admin (koperasi tanpa petugas): 4" in listed.body
    refused = await conv.say(budi, "/koperasi")
    assert "tidak memiliki akses" in refused.body


async def test_change_officer_from_the_card(
    conv: Conversation, driver: Driver, people: dict[str, int]
) -> None:
    admin = driver.user(ADMIN, "Dedi")
    await conv.say(admin, "/koperasi")
    card = await _press(conv, admin, "1")  # Maron Dua, in the queue
    assert card.body.startswith("Maron Dua")
    picker = await _press(conv, admin, "Ganti petugas")
    assert "sekarang: antrean admin" in picker.body
    changed = await _press(conv, admin, "citra (0)")
    assert "✓ 1 koperasi ditugaskan kepada citra" in changed.body
    assert "Petugas: citra" in changed.body
    await _press(conv, admin, "Ganti petugas")
    queued = await _press(conv, admin, "Antrean admin (tanpa petugas)")
    assert "✓ Koperasi masuk antrean admin." in queued.body
    assert "Petugas: belum ada (antrean admin)" in queued.body
    assert (await _officers(conv))["Maron Dua"] is None
    assert [a.details["new_petugas_id"] for a in await _audit(conv)] == [people["citra"], None]


async def test_a_forged_assignment_to_someone_who_is_not_an_officer_changes_nothing(
    conv: Conversation, driver: Driver, stub: BotApiStub, people: dict[str, int]
) -> None:
    admin = driver.user(ADMIN, "Dedi")
    await conv.say(admin, "/petugas")
    before = await _officers(conv)
    query = forge_press(stub, ADMIN, f"p:a:{people['Maron Dua']}:{people['pimpinan']}:0")
    await conv.deliver()
    answer = answer_of(stub, query)
    assert "bukan (atau tidak lagi) petugas aktif" in answer["answer"]["text"]  # type: ignore[index]
    assert len(stub.calls("answerCallbackQuery")) == 1
    assert await _officers(conv) == before
    assert await _audit(conv) == []
    assert (await admin.last_message()).edit_count == 0


async def test_back_to_the_list_after_changing_the_officer_keeps_the_search(
    conv: Conversation, driver: Driver, people: dict[str, int]
) -> None:
    admin = driver.user(ADMIN, "Dedi")
    await admin.send("/koperasi Maron")
    await conv.deliver()
    _, results = await admin.wait_for_reply(count=2)
    assert "3 koperasi" in results.body
    card = await _press(conv, admin, "1")
    picker = await _press(conv, admin, "Ganti petugas")
    back = await _press(conv, admin, "Kembali")  # from the picker: the card, then the list
    assert back.body == card.body
    await _press(conv, admin, "Ganti petugas")
    changed = await _press(conv, admin, "citra (0)")
    assert "✓ 1 koperasi ditugaskan kepada citra" in changed.body
    listed = await _press(conv, admin, "Kembali ke daftar")
    assert "pencarian «Maron»" in listed.body
    assert "3 koperasi" in listed.body
    assert "sekarang" in picker.body


async def test_an_officer_may_not_change_the_officer_of_a_card(
    conv: Conversation, driver: Driver, stub: BotApiStub, people: dict[str, int]
) -> None:
    ani = driver.user(ANI, "Ani")
    await conv.say(ani, "/koperasi")
    for data in (f"k:g:{people['Maron Satu']}:0:0:-", f"k:a:{people['Maron Satu']}:0:0:-"):
        query = forge_press(stub, ANI, data)
        await conv.deliver()
        answer = answer_of(stub, query)
        assert "tidak memiliki akses" in answer["answer"]["text"]  # type: ignore[index]
    assert (await _officers(conv))["Maron Satu"] == people["ani"]


async def test_petugas_takes_a_name_as_its_argument(
    conv: Conversation, driver: Driver, people: dict[str, int]
) -> None:
    admin = driver.user(ADMIN, "Dedi")
    one = await conv.say(admin, "/petugas budi")
    assert one.body.startswith("Budi")  # her screen, with what the admin can do
    assert "Tugaskan satu" in one.buttons
    several = await conv.say(admin, "/petugas i")  # Ani, Budi, citra
    assert "namanya memuat «i»" in several.body
    assert "3 petugas aktif" in several.body
    none = await conv.say(admin, "/petugas Zainal")
    assert "Tidak ada petugas aktif yang namanya memuat «Zainal»" in none.body
    assert "3 petugas aktif" in none.body
    english = await conv.say(admin, "/officers CITRA")
    assert english.body.startswith("citra")


async def test_the_people_concerned_are_told_of_a_new_officer_or_a_deactivation(
    conv: Conversation, driver: Driver, people: dict[str, int]
) -> None:
    async with conv.app.bot_data.services.uow() as uow:
        eka = await add_person(uow, 7201, "Eka")
        eka.language = "en"
        await add_board_member(uow, eka, people["Tongas Dua"])
        await uow.commit()
    admin = driver.user(ADMIN, "Dedi")
    await conv.say(admin, "/petugas")
    await _press(conv, admin, "2")
    await _press(conv, admin, "Pindahkan")
    await _press(conv, admin, "Ani (1)")
    await _press(conv, admin, "Pilih satu")
    await _press(conv, admin, "1")  # Tongas Dua: Budi → Ani
    texts = {note.chat_id: note.payload["text"] for note in await _notes(conv)}
    assert texts[7201] == "The field officer of <b>Tongas Dua</b> is now Ani."
    assert texts[BUDI].startswith("1 koperasi yang Anda dampingi dipindahkan")
    assert texts[ANI].startswith("1 koperasi ditugaskan kepada Anda")

    await conv.say(admin, "/petugas")
    await _press(conv, admin, "1")  # Ani, now with Maron Satu and Tongas Dua
    await _press(conv, admin, "Nonaktifkan")
    await _press(conv, admin, "Ya, nonaktifkan")
    notes = await _notes(conv)
    to_ani = [n.payload["text"] for n in notes if n.chat_id == ANI]
    assert "Peran Anda sebagai petugas pendamping di Gempur telah dicabut" in to_ani[-1]
    assert not any("dipindahkan" in text for text in to_ani)  # told of the deactivation only
    to_eka = [n.payload["text"] for n in notes if n.chat_id == 7201]
    assert "<b>Tongas Dua</b> has no field officer for the time being" in to_eka[-1]
