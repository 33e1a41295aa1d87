"""People and roles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import RoleScope
from storage.tables import Koperasi
from storage.uow import UnitOfWork

NOW = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)


async def test_choose_language(factory: async_sessionmaker[AsyncSession]) -> None:
    async with UnitOfWork(factory) as uow:
        person = await uow.people.add(telegram_user_id=5, telegram_language_code="en", now=NOW)
        await uow.people.choose_language(person.id, 5, "id", menu_state="sig", now=LATER)
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        stored = await uow.people.get_by_telegram_id(5)
    assert stored is not None
    assert (stored.language, stored.menu_state, stored.updated_at) == ("id", "sig", LATER)


async def test_roles_grant_revoke_and_scope(factory: async_sessionmaker[AsyncSession]) -> None:
    async with UnitOfWork(factory) as uow:
        person = await uow.people.add(telegram_user_id=42, now=NOW)
        first = await uow.koperasi.add(Koperasi(nama="KUD Satu", created_at=NOW, updated_at=NOW))
        second = await uow.koperasi.add(Koperasi(nama="KPRI Dua", created_at=NOW, updated_at=NOW))
        await uow.roles.grant(person.id, "petugas", now=NOW)
        await uow.roles.grant(
            person.id, "pengurus", koperasi_id=first.id, jabatan="ketua", now=NOW
        )
        await uow.roles.grant(person.id, "pengurus", koperasi_id=second.id, now=NOW)
        again = await uow.roles.grant(person.id, "petugas", now=LATER)  # idempotent
        await uow.commit()
    assert again.granted_at == NOW

    async with UnitOfWork(factory) as uow:
        assert await uow.roles.active_roles(person.id) == [
            RoleScope("pengurus", first.id),
            RoleScope("pengurus", second.id),
            RoleScope("petugas", None),
        ]
        assert await uow.roles.has_role(person.id, "pengurus")
        assert await uow.roles.has_role(person.id, "pengurus", koperasi_id=second.id)
        assert not await uow.roles.has_role(person.id, "admin")

        assert await uow.roles.revoke(person.id, "pengurus", koperasi_id=second.id, now=LATER) == 1
        assert await uow.roles.revoke(person.id, "admin", now=LATER) == 0
        await uow.commit()

    async with UnitOfWork(factory, write=False) as uow:
        assert not await uow.roles.has_role(person.id, "pengurus", koperasi_id=second.id)
        roles = await uow.roles.active_roles(person.id)
    assert [(role, koperasi_id) for role, koperasi_id in roles] == [
        ("pengurus", first.id),
        ("petugas", None),
    ]
