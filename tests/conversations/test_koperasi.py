"""/koperasi through the real application: scope, pages edited in place, filters, search, the
card, removing a board member, and forged buttons refused (answered once, nothing shown)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.access import Role
from storage.tables import AuditLog, Outbox, RoleGrant
from telegram_stub import BotApiStub
from tests.helpers.bot import Conversation
from tests.helpers.driver import BotMessage, Driver, UserSession
from tests.helpers.seed import add_board_member, add_koperasi, add_person, answer_of, forge_press

HTML_NAME = 'KSU "Maju & Jaya" <Sejahtera>'
ANI, BUDI, ADMIN = 6001, 6002, 6009


@pytest.fixture
async def register(conv: Conversation) -> dict[str, int]:
    """Ani mentors 23 cooperatives and the HTML-named one, Budi two; one is in the queue."""
    async with conv.app.bot_data.services.uow() as uow:
        ani = await add_person(uow, ANI, "Ani", roles=[Role.PETUGAS])
        budi = await add_person(uow, BUDI, "Budi", roles=[Role.PETUGAS])
        await add_person(uow, ADMIN, "Dedi", roles=[Role.ADMIN])
        ids = {}
        for number in range(1, 24):
            kecamatan = "Kotaanyar" if number % 5 == 0 else "Maron"
            flags = ("TERLAMBAT_TARGET",) if number % 7 == 0 else ()
            made = await add_koperasi(
                uow, f"Koperasi {number:02}", kecamatan=kecamatan, petugas_id=ani.id, flags=flags
            )
            ids[made.nama] = made.id
        special = await add_koperasi(
            uow,
            HTML_NAME,
            kecamatan="Kota Anyar",
            petugas_id=ani.id,
            tahap="PERSIAPAN",
            nik_koperasi="35.13-001",
            alamat="Jl. Raya <Maron> & Co",
            jenis="serba_usaha",
        )
        ids[HTML_NAME] = special.id
        for nama in ("Milik Budi A", "Milik Budi B"):
            ids[nama] = (await add_koperasi(uow, nama, petugas_id=budi.id)).id
        ids["Antrean"] = (await add_koperasi(uow, "Antrean Satu", kecamatan="Tongas")).id
        siti = await add_person(
            uow, 6100, "Siti <b>Rahayu</b>", phone="+6281234567890", username="siti_r"
        )
        await add_board_member(uow, siti, special.id, "ketua")
        joko = await add_person(uow, 6101, "Joko", phone="+6289999999999")
        await add_board_member(uow, joko, special.id, "bendahara")
        ids["siti"], ids["joko"] = siti.id, joko.id
        await uow.commit()
    return ids


async def _press(conv: Conversation, user: UserSession, button: str) -> BotMessage:
    await user.press(button)
    await conv.deliver()
    return await user.last_message()


def _no_refused_edits(stub: BotApiStub) -> None:
    edits = stub.calls("editMessageText")
    assert edits, "expected edits"
    assert [call.status for call in edits] == [200] * len(edits)


def _every_callback_answered_once(stub: BotApiStub) -> None:
    delivered = [record["id"] for record in stub.callback_answers()]
    answers = [call.params["callback_query_id"] for call in stub.calls("answerCallbackQuery")]
    assert sorted(answers) == sorted(delivered)  # each once, none twice, none left out
    assert all(call.status == 200 for call in stub.calls("answerCallbackQuery"))


async def test_an_officer_pages_through_only_their_cooperatives_in_place(
    conv: Conversation, driver: Driver, stub: BotApiStub, register: dict[str, int]
) -> None:
    ani = driver.user(ANI, "Ani")
    first = await conv.say(ani, "/koperasi")
    assert "24 koperasi" in first.body
    assert "halaman 1 dari 3" in first.body
    assert "1. Koperasi 01 — Maron · Belum mulai" in first.body
    assert "7. Koperasi 07 — Maron · Belum mulai · ⚠️ terlambat target" in first.body
    assert "Koperasi 11" not in first.body
    assert "Milik Budi" not in first.body
    assert first.buttons[:10] == [str(n) for n in range(1, 11)]
    assert {"1/3", "▶︎", "Filter", "Cari"} <= set(first.buttons)

    second = await _press(conv, ani, "▶︎")
    assert second.message_id == first.message_id  # edited in place
    assert second.edit_count == 1
    assert "11. Koperasi 11" in second.body
    assert "halaman 2 dari 3" in second.body

    same = await _press(conv, ani, "2/3")  # the page already shown: no edit at all
    assert same.edit_count == 1
    await ani.press("▶︎")
    await ani.press("▶︎")  # a double tap: both carry page 2
    await conv.deliver()
    third = await ani.last_message()
    assert third.edit_count == 2
    assert "24. " in third.body
    assert HTML_NAME in third.body
    back = await _press(conv, ani, "◀︎")
    assert back.edit_count == 3
    assert "halaman 2 dari 3" in back.body
    assert len(await ani.messages()) == 1  # every screen was the one message
    _no_refused_edits(stub)
    _every_callback_answered_once(stub)


async def test_the_card_escapes_names_and_shows_no_phone_or_username(
    conv: Conversation, driver: Driver, stub: BotApiStub, register: dict[str, int]
) -> None:
    ani = driver.user(ANI, "Ani")
    await conv.say(ani, "/koperasi")
    await _press(conv, ani, "▶︎")
    await _press(conv, ani, "▶︎")
    card = await _press(conv, ani, "24")
    assert card.body.startswith(HTML_NAME)
    assert "Tahap: Persiapan" in card.body
    assert "Petugas: Ani" in card.body
    assert "NIK koperasi: 35.13-001" in card.body
    assert "Alamat: Jl. Raya <Maron> & Co" in card.body
    assert "Jenis: serba usaha" in card.body
    assert "• Siti <b>Rahayu</b> — ketua" in card.body
    assert "• Joko — bendahara" in card.body
    for private in ("6281234567890", "6289999999999", "siti_r", "+62"):
        assert private not in card.body
    sent = stub.calls("editMessageText")[-1].params["text"]
    assert '<b>KSU "Maju &amp; Jaya" &lt;Sejahtera&gt;</b>' in sent
    assert "Siti &lt;b&gt;Rahayu&lt;/b&gt;" in sent
    assert "Hapus pengurus: Siti <b>Rahayu</b>" in card.buttons
    assert "Ganti petugas" not in card.buttons  # admins only
    listed = await _press(conv, ani, "Kembali ke daftar")
    assert "halaman 3 dari 3" in listed.body
    _no_refused_edits(stub)


async def test_an_admin_sees_the_region_and_the_queue(
    conv: Conversation, driver: Driver, register: dict[str, int]
) -> None:
    admin = driver.user(ADMIN, "Dedi")
    first = await conv.say(admin, "/koperasi")
    assert "Koperasi Kabupaten Probolinggo" in first.body
    assert "27 koperasi" in first.body
    assert "1. Antrean Satu — Tongas" in first.body
    card = await _press(conv, admin, "1")
    assert "Petugas: belum ada (antrean admin)" in card.body
    assert "Belum ada pengurus yang terhubung." in card.body
    assert "Ganti petugas" in card.buttons


async def test_forged_buttons_are_refused_answered_once_and_show_nothing(
    conv: Conversation, driver: Driver, stub: BotApiStub, register: dict[str, int]
) -> None:
    ani, budi = driver.user(ANI, "Ani"), driver.user(BUDI, "Budi")
    await conv.say(budi, "/koperasi")
    listed = await conv.say(ani, "/koperasi")
    foreign = register["Milik Budi A"]
    special, siti = register[HTML_NAME], register["siti"]
    forged = [
        forge_press(stub, ANI, f"k:c:{foreign}:0:-"),  # Budi's cooperative
        forge_press(stub, ANI, f"k:r:{foreign}:{siti}:0:-"),  # removal on Budi's card
        forge_press(stub, BUDI, f"k:rx:{special}:{siti}:0:-"),  # Ani's board, by Budi
        forge_press(stub, BUDI, f"p:a:{special}:{ANI}:0"),  # /petugas is for admins
    ]
    stale = [
        forge_press(stub, ANI, data)
        for data in ("k:c:abc:0:-", "k:c:99999999999999999999:0:-", "k:c:\u0663:0:-", "k:zz")
    ]
    await conv.deliver()
    for query_id in forged:
        answer = answer_of(stub, query_id)
        assert answer["answered"] is True
        assert "tidak memiliki akses" in answer["answer"]["text"]  # type: ignore[index]
    for query_id in stale:
        assert "kedaluwarsa" in answer_of(stub, query_id)["answer"]["text"]  # type: ignore[index]
    after = await ani.last_message()
    assert (after.message_id, after.edit_count, after.body) == (
        listed.message_id,
        0,
        listed.body,
    )
    async with conv.app.bot_data.services.uow(write=False) as uow:
        seat = await uow.roles.has_role(siti, "pengurus", koperasi_id=special)
    assert seat  # nobody removed Siti
    _every_callback_answered_once(stub)


@pytest.mark.parametrize(
    "roles",
    [[], "pengurus"],
    ids=["stranger", "pengurus"],
)
async def test_board_members_and_strangers_may_not_use_koperasi(
    conv: Conversation, driver: Driver, register: dict[str, int], roles: object
) -> None:
    user = driver.user(6200, "Rudi")
    async with conv.app.bot_data.services.uow() as uow:
        if roles == "pengurus":
            person = await add_person(uow, 6200, "Rudi")
            await add_board_member(uow, person, register[HTML_NAME])
        elif roles:
            await add_person(uow, 6200, "Rudi", roles=[Role.PIMPINAN])
        await uow.commit()
    answer = await conv.say(user, "/koperasi")
    assert "tidak memiliki akses" in answer.body
    assert not answer.buttons


async def test_filters_by_kecamatan_late_and_stage(
    conv: Conversation, driver: Driver, stub: BotApiStub, register: dict[str, int]
) -> None:
    ani = driver.user(ANI, "Ani")
    await conv.say(ani, "/koperasi")
    menu = await _press(conv, ani, "Filter")
    assert "Belum ada filter." in menu.body
    await _press(conv, ani, "Kecamatan")
    kotaanyar = await _press(conv, ani, "Kotaanyar")
    assert "Filter: kecamatan Kotaanyar" in kotaanyar.body
    assert "5 koperasi" in kotaanyar.body  # 05, 10, 15, 20 and the one typed "Kota Anyar"
    assert HTML_NAME in kotaanyar.body
    await _press(conv, ani, "Filter")
    late = await _press(conv, ani, "Terlambat")
    assert "Filter: kecamatan Kotaanyar · terlambat" in late.body
    assert "ada koperasi yang cocok" in late.body  # 05..20: none a multiple of 7
    await _press(conv, ani, "Filter")
    await _press(conv, ani, "Kecamatan")
    everywhere = await _press(conv, ani, "Semua kecamatan")
    assert "3 koperasi" in everywhere.body  # 07, 14, 21
    await _press(conv, ani, "Filter")
    await _press(conv, ani, "✓ Terlambat")
    await _press(conv, ani, "Filter")
    await _press(conv, ani, "Tahap")
    preparing = await _press(conv, ani, "Persiapan")
    assert "1 koperasi" in preparing.body
    cleared = await _press(conv, ani, "Hapus filter")
    assert "24 koperasi" in cleared.body
    assert "Filter:" not in cleared.body
    _no_refused_edits(stub)
    _every_callback_answered_once(stub)


@pytest.mark.parametrize(
    ("typed", "found"),
    [("maju", HTML_NAME), ("35.13 001", HTML_NAME), ("kota anyar", HTML_NAME)],
)
async def test_search_by_name_nik_or_kecamatan(
    conv: Conversation, driver: Driver, register: dict[str, int], typed: str, found: str
) -> None:
    ani = driver.user(ANI, "Ani")
    await conv.say(ani, "/koperasi")
    await ani.press("Cari")
    await conv.deliver()
    [prompt] = await ani.wait_for_reply()
    assert "NIK koperasi" in prompt.body
    retry = await conv.say(ani, "a")
    assert "paling sedikit 2" in retry.body
    await ani.send(typed)
    await conv.deliver()
    searching, results = await ani.wait_for_reply(count=2)
    assert f"«{typed}»" in searching.body
    assert f"pencarian «{typed}»" in results.body
    assert found in results.body
    assert "Milik Budi" not in results.body
    again = await conv.say(ani, "/koperasi")  # a new list starts without the search
    assert "24 koperasi" in again.body


async def test_search_results_stay_within_scope(
    conv: Conversation, driver: Driver, register: dict[str, int]
) -> None:
    ani = driver.user(ANI, "Ani")
    await conv.say(ani, "/koperasi")
    await ani.press("Cari")
    await conv.deliver()
    await ani.wait_for_reply()
    await ani.send("budi")
    await conv.deliver()
    _, results = await ani.wait_for_reply(count=2)
    assert "0 koperasi" in results.body


async def test_an_officer_removes_a_board_member_after_confirming(
    conv: Conversation, driver: Driver, stub: BotApiStub, register: dict[str, int]
) -> None:
    ani = driver.user(ANI, "Ani")
    await conv.say(ani, "/koperasi")
    await _press(conv, ani, "▶︎")
    await _press(conv, ani, "▶︎")
    await _press(conv, ani, "24")
    confirm = await _press(conv, ani, "Hapus pengurus: Joko")
    assert "Hapus Joko dari pengurus" in confirm.body
    await ani.press("Ya, hapus")
    await ani.press("Ya, hapus")  # a double tap removes once
    await conv.deliver()
    card = await ani.last_message()
    notices = [c.params["text"] for c in stub.calls("editMessageText")[-2:]]
    assert "✓ Joko tidak lagi tercatat sebagai pengurus" in notices[0]
    assert "✓" not in notices[1]  # the second tap finds him gone and shows the card as it is
    assert "• Joko" not in card.body
    assert "Hapus pengurus: Joko" not in card.buttons
    async with conv.app.bot_data.services.uow(write=False) as uow:
        grant = (
            await uow.session.scalars(
                select(RoleGrant).where(RoleGrant.person_id == register["joko"])
            )
        ).one()
        audit = (await uow.session.scalars(select(AuditLog))).all()
    assert grant.active is False
    assert [(a.actor_person_id is not None, a.entity_id) for a in audit] == [
        (True, str(register["joko"]))
    ]
    assert audit[0].details == {"koperasi_id": register[HTML_NAME], "role": "pengurus"}
    _no_refused_edits(stub)
    _every_callback_answered_once(stub)


async def test_a_long_board_is_cut_with_and_n_more(
    conv: Conversation, driver: Driver, register: dict[str, int]
) -> None:
    async with conv.app.bot_data.services.uow() as uow:
        for number in range(14):
            person = await add_person(uow, 6300 + number, f"{number:02} " + "Panjang" * 40)
            await add_board_member(uow, person, register["Koperasi 01"], None)
        await uow.commit()
    ani = driver.user(ANI, "Ani")
    await conv.say(ani, "/koperasi")
    card = await _press(conv, ani, "1")
    assert "… dan 4 lainnya" in card.body
    assert len(card.body) <= 4096
    assert card.body.count("• ") == 10


async def test_koperasi_takes_its_search_as_an_argument(
    conv: Conversation, driver: Driver, register: dict[str, int]
) -> None:
    ani = driver.user(ANI, "Ani")
    await ani.send("/koperasi Maju")
    await conv.deliver()
    searching, results = await ani.wait_for_reply(count=2)
    assert "«Maju»" in searching.body
    assert "pencarian «Maju»" in results.body
    assert "1 koperasi" in results.body
    assert "Maju &amp; Jaya" in results.body or "Maju & Jaya" in results.body
    # The search is the list's, as if typed after *Cari*: paging keeps it.
    assert "Milik Budi" not in results.body
    refused = await conv.say(ani, "/koperasi a")
    assert "paling sedikit 2" in refused.body  # the reason, and the question again
    assert "NIK koperasi" in refused.body
    english = await conv.say(ani, "/coops Koperasi 0")  # every name of the command takes it
    assert "pencarian «Koperasi 0»" in english.body or "9 koperasi" in english.body


async def test_back_to_the_list_after_removing_a_board_member_keeps_the_search(
    conv: Conversation, driver: Driver, register: dict[str, int]
) -> None:
    ani = driver.user(ANI, "Ani")
    await ani.send("/koperasi Maju")
    await conv.deliver()
    await ani.wait_for_reply(count=2)
    await _press(conv, ani, "1")
    await _press(conv, ani, "Hapus pengurus: Joko")
    card = await _press(conv, ani, "Ya, hapus")
    assert "tidak lagi tercatat sebagai pengurus" in card.body
    listed = await _press(conv, ani, "Kembali ke daftar")
    assert "pencarian «Maju»" in listed.body
    assert "1 koperasi" in listed.body


async def test_a_menu_set_for_someone_else_uses_their_language(
    conv: Conversation, driver: Driver, register: dict[str, int]
) -> None:
    """Ani (Indonesian) removes an English board member from one of his two boards: his
    chat's new menu (through the outbox) names his language's commands."""
    async with conv.app.bot_data.services.uow() as uow:
        john = await add_person(uow, 6200, "John")
        john.language = "en"
        await add_board_member(uow, john, register[HTML_NAME], "sekretaris")
        await add_board_member(uow, john, register["Koperasi 01"], "ketua")
        await uow.commit()
    ani = driver.user(ANI, "Ani")
    await ani.send("/koperasi Maju")
    await conv.deliver()
    await ani.wait_for_reply(count=2)
    await _press(conv, ani, "1")
    await _press(conv, ani, "Hapus pengurus: John")
    await _press(conv, ani, "Ya, hapus")
    async with conv.app.bot_data.services.uow(write=False) as uow:
        [menu] = (
            await uow.session.scalars(
                select(Outbox).where(Outbox.chat_id == 6200, Outbox.method == "setMyCommands")
            )
        ).all()
    names = {entry["command"] for entry in menu.payload["commands"]}
    assert {"help", "language", "cancel", "privacy"} <= names
    assert not names & {"bantuan", "bahasa", "batal", "privasi"}


async def test_an_empty_list_says_nothing_is_assigned_yet_not_no_match(
    conv: Conversation, driver: Driver
) -> None:
    async with conv.app.bot_data.services.uow() as uow:
        await add_person(uow, 6201, "Rina", roles=[Role.PETUGAS])
        await add_person(uow, 6202, "Dedi", roles=[Role.ADMIN])
        await uow.commit()
    officer = await conv.say(driver.user(6201, "Rina"), "/koperasi")
    assert "Belum ada koperasi yang ditugaskan kepada Anda" in officer.body
    assert "cocok" not in officer.body
    admin = await conv.say(driver.user(6202, "Dedi"), "/koperasi")
    assert "Register koperasi masih kosong" in admin.body
    assert "cocok" not in admin.body
