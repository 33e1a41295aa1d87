"""Onboarding as people live it, with the bot polling telegram_stub: invites for every role,
a board invite's seats, a join request decided by the first admin, and logs without names."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import ColumnElement, select

from config import AppConfig, LoggingConfig
from handlers.context import GempurApp
from runtime.logs import configure_logging
from storage.tables import Base, Invite, JoinRequest, Outbox, Person, RoleGrant
from telegram_stub import BotApiStub
from tests.helpers.bot import bot_config, polling_bot
from tests.helpers.driver import BotMessage, Driver, UserSession
from tests.helpers.onboarding import add_koperasi, deliver_outbox, invite_code

ADMIN = 9501
T = TypeVar("T", bound=Base)


@pytest.fixture
def cfg(stub: BotApiStub, database_url: str) -> AppConfig:
    return bot_config(stub, database_url, access={"admin_telegram_ids": [ADMIN]})


@pytest.fixture
def admin(driver: Driver) -> UserSession:
    return driver.user(ADMIN, "Kantor")


async def _say(user: UserSession, text: str) -> BotMessage:
    await user.send(text)
    [answer] = await user.wait_for_reply()
    return answer


async def _press(user: UserSession, label: str, count: int = 1) -> BotMessage:
    """Presses `label`; the first of the `count` replies it brings."""
    await user.press(label)
    answers = await user.wait_for_reply(count)
    assert len(answers) == count
    return answers[0]


async def _rows(app: GempurApp, table: type[T], *where: ColumnElement[bool]) -> list[T]:
    async with app.bot_data.services.uow(write=False) as uow:
        return list(await uow.session.scalars(select(table).where(*where)))


async def _board_invite(admin: UserSession, search: str, nama: str) -> str:
    await _say(admin, f"/undang {search}")
    card = await _press(admin, f"1. {nama}")
    assert f"pengurus {nama}" in card.body
    return invite_code(card)


ROLES = [
    # role, /undang button, app language, what the invitee reads, their home menu
    ("petugas", "Petugas pendamping", "id", "sebagai petugas pendamping", "Sebagai petugas"),
    ("admin", "Admin Dinas", "id", "sebagai admin Dinas", "/undang — Buat undangan"),
    ("pimpinan", "Pimpinan Dinas", "en", "as office leadership", "As office leadership"),
    ("pengurus", None, "id", "pengurus koperasi KUD Tani Makmur", "Koperasi Anda: KUD Tani"),
]


@pytest.mark.parametrize(("role", "button", "language", "invited", "home"), ROLES)
async def test_each_role_is_invited_consents_and_lands_on_its_home_menu(
    cfg: AppConfig,
    driver: Driver,
    admin: UserSession,
    stub: BotApiStub,
    role: str,
    button: str | None,
    language: str,
    invited: str,
    home: str,
) -> None:
    newcomer = driver.user(9601, "Hana", last_name="Pratiwi", language_code=language)
    async with polling_bot(cfg) as app:
        if button is None:
            await add_koperasi(app, "KUD Tani Makmur")
            code = await _board_invite(admin, "tani", "KUD Tani Makmur")
        else:
            await _say(admin, "/undang")
            code = invite_code(await _press(admin, button))
        notice = await _say(newcomer, f"/start {code}")
        assert invited in notice.body
        assert "27/2022" in notice.body
        # A new board member is also asked their position, after the home menu.
        landed = await _press(newcomer, notice.buttons[0], 2 if role == "pengurus" else 1)
        assert home in landed.body
        [menu] = await _rows(app, Outbox, Outbox.chat_id == newcomer.id)
        await deliver_outbox(app)
        [person] = await _rows(app, Person, Person.telegram_user_id == newcomer.id)
        grants = await _rows(app, RoleGrant, RoleGrant.person_id == person.id)
    assert [grant.role for grant in grants] == [role]
    assert person.consent_at is not None
    assert menu.method == "setMyCommands"
    chat_menu = next(m for m in stub.command_menus() if m["scope"] == f"chat:{newcomer.id}")
    help_line = "What I can do for you" if language == "en" else "Apa yang bisa saya bantu"
    help_name = "help" if language == "en" else "bantuan"  # each language its own names
    assert {"command": help_name, "description": help_line} in chat_menu["commands"]
    assert (
        {"command": "undang", "description": "Buat undangan (satu per satu atau massal)"}
        in chat_menu["commands"]
    ) is (role == "admin")


async def test_a_board_invite_seats_five_members_and_refuses_the_sixth(
    cfg: AppConfig, driver: Driver, admin: UserSession
) -> None:
    members = [driver.user(9700 + n, f"Pengurus {n}") for n in range(6)]
    async with polling_bot(cfg) as app:
        await add_koperasi(app, "Kopwan Melati", "Leces")
        code = await _board_invite(admin, "melati", "Kopwan Melati")
        for member in members[:5]:
            await _say(member, f"/start {code}")
            assert "Koperasi Anda: Kopwan Melati" in (await _press(member, "Setuju", 2)).body
        refused = await _say(members[5], f"/start {code}")
        [invite] = await _rows(app, Invite)
        seats = await _rows(app, RoleGrant, RoleGrant.role == "pengurus")
    assert "habis terpakai" in refused.body
    assert invite.uses == 5
    assert len(seats) == 5


async def test_a_join_request_goes_to_the_first_admin_and_the_requester_consents(
    cfg: AppConfig, driver: Driver, admin: UserSession, stub: BotApiStub
) -> None:
    bambang = driver.user(9801, "Bambang", last_name="Sutrisno")
    citra = driver.user(9802, "Citra", last_name="Dewi")
    async with polling_bot(cfg) as app:
        await _say(admin, "/undang")
        code = invite_code(await _press(admin, "Admin Dinas"))
        await _say(bambang, f"/start {code}")
        await _press(bambang, "Setuju")  # a second admin, linked with his Telegram name

        await _say(citra, "/start")
        await _press(citra, "Minta akses")
        assert "catatan singkat" in (await _say(citra, "2")).body
        assert "dikirim ke admin" in (await _say(citra, "PPKL <Kraksaan> & Paiton")).body
        await deliver_outbox(app)
        [to_admin] = await admin.wait_for_reply()
        [to_bambang] = await bambang.wait_for_reply()
        assert "Citra Dewi" in to_admin.body
        assert "PPKL <Kraksaan> & Paiton" in to_bambang.body
        approved = await _press(bambang, "Setujui sebagai petugas pendamping")
        assert "Disetujui: Citra Dewi sebagai petugas pendamping" in approved.body
        late = to_admin.reply_markup["inline_keyboard"][2][0]["callback_data"]  # type: ignore[index]
        await admin.press("Setujui sebagai admin Dinas")  # a moment too late
        await admin.wait_for_edit(to_admin)  # its buttons go once the answer is given

        await deliver_outbox(app)
        [notice] = await citra.wait_for_reply()
        assert "disetujui sebagai petugas pendamping" in notice.body
        assert notice.buttons == ["Setuju", "Tidak setuju"]
        home = await _press(citra, "Setuju")
        [request] = await _rows(app, JoinRequest)
        [person] = await _rows(app, Person, Person.telegram_user_id == citra.id)
        grants = await _rows(app, RoleGrant, RoleGrant.person_id == person.id)
        [bambang_row] = await _rows(app, Person, Person.telegram_user_id == bambang.id)
    [answer] = [a for a in stub.callback_answers() if a["data"] == late]
    assert answer["answer"]["text"] == "Permintaan ini sudah diputuskan oleh Bambang Sutrisno."
    assert answer["answer"]["show_alert"] is True
    assert "Sebagai petugas pendamping" in home.body
    assert request.status == "approved"
    assert request.decided_by_person_id == bambang_row.id
    assert [grant.role for grant in grants] == ["petugas"]
    assert person.full_name == "Citra Dewi"


async def test_siti_rahayu_goes_through_onboarding_and_the_log_keeps_no_personal_data(
    cfg: AppConfig, driver: Driver, admin: UserSession, tmp_path: Path
) -> None:
    name, phone = " ".join(["Siti", "Rahayu"]), "+62" + "81234567890"
    siti = driver.user(9901, "Siti", last_name=f"Rahayu {phone}")
    log_file = tmp_path / "gempur.log"
    # Logging exactly as `python bot.py run` sets it up, at the most talkative level.
    configure_logging(LoggingConfig(level="DEBUG", file=str(log_file)))
    try:
        async with polling_bot(cfg) as app:
            await _say(admin, "/start")
            await _say(siti, "/start")
            await _press(siti, "Minta akses")
            await _say(siti, "2")
            await _say(siti, f"Saya {name}, bendahara KSP Sejahtera, HP {phone}")
            await deliver_outbox(app)
            await admin.wait_for_reply()
            await _press(admin, "Setujui sebagai pimpinan Dinas")
            await deliver_outbox(app)
            await siti.wait_for_reply()
            home = await _press(siti, "Setuju")
            await siti.share_contact(phone)
            await siti.wait_for_reply()
            [person] = await _rows(app, Person, Person.telegram_user_id == siti.id)
    finally:
        configure_logging(LoggingConfig(level="WARNING"))
    assert "Sebagai pimpinan Dinas" in home.body
    assert person.full_name == f"{name} {phone}"
    logged = log_file.read_text(encoding="utf-8")
    assert "linked through invite" in logged  # the log did record the onboarding
    for secret in (name, "Rahayu", phone, phone[1:], "81234567890"):
        assert secret not in logged
