"""Seeding the register straight through the tables (cooperatives, officers, board members),
and forging a button press the way a modified client could.

Every function works inside a unit of work the test opens and commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from sqlalchemy import select

from domain.access import Role
from storage.tables import Koperasi, Person, RatCycle
from storage.uow import UnitOfWork
from telegram_stub import BotApiStub

NOW = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)  # FrozenClock's start: Monday 09:00 WIB
FLAG_FIELDS = {
    "TERLAMBAT_TARGET": "flag_terlambat_target",
    "TERLAMBAT_LAPOR": "flag_terlambat_lapor",
    "LEWAT_BATAS_UU": "flag_lewat_batas_uu",
    "TIDAK_RAT": "flag_tidak_rat",
}


async def add_koperasi(
    uow: UnitOfWork,
    nama: str,
    *,
    kecamatan: str | None = "Maron",
    petugas_id: int | None = None,
    tahap: str = "BELUM_MULAI",
    flags: Iterable[str] = (),
    target_date: date | None = None,
    now: datetime = NOW,
    **fields: object,
) -> Koperasi:
    """A cooperative; `target_date` also gives it a current RAT cycle with that office target."""
    for flag in flags:
        fields[FLAG_FIELDS[flag]] = True
    koperasi = Koperasi(
        nama=nama,
        kecamatan=kecamatan,
        petugas_id=petugas_id,
        tahap=tahap,
        created_at=now,
        updated_at=now,
        **fields,
    )
    await uow.koperasi.add(koperasi)
    if target_date is not None:
        koperasi.current_rat_cycle_id = await _current_cycle(uow, koperasi, target_date, now)
        await uow.session.flush()
    return koperasi


async def _current_cycle(
    uow: UnitOfWork, koperasi: Koperasi, target_date: date, now: datetime
) -> int:
    """A RAT cycle for fiscal year 2026 with the given office target; returns its id."""
    cycle = RatCycle(
        koperasi_id=koperasi.id,
        tahun_buku=2026,
        fiscal_year_end=date(2026, 12, 31),
        target_date=target_date,
        report_deadline=date(2027, 4, 30),
        statutory_limit=date(2027, 6, 30),
        tidak_rat_date=date(2027, 12, 31),
        checklist_spec={},
        tahap=koperasi.tahap,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(cycle)
    await uow.session.flush()
    return cycle.id


async def add_person(
    uow: UnitOfWork,
    telegram_user_id: int | None,
    full_name: str | None,
    *,
    roles: Iterable[Role] = (),
    reachable: bool = True,
    phone: str | None = None,
    username: str | None = None,
    now: datetime = NOW,
) -> Person:
    """A person holding `roles` (region-wide roles: admin, pimpinan, petugas)."""
    person = await uow.people.add(
        telegram_user_id=telegram_user_id,
        full_name=full_name,
        phone=phone,
        username=username,
        now=now,
    )
    person.reachable = reachable
    for role in roles:
        await uow.roles.grant(person.id, role.value, now=now)
    await uow.session.flush()
    return person


async def add_board_member(
    uow: UnitOfWork, person: Person, koperasi_id: int, jabatan: str | None = "ketua"
) -> None:
    """Seats the person on the cooperative's board."""
    await uow.roles.grant(
        person.id, Role.PENGURUS.value, now=NOW, koperasi_id=koperasi_id, jabatan=jabatan
    )


def forge_press(stub: BotApiStub, user_id: int, data: str, message_id: int | None = None) -> str:
    """Queues a callback query with any `data` on a bot message (the latest by default).

    The stub's own `press` only presses buttons that exist; a forged press needs no button.
    Returns the callback query id, to look its answer up in `stub.callback_answers()`.
    """
    chat = stub.state.chats[user_id]
    user = chat.user
    assert user is not None
    outgoing = [m for m in chat.messages.values() if m.outgoing and not m.deleted]
    message = chat.messages[message_id] if message_id is not None else outgoing[-1]
    record = stub.state.new_callback(user, message, data)
    payload = {
        "id": record.id,
        "from": user.to_api(),
        "message": message.to_api(),
        "chat_instance": str(chat.id),
        "data": data,
    }
    stub.state.updates.push("callback_query", payload)
    return record.id


def answer_of(stub: BotApiStub, query_id: str) -> dict[str, object]:
    """How the bot answered one callback query (`answered`, `answer`)."""
    return next(record for record in stub.callback_answers() if record["id"] == query_id)


async def find_koperasi(
    uow: UnitOfWork, *, nik_koperasi: str | None = None, no_badan_hukum: str | None = None
) -> Koperasi | None:
    """The stored cooperative with this NIK koperasi, or else this legal number."""
    column, value = (
        (Koperasi.nik_koperasi, nik_koperasi)
        if nik_koperasi is not None
        else (Koperasi.no_badan_hukum, no_badan_hukum)
    )
    return (await uow.session.scalars(select(Koperasi).where(column == value))).one_or_none()
