"""Submitting an officer's visit: the report, its first version and its follow-ups, in the
transaction of the last answer; optionally a note to the board (through the outbox)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from config import AppConfig, VisitsConfig
from conversations.spec import FormRun, Reply
from domain.kunjungan import (
    SUGGESTED_POAC,
    Jenis,
    OwnerKind,
    Panjang,
    checklist_answer,
    checklist_changes,
    correctable,
)
from locales import N_, Catalogues
from services.kunjungan_checklist import record_checklist
from services.kunjungan_notify import tell_board
from storage.tables import Kunjungan, KunjunganVersion, TindakLanjut
from storage.uow import UnitOfWork

SUBMITTED = "submitted"
FORM_NAME = "kunjungan"  # the form's stored name (conversations.kunjungan.NAME)
# Answers that steer the form, not part of the report.
FORM_ONLY = frozenset({"tinjau", "orang_lagi", "tl_lagi", "checklist_pilih"})


def subject_of(koperasi_id: int, kunjungan_id: int | None = None) -> str:
    """The form's subject: the cooperative (a new report), or `<koperasi>/<kunjungan>` (a
    correction), so a correction never takes the place of a new report's draft."""
    return str(koperasi_id) if kunjungan_id is None else f"{koperasi_id}/{kunjungan_id}"


def parse_subject(subject: str) -> tuple[int, int | None] | None:
    """The cooperative and (for a correction) the visit a subject names."""
    parts = subject.split("/")
    if not 1 <= len(parts) <= 2 or not all(part.isdigit() for part in parts):
        return None
    return int(parts[0]), int(parts[1]) if len(parts) == 2 else None


async def officer_koperasi(uow: UnitOfWork, person_id: int | None, subject: str) -> int | None:
    """The cooperative `subject` names, if the person is its officer (checked on every use)."""
    parsed = parse_subject(subject)
    if person_id is None or parsed is None:
        return None
    koperasi = await uow.koperasi.get(parsed[0])
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


async def submit(
    uow: UnitOfWork, run: FormRun, cfg: AppConfig, catalogues: Catalogues | None = None
) -> Reply:
    """Stores the visit, its version 1 and its follow-ups; the officer must still be the
    cooperative's officer."""
    koperasi_id = await officer_koperasi(uow, run.person_id, run.subject)
    parsed = parse_subject(run.subject)
    if koperasi_id is None or run.person_id is None or parsed is None:
        return Reply(N_("kunjungan.not_yours"))
    if parsed[1] is not None:
        return await correct(uow, run, parsed[1], cfg)
    answers, now = run.answers, run.now
    version = version_of(answers, run.person_id, now)
    version.data = await _with_checklist(uow, koperasi_id, run, cfg, version.data)
    visit = Kunjungan(
        koperasi_id=koperasi_id,
        petugas_id=run.person_id,
        status=SUBMITTED,
        jenis=version.jenis,
        poac=version.poac,
        verdict=version.verdict,
        visited_at=version.visited_at,
        created_at=now,
        updated_at=now,
        submitted_at=now,
    )
    await uow.kunjungan.add_visit(visit, version)
    items = follow_up_rows(visit, answers, run.person_id, now)
    await uow.kunjungan.add_follow_ups(items)
    await uow.audit.record(
        run.person_id,
        "kunjungan.submit",
        "kunjungan",
        visit.id,
        {"koperasi_id": koperasi_id, "tindak_lanjut": len(items)},
        at=now,
    )
    if cfg.visits.notify_board and catalogues is not None:
        await tell_board(uow, catalogues, visit, items, now)
    return Reply(N_("kunjungan.saved"), {"count": len(items)})


async def _with_checklist(
    uow: UnitOfWork,
    koperasi_id: int,
    run: FormRun,
    cfg: AppConfig,
    data: dict[str, Any],
    before: object = None,
) -> dict[str, Any]:
    """The report with the checklist after the items the officer marked done (a full report
    keeps the snapshot even when nothing changed). `before`: the checklist answer of the
    version a correction replaces — only the items it adds are recorded."""
    chosen = checklist_answer(run.answers.get("checklist"))
    full = run.answers.get("panjang") == Panjang.LENGKAP
    if run.person_id is None or (not chosen and not full):
        return data
    added = set(checklist_changes(before, chosen))
    codes = [code for code in cfg.rat.checklist if code in added]
    states = await record_checklist(uow, koperasi_id, codes, run.person_id, cfg, run.now)
    return {**data, "checklist_snapshot": states}


def follow_up_rows(
    visit: Kunjungan, answers: dict[str, Any], person_id: int, now: datetime
) -> list[TindakLanjut]:
    """The follow-ups a report describes, as rows of its visit."""
    return [
        TindakLanjut(
            koperasi_id=visit.koperasi_id,
            kunjungan_id=visit.id,
            description=what,
            owner_kind=owner,
            owner_person_id=person_id if owner == OwnerKind.PETUGAS else None,
            due_date=due,
            created_by_person_id=person_id,
            created_at=now,
        )
        for what, owner, due in follow_ups(answers)
    ]


def version_of(answers: dict[str, Any], person_id: int, now: datetime) -> KunjunganVersion:
    """A version holding the report the answers make (numbered by the caller)."""
    jenis = Jenis(answers["jenis"]).value
    return KunjunganVersion(
        version=1,
        jenis=jenis,
        visited_at=datetime.fromisoformat(answers["waktu"]),
        verdict=answers.get("verdict"),
        poac=answers.get("poac") or SUGGESTED_POAC[Jenis(jenis)].value,
        data=report_data(answers),
        created_by_person_id=person_id,
        created_at=now,
    )


async def last_correctable(
    uow: UnitOfWork, person_id: int, koperasi_id: int, now: datetime, visits: VisitsConfig
) -> Kunjungan | None:
    """The officer's latest report on the cooperative, if it may still be corrected."""
    visit = await uow.kunjungan.last_by_officer(person_id, koperasi_id)
    if visit is None or visit.submitted_at is None:
        return None
    return visit if correctable(visit.submitted_at, now, visits.correction_days) else None


async def picker_states(
    uow: UnitOfWork,
    person_id: int,
    koperasi_ids: list[int],
    *,
    chat_id: int,
    user_id: int,
    now: datetime,
    visits: VisitsConfig,
) -> dict[int, tuple[bool, bool]]:
    """Per cooperative offered by /kunjungan, in one query: whether the officer keeps a draft
    for it, and whether their latest report on it may still be corrected."""
    rows = await uow.kunjungan.picker_rows(
        person_id, koperasi_ids, chat_id=chat_id, user_id=user_id, form=FORM_NAME
    )
    return {
        koperasi_id: (
            bool(answers),
            last is not None and correctable(last, now, visits.correction_days),
        )
        for koperasi_id, (answers, last) in rows.items()
    }


async def correctable_visit(
    uow: UnitOfWork, person_id: int, koperasi_id: int, now: datetime, visits: VisitsConfig
) -> tuple[Kunjungan, dict[str, Any]] | None:
    """The officer's latest report on the cooperative and its answers, if still correctable."""
    visit = await last_correctable(uow, person_id, koperasi_id, now, visits)
    if visit is None:
        return None
    versions = await uow.kunjungan.versions(visit.id)
    return visit, dict(versions[-1].data)


async def correct(uow: UnitOfWork, run: FormRun, kunjungan_id: int, cfg: AppConfig) -> Reply:
    """Stores a correction as the visit's next version (the previous ones are kept); the
    follow-ups not yet done are replaced by those of the corrected report."""
    visit, days = await uow.kunjungan.get(kunjungan_id), cfg.visits.correction_days
    if visit is None or visit.petugas_id != run.person_id or run.person_id is None:
        return Reply(N_("kunjungan.not_yours"))
    if visit.submitted_at is None or not correctable(visit.submitted_at, run.now, days):
        return Reply(N_("kunjungan.too_late"), {"days": days})
    previous = (await uow.kunjungan.versions(visit.id))[-1].data
    version = version_of(run.answers, run.person_id, run.now)
    version.data = await _with_checklist(
        uow, visit.koperasi_id, run, cfg, version.data, previous.get("checklist")
    )
    await uow.kunjungan.add_version(visit, version)
    await uow.kunjungan.drop_open_follow_ups(visit.id)
    items = follow_up_rows(visit, run.answers, run.person_id, run.now)
    await uow.kunjungan.add_follow_ups(items)
    await uow.audit.record(
        run.person_id,
        "kunjungan.correct",
        "kunjungan",
        visit.id,
        {"version": visit.current_version, "tindak_lanjut": len(items)},
        at=run.now,
    )
    return Reply(N_("kunjungan.corrected"), {"version": visit.current_version})
