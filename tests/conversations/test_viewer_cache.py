"""The gate reads the viewer from memory; every change the bot commits is seen on the very
next update of that person, and a change made by another process within the TTL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot import add_admin
from config import AppConfig
from domain.access import Role
from jobs import job_registry
from storage.engine import create_engine, session_factory
from storage.tables import Person
from storage.uow import UnitOfWork
from storage.viewer_cache import DEFAULT_TTL
from tests.helpers.bot import Conversation, conversation
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import Driver, UserSession
from tests.helpers.forms import EXTRA_FORMS
from tests.helpers.seed import add_koperasi, add_person

ANI, BUDI, ADMIN = 4001, 4002, 4009
REFUSED = "tidak memiliki akses"


@pytest.fixture
async def conv(cfg: AppConfig, clock: FrozenClock) -> AsyncIterator[Conversation]:
    async with conversation(cfg, clock, EXTRA_FORMS) as running:
        yield running


@pytest.fixture
def ani(driver: Driver) -> UserSession:
    return driver.user(ANI, "Ani")


def _cached(conv: Conversation, user: UserSession) -> bool:
    return conv.app.bot_data.services.viewers.get(user.id, user.id) is not None


async def _say(conv: Conversation, user: UserSession, text: str) -> str:
    return (await conv.say(user, text)).body


async def test_a_second_update_is_served_from_memory(conv: Conversation, ani: UserSession) -> None:
    viewers = conv.app.bot_data.services.viewers
    await _say(conv, ani, "/bantuan")
    hits, misses = viewers.hits, viewers.misses
    await _say(conv, ani, "/bantuan")
    assert (viewers.hits, viewers.misses) == (hits + 1, misses)


async def test_a_language_change_is_seen_by_the_next_update(
    conv: Conversation, ani: UserSession
) -> None:
    assert "What I can do" not in await _say(conv, ani, "/bantuan")
    assert _cached(conv, ani)
    await _say(conv, ani, "/bahasa")
    assert "I will use" in await _say(conv, ani, "2")
    assert "What I can do" in await _say(conv, ani, "/bantuan")
    await _say(conv, ani, "/bahasa")
    assert "saya akan memakai" in await _say(conv, ani, "1")
    assert "What I can do" not in await _say(conv, ani, "/bantuan")


async def test_a_started_form_gets_the_next_message_and_an_expired_one_does_not(
    conv: Conversation, ani: UserSession, clock: FrozenClock
) -> None:
    assert "belum paham" in await _say(conv, ani, "30")  # no form: a hint
    assert _cached(conv, ani)
    await _say(conv, ani, "/uji")
    assert "teks" in await _say(conv, ani, "1")  # the form's next question, not a hint
    assert "angka" in await _say(conv, ani, "Ani")
    assert _cached(conv, ani)  # a step leaves the viewer as it was
    clock.advance(hours=25)
    await job_registry(conv.app).run_due()  # the tick job suspends the idle form
    assert "belum paham" in await _say(conv, ani, "30")


async def test_a_deactivated_officer_is_refused_on_the_next_command(
    conv: Conversation, driver: Driver
) -> None:
    async with conv.app.bot_data.services.uow() as uow:
        await add_person(uow, ADMIN, "Dedi", roles=[Role.ADMIN])
        budi_person = await add_person(uow, BUDI, "Budi", roles=[Role.PETUGAS])
        await add_koperasi(uow, "Tongas Satu", kecamatan="Tongas", petugas_id=budi_person.id)
        await uow.commit()
    admin, budi = driver.user(ADMIN, "Dedi"), driver.user(BUDI, "Budi")
    assert REFUSED not in await _say(conv, budi, "/koperasi")
    assert _cached(conv, budi)
    await _say(conv, admin, "/petugas")
    for button in ("1", "Nonaktifkan", "Ya, nonaktifkan"):  # each edits the same card
        await admin.press(button)
        await conv.deliver()
    assert "Budi tidak lagi menjadi petugas" in (await admin.last_message()).body
    assert REFUSED in await _say(conv, budi, "/koperasi")


async def test_withdrawn_consent_makes_the_next_update_a_stranger(
    conv: Conversation, driver: Driver, clock: FrozenClock
) -> None:
    async with conv.app.bot_data.services.uow() as uow:
        siti = await add_person(uow, ANI, "Siti", roles=[Role.PETUGAS])
        siti.consent_at = clock.now()
        await uow.commit()
    user = driver.user(ANI, "Siti")
    assert "sekarang" not in await _say(conv, user, "/bantuan")  # known: the full help
    await _say(conv, user, "/privasi")
    await conv.press(user, "Tarik persetujuan dan hapus data saya")
    assert "sudah dihapus" in (await conv.press(user, "Ya, hapus semua data saya")).body
    assert "sekarang" in await _say(conv, user, "/bantuan")  # a stranger's help
    assert REFUSED in await _say(conv, user, "/koperasi")


async def test_someone_writing_again_is_marked_reachable_once(
    conv: Conversation, ani: UserSession
) -> None:
    services = conv.app.bot_data.services
    async with services.uow() as uow:
        await add_person(uow, ANI, "Ani", reachable=False)
        await uow.commit()
    await _say(conv, ani, "/bantuan")
    async with services.uow(write=False) as uow:
        person = (await uow.session.scalars(select(Person))).one()
    assert person.reachable is True
    await _say(conv, ani, "/bantuan")  # read again: the write dropped the stale viewer
    state = services.viewers.get(ANI, ANI)
    assert state is not None
    assert state.reachable is True


async def test_another_process_change_is_seen_once_the_entry_expires(
    conv: Conversation, ani: UserSession, clock: FrozenClock, cfg: AppConfig
) -> None:
    """`python bot.py admin add ID` runs in its own process: the TTL bounds how stale we are."""
    assert "/petugas" not in await _say(conv, ani, "/bantuan")
    engine = create_engine(cfg.database.url)
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            assert await add_admin(uow, ANI, conv.app.bot_data.services.catalogues, clock)
            await uow.commit()
    finally:
        await engine.dispose()
    assert "/petugas" not in await _say(conv, ani, "/bantuan")  # still the cached stranger
    clock.advance(seconds=DEFAULT_TTL.total_seconds())
    assert "/petugas" in await _say(conv, ani, "/bantuan")


async def test_the_language_flow_is_served_from_memory_once_the_person_exists(
    conv: Conversation, ani: UserSession
) -> None:
    """/bahasa, its answer and /bantuan: the form starting, the new language and the form
    ending are patched into the cached viewer instead of dropping it."""
    viewers = conv.app.bot_data.services.viewers
    misses = []
    for choice, expected in (("2", "What I can do"), ("1", "Yang bisa saya bantu")):
        before = viewers.misses
        assert "English" in await _say(conv, ani, "/bahasa")
        await _say(conv, ani, choice)
        assert expected in await _say(conv, ani, "/bantuan")
        misses.append(viewers.misses - before)
    # A stranger: the first read, then their new person row; afterwards nothing.
    assert misses == [2, 0]
