"""Invites, their uses and join requests on SQLite and PostgreSQL: the conditional UPDATE that
never counts past `max_uses`, even when people race for the last use."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from config import AccessConfig, AppConfig
from domain.access import Role
from domain.invites import InviteProblem, hash_code
from locales import Catalogues
from services.consent import Newcomer
from services.invites import create_board_invites, create_invite
from services.onboarding import redeem_invite
from storage.repositories.invites import InviteRepository, UseTaken
from storage.repositories.join_requests import APPROVED, REFUSED
from storage.repositories.petugas import PetugasRepository
from storage.tables import AuditLog, Invite, InviteUse, Koperasi, Outbox, Person, RoleGrant
from storage.uow import UnitOfWork

Factory = async_sessionmaker[AsyncSession]
NOW = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)
CFG = AccessConfig(invite_ttl_days=30, board_invite_max_uses=5)
CATALOGUES = Catalogues(["id", "en"], "id", ZoneInfo("Asia/Jakarta"))


async def _people(factory: Factory, count: int, first_id: int = 5001) -> list[int]:
    async with UnitOfWork(factory) as uow:
        ids = [
            (await uow.people.add(telegram_user_id=first_id + n, now=NOW)).id for n in range(count)
        ]
        await uow.commit()
    return ids


async def _koperasi(factory: Factory, nama: str, kecamatan: str, **fields: object) -> int:
    async with UnitOfWork(factory) as uow:
        koperasi = await uow.koperasi.add(
            Koperasi(nama=nama, kecamatan=kecamatan, created_at=NOW, updated_at=NOW, **fields)
        )
        await uow.commit()
        return koperasi.id


async def _invite(factory: Factory, role: Role, koperasi_id: int | None = None) -> tuple[int, str]:
    async with UnitOfWork(factory) as uow:
        made = await create_invite(
            uow, actor_person_id=None, role=role, cfg=CFG, now=NOW, koperasi_id=koperasi_id
        )
        await uow.commit()
    assert made is not None
    return made.invite_id, made.code


async def _count(factory: Factory, table: type[object]) -> int:
    async with UnitOfWork(factory, write=False) as uow:
        return int(
            (await uow.session.execute(select(func.count()).select_from(table))).scalar_one()
        )


async def test_an_invite_stores_the_hash_of_its_code_and_never_the_code(factory: Factory) -> None:
    koperasi_id = await _koperasi(factory, 'KSU "Maju & Jaya" <Sejahtera>', "Kraksaan")
    invite_id, code = await _invite(factory, Role.PENGURUS, koperasi_id)
    async with UnitOfWork(factory, write=False) as uow:
        invite = await InviteRepository(uow.session).by_code_hash(hash_code(code))
        audit = (await uow.session.scalars(select(AuditLog))).one()
    assert invite is not None
    assert (invite.id, invite.role, invite.koperasi_id) == (invite_id, "pengurus", koperasi_id)
    assert (invite.uses, invite.max_uses) == (0, 5)
    assert invite.expires_at == NOW + timedelta(days=30)
    stored = [str(value) for value in vars(invite).values()] + [str(audit.details)]
    assert not any(code in value for value in stored)


async def test_a_board_invite_needs_its_cooperative_and_other_roles_none(factory: Factory) -> None:
    koperasi_id = await _koperasi(factory, "KUD Sumber Rejeki", "Paiton")
    async with UnitOfWork(factory) as uow:
        kwargs = {"actor_person_id": None, "cfg": CFG, "now": NOW}
        assert await create_invite(uow, role=Role.PENGURUS, **kwargs) is None  # type: ignore[arg-type]
        assert await create_invite(uow, role=Role.PENGURUS, koperasi_id=999_999, **kwargs) is None  # type: ignore[arg-type]
        assert await create_invite(uow, role=Role.ADMIN, koperasi_id=koperasi_id, **kwargs) is None  # type: ignore[arg-type]
        await uow.commit()
    assert await _count(factory, Invite) == 0


async def test_the_same_person_counts_once(factory: Factory) -> None:
    [person] = await _people(factory, 1)
    invite_id, _ = await _invite(factory, Role.PETUGAS)
    async with UnitOfWork(factory) as uow:
        repo = InviteRepository(uow.session)
        assert await repo.take_use(invite_id, person, NOW) is UseTaken.TAKEN
        assert await repo.take_use(invite_id, person, NOW) is UseTaken.ALREADY
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        invite = await InviteRepository(uow.session).get(invite_id)
    assert invite is not None
    assert invite.uses == 1
    assert await _count(factory, InviteUse) == 1


async def test_revoked_or_expired_invites_count_nothing_and_leave_no_use(factory: Factory) -> None:
    people = await _people(factory, 2)
    revoked, _ = await _invite(factory, Role.PETUGAS)
    expiring, _ = await _invite(factory, Role.PIMPINAN)
    async with UnitOfWork(factory) as uow:
        repo = InviteRepository(uow.session)
        assert await repo.revoke(revoked, NOW) is True
        assert await repo.revoke(revoked, NOW) is False
        assert await repo.take_use(revoked, people[0], NOW) is UseTaken.REFUSED
        later = NOW + timedelta(days=30)
        assert await repo.take_use(expiring, people[1], later) is UseTaken.REFUSED
        await uow.commit()
    assert await _count(factory, InviteUse) == 0


async def test_eight_people_racing_for_a_five_seat_board_invite_get_five_seats(
    factory: Factory,
) -> None:
    people = await _people(factory, 8)
    koperasi_id = await _koperasi(factory, "Kopwan Melati", "Leces")
    invite_id, _ = await _invite(factory, Role.PENGURUS, koperasi_id)

    async def take(person_id: int) -> UseTaken:
        async with UnitOfWork(factory) as uow:
            taken = await InviteRepository(uow.session).take_use(invite_id, person_id, NOW)
            await uow.commit()
            return taken

    results = await asyncio.gather(*(take(person) for person in people))
    assert sorted(results).count(UseTaken.TAKEN) == 5
    assert sorted(results).count(UseTaken.REFUSED) == 3
    async with UnitOfWork(factory, write=False) as uow:
        invite = await InviteRepository(uow.session).get(invite_id)
    assert invite is not None
    assert invite.uses == 5
    assert await _count(factory, InviteUse) == 5


async def test_two_newcomers_racing_for_the_last_use_link_one_and_store_nothing_else(
    factory: Factory,
) -> None:
    koperasi_id = await _koperasi(factory, "KSP Sejahtera", "Dringu")
    invite_id, _ = await _invite(factory, Role.PENGURUS, koperasi_id)
    async with UnitOfWork(factory) as uow:
        invite = await InviteRepository(uow.session).get(invite_id)
        assert invite is not None
        invite.uses = 4  # four members linked already
        await uow.commit()

    async def redeem(telegram_user_id: int) -> InviteProblem | None:
        newcomer = Newcomer(telegram_user_id, telegram_user_id, "Pengurus", "id")
        async with UnitOfWork(factory) as uow:
            redeemed = await redeem_invite(uow, invite_id, newcomer, CATALOGUES, NOW)
            if redeemed.problem is None:
                await uow.commit()
            return redeemed.problem

    problems = await asyncio.gather(redeem(6001), redeem(6002))
    assert sorted(str(p) for p in problems) == ["None", "used_up"]
    assert await _count(factory, Person) == 1
    assert await _count(factory, RoleGrant) == 1
    assert await _count(factory, InviteUse) == 1
    async with UnitOfWork(factory, write=False) as uow:
        invite = await InviteRepository(uow.session).get(invite_id)
        menus = list(await uow.session.scalars(select(Outbox)))
    assert invite is not None
    assert invite.uses == 5
    assert [row.method for row in menus] == ["setMyCommands"]


async def test_open_invites_of_one_admin_newest_first(factory: Factory) -> None:
    [admin, other] = await _people(factory, 2)
    async with UnitOfWork(factory) as uow:
        made = [
            await create_invite(
                uow,
                actor_person_id=admin,
                role=Role.PETUGAS,
                cfg=CFG,
                now=NOW + timedelta(hours=n),
            )
            for n in range(4)
        ]
        await create_invite(uow, actor_person_id=other, role=Role.PETUGAS, cfg=CFG, now=NOW)
        await uow.commit()
    ids = [invite.invite_id for invite in made if invite is not None]
    async with UnitOfWork(factory) as uow:
        repo = InviteRepository(uow.session)
        await repo.revoke(ids[0], NOW)
        await repo.take_use(ids[1], other, NOW)  # used up (single use)
        await uow.commit()
    later = NOW + timedelta(days=1)
    async with UnitOfWork(factory, write=False) as uow:
        repo = InviteRepository(uow.session)
        count = await repo.count_open_by(admin, later)
        page = await repo.open_by(admin, later, offset=0, limit=10)
        expired = await repo.count_open_by(admin, NOW + timedelta(days=31))
    assert count == 2
    assert [item.invite.id for item in page] == [ids[3], ids[2]]
    assert expired == 0


async def test_bulk_board_invites_per_kecamatan_skip_dissolved_cooperatives(
    factory: Factory,
) -> None:
    await _koperasi(factory, "KUD Tani Makmur", "Kraksaan")
    await _koperasi(factory, "Kopkar Sinar", "Kraksaan", nik_koperasi="3513010001")
    await _koperasi(factory, "KSU Lama", "Kraksaan", status_aktivitas="BUBAR")
    await _koperasi(factory, "KUD Paiton", "Paiton")
    async with UnitOfWork(factory) as uow:
        kraksaan = await create_board_invites(
            uow, actor_person_id=None, kecamatan="Kraksaan", cfg=CFG, now=NOW
        )
        everything = await create_board_invites(
            uow, actor_person_id=None, kecamatan=None, cfg=CFG, now=NOW
        )
        await uow.commit()
    assert [i.koperasi_nama for i in kraksaan] == ["Kopkar Sinar", "KUD Tani Makmur"]
    assert [i.nik_koperasi for i in kraksaan] == ["3513010001", None]
    assert len(everything) == 3
    assert len({i.code for i in kraksaan + everything}) == 5
    assert {i.max_uses for i in everything} == {5}
    assert await _count(factory, Invite) == 5


async def test_the_first_admin_to_decide_a_join_request_wins(factory: Factory) -> None:
    admins = await _people(factory, 2)
    async with UnitOfWork(factory) as uow:
        repo = uow.join_requests
        request = await repo.add_draft(
            telegram_user_id=7001, chat_id=7001, display_name="Siti", now=NOW
        )
        assert await repo.submit(request.id, "PPKL Kraksaan", NOW) is True
        assert await repo.submit(request.id, "again", NOW) is False
        await uow.commit()

    async def decide(person_id: int, status: str) -> bool:
        async with UnitOfWork(factory) as uow:
            decided = await uow.join_requests.decide(request.id, status, person_id, NOW)
            await uow.commit()
            return decided

    results = await asyncio.gather(decide(admins[0], APPROVED), decide(admins[1], REFUSED))
    assert sorted(results) == [False, True]
    async with UnitOfWork(factory, write=False) as uow:
        stored = await uow.join_requests.get(request.id)
    assert stored is not None
    winner = admins[results.index(True)]
    assert stored.decided_by_person_id == winner
    assert stored.status == (APPROVED if winner == admins[0] else REFUSED)
    assert stored.note == "PPKL Kraksaan"


async def test_admin_recipients_are_reachable_active_admins(factory: Factory) -> None:
    people = await _people(factory, 4)
    async with UnitOfWork(factory) as uow:
        for person in people:
            await uow.roles.grant(person, Role.ADMIN, now=NOW)
        await uow.roles.grant(people[0], Role.PETUGAS, now=NOW)  # two roles: listed once
        await uow.roles.revoke(people[1], Role.ADMIN, now=NOW)
        await uow.people.mark_unreachable_by_chat(5003, now=NOW)  # people[2] blocked the bot
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        admins = await uow.people.reachable_admins()
    assert [admin.id for admin in admins] == [people[0], people[3]]


def test_config_defaults_for_invites() -> None:
    access = AppConfig().access
    assert (access.invite_ttl_days, access.board_invite_max_uses) == (30, 5)


async def test_waiting_requests_oldest_first_and_the_last_refusal(factory: Factory) -> None:
    admin = (await _people(factory, 1))[0]
    async with UnitOfWork(factory) as uow:
        repo = uow.join_requests
        made = []
        for offset, (telegram_user_id, name) in enumerate([(7101, "Ani"), (7102, "Budi")]):
            request = await repo.add_draft(
                telegram_user_id=telegram_user_id,
                chat_id=telegram_user_id,
                display_name=name,
                now=NOW,
            )
            await repo.submit(request.id, None, NOW + timedelta(minutes=offset))
            made.append(request.id)
        await repo.add_draft(telegram_user_id=7103, chat_id=7103, display_name="Citra", now=NOW)
        await repo.decide(made[1], REFUSED, admin, NOW + timedelta(days=1))
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        repo = uow.join_requests
        waiting = await repo.pending(limit=5)
        count = await repo.count_pending()
        refused = await repo.last_refused_for(7102)
        none_refused = await repo.last_refused_for(7101)
    assert [r.display_name for r in waiting] == ["Ani"]  # drafts and decided ones are not
    assert count == 1
    assert refused is not None
    assert refused.id == made[1]
    assert none_refused is None


async def test_board_people_are_the_active_members_with_telegram(factory: Factory) -> None:
    people = await _people(factory, 3)
    koperasi_id = await _koperasi(factory, "KUD Tani", "Kraksaan")
    async with UnitOfWork(factory) as uow:
        for person in people:
            await uow.roles.grant(person, Role.PENGURUS, koperasi_id=koperasi_id, now=NOW)
        await uow.roles.revoke(people[1], Role.PENGURUS, koperasi_id=koperasi_id, now=NOW)
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        members = await PetugasRepository(uow.session).board_people(koperasi_id)
    assert [member.id for member in members] == [people[0], people[2]]
