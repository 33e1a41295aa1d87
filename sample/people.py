"""Synthetic people for the sample register: office staff, officers and board members.

Their Telegram ids are stand-ins from 9,000,000 up (admins +1…, pimpinan +50…, officers +100…,
board members +10,000…), so tests and the sandbox can act as them through telegram_stub.
Names are made up (`sample.names`); no phone numbers or usernames.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from config import DEFAULT_KECAMATAN
from domain.access import Role
from sample.names import person_name
from storage.uow import UnitOfWork

PERSON_ID_BASE = 9_000_000
ADMIN_OFFSET, PIMPINAN_OFFSET, PETUGAS_OFFSET, PENGURUS_OFFSET = 1, 50, 100, 10_000
BOARD_SHARE = 0.35  # cooperatives with a board member on Telegram
SECRETARY_SHARE = 0.5  # of those, with their secretary too


@dataclass(frozen=True)
class SamplePerson:
    """A made-up person with a role; officers cover kecamatan, board members one cooperative."""

    telegram_user_id: int
    full_name: str
    role: Role
    kecamatan: tuple[str, ...] = ()
    # A board member's cooperative, by its NIK koperasi (or legal number when it has none).
    koperasi_key: str | None = None
    jabatan: str | None = None


def sample_staff(
    seed: int,
    *,
    admins: int = 2,
    pimpinan: int = 1,
    petugas: int = 24,
    kecamatan: Sequence[str] = DEFAULT_KECAMATAN,
) -> list[SamplePerson]:
    """Admins, pimpinan and officers; the kecamatan are dealt out to officers in turn."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    people = [
        SamplePerson(PERSON_ID_BASE + ADMIN_OFFSET + n, person_name(rng), Role.ADMIN)
        for n in range(admins)
    ]
    people += [
        SamplePerson(PERSON_ID_BASE + PIMPINAN_OFFSET + n, person_name(rng), Role.PIMPINAN)
        for n in range(pimpinan)
    ]
    for n in range(petugas):
        covered = tuple(kecamatan[i] for i in range(n, len(kecamatan), max(petugas, 1)))
        people.append(
            SamplePerson(
                PERSON_ID_BASE + PETUGAS_OFFSET + n, person_name(rng), Role.PETUGAS, covered
            )
        )
    return people


def sample_pengurus(rows: Iterable[Mapping[str, object]], seed: int) -> Iterator[SamplePerson]:
    """Board members (a ketua, sometimes a sekretaris) for about a third of the cooperatives."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    next_id = PERSON_ID_BASE + PENGURUS_OFFSET
    for row in rows:
        key = row.get("nik_koperasi") or row.get("no_badan_hukum")
        if not isinstance(key, str) or rng.random() >= BOARD_SHARE:
            continue
        jabatan = ["ketua", "sekretaris"] if rng.random() < SECRETARY_SHARE else ["ketua"]
        for title in jabatan:
            yield SamplePerson(
                next_id, person_name(rng), Role.PENGURUS, koperasi_key=key, jabatan=title
            )
            next_id += 1


async def seed_people(uow: UnitOfWork, people: Iterable[SamplePerson], *, now: datetime) -> int:
    """Stores the people and their roles, and gives each officer their kecamatan's cooperatives.

    Board members of cooperatives not in the register are skipped; a person already stored
    (same Telegram id) keeps their row and gains the role. Returns how many roles were granted.
    Hundreds of people and a scan of the register: give it a background unit of work
    (`AppServices.uow(background=True)`), never one that runs on the event loop's thread.
    """
    by_nik, by_badan_hukum = await uow.koperasi.key_index()
    granted = 0
    for sample in people:
        koperasi_id = None
        if sample.koperasi_key is not None:
            koperasi_id = by_nik.get(sample.koperasi_key) or by_badan_hukum.get(
                sample.koperasi_key
            )
            if koperasi_id is None:
                continue
        person = await uow.people.get_by_telegram_id(sample.telegram_user_id)
        if person is None:
            person = await uow.people.add(
                telegram_user_id=sample.telegram_user_id, full_name=sample.full_name, now=now
            )
        await uow.roles.grant(
            person.id, sample.role, now=now, koperasi_id=koperasi_id, jabatan=sample.jabatan
        )
        granted += 1
        for kecamatan in sample.kecamatan:
            await uow.koperasi.assign_petugas_where_unassigned(kecamatan, person.id, now=now)
    return granted
