"""The sandbox's world: a fresh database migrated and filled by the sample generator (the
register imported as an office would, then the sample people), and invites for newcomers."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from config import AppConfig
from domain.access import Role
from domain.clock import Clock
from runtime.app import AppServices
from sample.cycles import seed_cycles
from sample.people import SamplePerson, sample_pengurus, sample_staff, seed_people
from sample.register import generate_register, write_register
from sample.threads import add_open_threads
from sample.visits import seed_visits
from services.invites import NewInvite, create_invite
from services.register_files import open_table
from services.register_import import file_limits, import_rules, import_table
from services.roles import roles_changed
from storage.engine import create_engine, session_factory
from storage.migrate import upgrade
from storage.uow import UnitOfWork

KOPERASI_COUNT = 800
SEED = 7


@dataclass(frozen=True)
class KoperasiCard:
    """What the page shows of a cooperative to pick a board member by."""

    key: str  # nik_koperasi, or the legal number when it has none (as `sample.people`)
    nama: str
    kecamatan: str


@dataclass(frozen=True)
class SampleWorld:
    """The seeded people and the cooperatives they belong to."""

    people: tuple[SamplePerson, ...]
    koperasi: dict[str, KoperasiCard]
    imported: int


async def build_world(
    cfg: AppConfig, clock: Clock, directory: Path, *, koperasi: int = KOPERASI_COUNT
) -> SampleWorld:
    """Migrates the sandbox database and fills it: the register, then its people."""
    await asyncio.to_thread(upgrade, cfg.database.url)
    now = clock.now()
    today = now.astimezone(cfg.region.tz).date()
    rows = list(generate_register(koperasi, SEED, kecamatan=cfg.region.kecamatan, today=today))
    path = directory / "register.xlsx"
    await asyncio.to_thread(write_register, path, rows)
    people = (*sample_staff(SEED, kecamatan=cfg.region.kecamatan), *sample_pengurus(rows, SEED))
    engine = create_engine(cfg.database.url, background=True)
    try:
        sessions = session_factory(engine)
        table = open_table(await asyncio.to_thread(path.read_bytes), path.name)
        async with UnitOfWork(sessions) as uow:
            result = await import_table(
                uow,
                table,
                import_rules(cfg, now),
                limits=file_limits(cfg),
                actor_person_id=None,
                channel="cli",
                now=now,
            )
            await uow.commit()
        async with UnitOfWork(sessions) as uow:
            await seed_people(uow, people, now=now)
            await uow.commit()
        # What the features have made of the register: cycles at every stage, officers'
        # visits and follow-ups, and questions from boards still waiting for an answer.
        async with UnitOfWork(sessions) as uow:
            await seed_cycles(uow, cfg.rat.policy(), today=today, now=now, seed=SEED)
            await uow.commit()
        async with UnitOfWork(sessions) as uow:
            await seed_visits(uow, now=now, seed=SEED)
            await add_open_threads(uow, SEED, now=now)
            await uow.commit()
    finally:
        await engine.dispose()
    cards = {card.key: card for card in map(_card, rows) if card is not None}
    return SampleWorld(people, cards, result.added)


def _card(row: dict[str, object]) -> KoperasiCard | None:
    key = row.get("nik_koperasi") or row.get("no_badan_hukum")
    if not isinstance(key, str):
        return None
    return KoperasiCard(key, str(row["nama"]), str(row["kecamatan"]))


async def mint_invite(
    services: AppServices, role: Role, koperasi_key: str | None = None
) -> NewInvite | None:
    """A fresh invite, as an admin would make it (a board invite names its cooperative)."""
    now = services.clock.now()
    async with services.uow() as uow:
        koperasi_id = None
        if koperasi_key is not None:
            by_nik, by_badan_hukum = await uow.koperasi.key_index()
            koperasi_id = by_nik.get(koperasi_key) or by_badan_hukum.get(koperasi_key)
        invite = await create_invite(
            uow,
            actor_person_id=None,
            role=role,
            cfg=services.config.access,
            now=now,
            koperasi_id=koperasi_id,
        )
        await uow.commit()
    return invite


async def refresh_menu(services: AppServices, telegram_user_id: int, now: datetime) -> None:
    """Sets the chat's command menu for the person's roles, as a role change does (the
    sample's roles were granted without it)."""
    async with services.uow() as uow:
        person = await uow.people.get_by_telegram_id(telegram_user_id)
        if person is not None:
            cause = f"sandbox:{now.isoformat()}"
            await roles_changed(uow, person, services.catalogues, cause=cause, now=now)
        await uow.commit()
