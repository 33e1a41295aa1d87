"""Submitting an officer's visit: the report, its first version and its follow-ups, in the
transaction of the last answer; optionally a note to the board (through the outbox)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from config import VisitsConfig
from conversations.spec import FormRun, Reply
from domain.kunjungan import SUGGESTED_POAC, Jenis, OwnerKind
from locales import N_
from storage.tables import Kunjungan, KunjunganVersion, TindakLanjut
from storage.uow import UnitOfWork

SUBMITTED = "submitted"
# Answers that steer the form, not part of the report.
FORM_ONLY = frozenset({"tinjau", "orang_lagi", "tl_lagi"})


async def officer_koperasi(uow: UnitOfWork, person_id: int | None, subject: str) -> int | None:
    """The cooperative `subject` names, if the person is its officer (checked on every use)."""
    if person_id is None or not subject.isdigit():
        return None
    koperasi = await uow.koperasi.get(int(subject))
    if koperasi is None or koperasi.petugas_id != person_id:
        return None
    return koperasi.id


def follow_ups(answers: dict[str, Any]) -> list[tuple[str, str, date]]:
    """The follow-ups described in the answers: (what, owner kind, due date)."""
    rows = zip(
        answers.get("tl") or [],
        answers.get("tl_pemilik") or [],
        answers.get("tl_tenggat") or [],
        strict=False,
    )
    return [
        (str(what), OwnerKind(owner).value, date.fromisoformat(due))
        for what, owner, due in rows
        if what is not None and owner is not None and due is not None
    ]


def report_data(answers: dict[str, Any]) -> dict[str, Any]:
    """The report as stored in a version: every answer as given, minus the form's own."""
    return {key: value for key, value in answers.items() if key not in FORM_ONLY}


async def submit(uow: UnitOfWork, run: FormRun, visits: VisitsConfig) -> Reply:
    """Stores the visit, its version 1 and its follow-ups; the officer must still be the
    cooperative's officer."""
    koperasi_id = await officer_koperasi(uow, run.person_id, run.subject)
    if koperasi_id is None or run.person_id is None:
        return Reply(N_("kunjungan.not_yours"))
    answers, now = run.answers, run.now
    jenis = Jenis(answers["jenis"]).value
    poac = answers.get("poac") or SUGGESTED_POAC[Jenis(jenis)].value
    visited_at = datetime.fromisoformat(answers["waktu"])
    visit = Kunjungan(
        koperasi_id=koperasi_id,
        petugas_id=run.person_id,
        status=SUBMITTED,
        jenis=jenis,
        poac=poac,
        verdict=answers.get("verdict"),
        visited_at=visited_at,
        created_at=now,
        updated_at=now,
        submitted_at=now,
    )
    version = KunjunganVersion(
        version=1,
        jenis=jenis,
        visited_at=visited_at,
        verdict=answers.get("verdict"),
        poac=poac,
        data=report_data(answers),
        created_by_person_id=run.person_id,
        created_at=now,
    )
    await uow.kunjungan.add_visit(visit, version)
    items = [
        TindakLanjut(
            koperasi_id=koperasi_id,
            kunjungan_id=visit.id,
            description=what,
            owner_kind=owner,
            owner_person_id=run.person_id if owner == OwnerKind.PETUGAS else None,
            due_date=due,
            created_by_person_id=run.person_id,
            created_at=now,
        )
        for what, owner, due in follow_ups(answers)
    ]
    await uow.kunjungan.add_follow_ups(items)
    await uow.audit.record(
        run.person_id,
        "kunjungan.submit",
        "kunjungan",
        visit.id,
        {"koperasi_id": koperasi_id, "tindak_lanjut": len(items)},
        at=now,
    )
    del visits  # the bounds were applied by the form's steps
    return Reply(N_("kunjungan.saved"), {"count": len(items)})
