"""The verification loop: the officer told when a board reports, verifying or returning it.

A board's report waits unchecked (`verification = none`); the cooperative's officer hears
of it through the outbox — one note per officer, cooperative and hour (the idempotency key),
not one per item. The officer (or an admin) marks it verified, or returns it with a note:
every board member then gets the note with a button that opens exactly that item's
sub-flow. Each side is a history row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.access import Viewer
from domain.callbacks import LaporButton
from domain.rat.report import HELD, late_target
from domain.rat.roles import may_confirm_ods
from locales import N_, Catalogues
from locales.labels import target_label
from services.notes import NOTE_KIND, queue_note
from storage.repositories.outbox import PRIORITY_INTERACTIVE
from storage.tables import ChecklistEntry, CycleChange, Person, RatCycle
from storage.uow import UnitOfWork

VERIFIED, RETURNED, UNCHECKED = "verified", "returned", "none"
KINDS = ("item", "held", "reported")
NOTIFY = N_("verifikasi.notify")  # the officer's note: a board reported


class Checked(StrEnum):
    """What became of a verification."""

    DONE = "done"
    ALREADY = "already"  # checked meanwhile (a double tap, another officer)
    NOT_ALLOWED = "not_allowed"
    GONE = "gone"


@dataclass(frozen=True)
class Target:
    """What is checked: a checklist entry, or a cycle's RAT-held / reported milestone."""

    koperasi_id: int
    cycle: RatCycle
    entry: ChecklistEntry | None
    kind: str

    @property
    def name(self) -> str:
        """The /lapor target: the item code, or `held` / `reported`."""
        return self.entry.item_code if self.entry is not None else self.kind

    @property
    def verification(self) -> str:
        if self.entry is not None:
            return self.entry.verification
        return str(getattr(self.cycle, f"{self.kind}_verification"))


async def notify_officer(
    uow: UnitOfWork,
    catalogues: Catalogues,
    koperasi_id: int,
    nama: str,
    now: datetime,
    *,
    petugas_id: int | None,
    officer: Person | None = None,
    queued: bool = False,
) -> None:
    """Tells the cooperative's officer (`petugas_id`, as the change read it with its lock;
    `officer`: that person, when the lock read it too) a board reported (at most once an
    hour per cooperative). `queued`: the lock saw this hour's note queued already (with
    `officer_note_key_tail`): its INSERT would be ignored, so none is made."""
    if petugas_id is None or queued:
        return
    if officer is None or officer.id != petugas_id:
        officer = await uow.people.get(petugas_id)
    await queue_note(
        uow, catalogues, officer, NOTIFY, cause=_cause(koperasi_id, now), now=now, nama=nama
    )


def officer_note_key_tail(koperasi_id: int, now: datetime) -> str:
    """The idempotency key of `notify_officer`'s note after `note:<officer id>` (as
    `services.notes.queue_note` makes it): a change's lock tells by it whether the note is
    queued already (`RatCycleRepository.lock_for_change`)."""
    return f":{NOTIFY}:{_cause(koperasi_id, now)}"


def _cause(koperasi_id: int, now: datetime) -> str:
    """At most one note an hour per cooperative."""
    return f"lapor:{koperasi_id}:{now.strftime('%Y%m%d%H')}"


async def _target(uow: UnitOfWork, kind: str, row_id: int) -> Target | None:
    if kind == "item":
        found = await uow.rat_report.entry(row_id)
        if found is None:
            return None
        entry, cycle = found
        return Target(cycle.koperasi_id, cycle, entry, kind)
    held = await uow.rat_report.cycle(row_id)
    return None if held is None else Target(held.koperasi_id, held, None, kind)


async def check(
    uow: UnitOfWork,
    viewer: Viewer,
    kind: str,
    row_id: int,
    *,
    now: datetime,
    note: str | None = None,
    catalogues: Catalogues | None = None,
) -> Checked:
    """Marks the target verified, or (with `note`) returns it to the board with the note."""
    if kind not in KINDS:
        return Checked.GONE
    target = await _target(uow, kind, row_id)
    if target is None:
        return Checked.GONE
    petugas = (await uow.rat_cycles.petugas_ids([target.koperasi_id])).get(target.koperasi_id)
    # The office checks a board's report, never a member of that board (an officer sitting on
    # it included): the rule of the ODS confirmation.
    if not may_confirm_ods(viewer, target.koperasi_id, petugas):
        return Checked.NOT_ALLOWED
    if target.verification != UNCHECKED:
        return Checked.ALREADY
    new = RETURNED if note is not None else VERIFIED
    holder: ChecklistEntry | RatCycle = target.entry if target.entry is not None else target.cycle
    prefix = "" if target.entry is not None else f"{kind}_"
    setattr(holder, f"{prefix}verification", new)
    setattr(holder, f"{prefix}verified_by_person_id", viewer.person_id)
    setattr(holder, f"{prefix}verified_at", now)
    setattr(holder, f"{prefix}return_note", note)
    uow.rat_report.add(
        CycleChange(
            rat_cycle_id=target.cycle.id,
            item_code=target.entry.item_code if target.entry is not None else None,
            field=f"{prefix}verification",
            old_value=UNCHECKED,
            new_value=new,
            changed_by_person_id=viewer.person_id,
            on_behalf=True,
            changed_at=now,
        )
    )
    if note is not None and catalogues is not None:
        await _tell_board(uow, catalogues, target, note, now)
    return Checked.DONE


async def _tell_board(
    uow: UnitOfWork, catalogues: Catalogues, target: Target, note: str, now: datetime
) -> None:
    """The returned note to every board member, with the button that opens the item."""
    koperasi = await uow.koperasi.get(target.koperasi_id)
    nama = koperasi.nama if koperasi is not None else ""
    # The button opens exactly what was returned: a missed year's late RAT is its own target.
    name = target.name
    current = koperasi.current_rat_cycle_id if koperasi is not None else None
    if target.kind == HELD and current != target.cycle.id:
        name = late_target(target.cycle.tahun_buku)
    for member in await uow.koperasi_query.board(target.koperasi_id):
        person = await uow.people.get(member.person_id)
        if person is None or person.telegram_user_id is None or not person.reachable:
            continue
        tr = catalogues.resolve(person.language, person.telegram_language_code)
        label = target_label(tr, name)
        text = tr.t("verifikasi.returned_note", nama=nama, target=label, note=note)
        button = {
            "text": tr.t("verifikasi.button.open"),
            "callback_data": LaporButton(target.koperasi_id, name).encode(),
        }
        chat_id = person.telegram_user_id
        await uow.outbox.enqueue(
            idempotency_key=f"return:{person.id}:{target.kind}:{target.cycle.id}:{target.name}:{now.isoformat()}",
            chat_id=chat_id,
            method="sendMessage",
            payload={
                "chat_id": chat_id,
                "text": text,
                "parse_mode": "HTML",
                "reply_markup": {"inline_keyboard": [[button]]},
            },
            kind=NOTE_KIND,
            priority=PRIORITY_INTERACTIVE,
            now=now,
            person_id=person.id,
        )


async def returned_late_rat(uow: UnitOfWork, koperasi_id: int, tahun_buku: int) -> bool:
    """Whether the officer returned the late RAT recorded for that missed year (its year is
    then no longer missed, but the returned note's button must open it again)."""
    cycle = await uow.rat_report.year_cycle(koperasi_id, tahun_buku)
    return cycle is not None and cycle.held_verification == RETURNED
