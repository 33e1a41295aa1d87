"""Optionally ([visits] notify_board) the board hears that a visit was logged, with the
follow-ups it owes — through the outbox, in each member's language."""

from __future__ import annotations

from datetime import datetime

from domain.koperasi_list import shorten
from domain.kunjungan import OwnerKind
from locales import N_, Catalogues
from services.notes import queue_note
from storage.tables import Kunjungan, TindakLanjut
from storage.uow import UnitOfWork

# Follow-ups listed in the board's note (each at most 150 characters): well within 4,096.
NOTE_FOLLOW_UPS = 8


async def tell_board(
    uow: UnitOfWork,
    catalogues: Catalogues,
    visit: Kunjungan,
    items: list[TindakLanjut],
    now: datetime,
) -> int:
    """Queues the note for every active board member who can be reached; returns how many."""
    koperasi = await uow.koperasi.get(visit.koperasi_id)
    if koperasi is None:
        return 0
    owed = [item for item in items if item.owner_kind == OwnerKind.PENGURUS]
    # A note fits one message: the first few follow-ups, each cut to a line's length.
    lines = "\n".join(
        f"• {shorten(item.description, 150)} — {item.due_date:%d-%m-%Y}"
        for item in owed[:NOTE_FOLLOW_UPS]
    )
    key = N_("kunjungan.board_note.follow_ups") if owed else N_("kunjungan.board_note")
    told = 0
    for member in await uow.koperasi_query.board(koperasi.id):
        person = await uow.people.get(member.person_id)
        told += await queue_note(
            uow,
            catalogues,
            person,
            key,
            cause=f"kunjungan:{visit.id}:{visit.current_version}",
            now=now,
            koperasi=koperasi.nama,
            lines=lines,
        )
    return told
