"""The steps of the visit form (`conversations.kunjungan`) and its skip logic: *Singkat*
skips every section of the full report; a change from the review goes back to it."""

from __future__ import annotations

from typing import Any

from config import VisitsConfig
from conversations.kunjungan_options import (
    LENGTHS,
    MORE,
    OWNERS,
    POAC_OPTIONS,
    QUICK_TIMES,
    TYPES,
    VERDICTS,
    label_key,
)
from conversations.kunjungan_review import (
    REVIEW_OPTIONS,
    assumed_time,
    editing,
    review_step,
    summary,
)
from conversations.spec import Answers, InputKind, NextStep, Step, Validator
from domain.kunjungan import SUGGESTED_POAC, Jenis, Panjang, parse_checklist_codes
from locales import N_

HORIZON_DAYS = 366  # how far ahead a due date, a planned RAT or a next visit may lie


def then(default: str) -> NextStep:
    """`default` next, or back to the review when the officer came from it."""

    def following(answers: Answers) -> str | None:
        return "tinjau" if editing(answers) else default

    return following


def _lengkap(answers: Answers) -> bool:
    return answers.get("panjang") == Panjang.LENGKAP


def after_jenis(answers: Answers) -> str | None:
    """*Lengkap* asks the POAC tag next; *Singkat* the date-time."""
    return then("poac" if _lengkap(answers) else "waktu")(answers)


def after_waktu(answers: Answers) -> str | None:
    """*Lengkap* asks the location next; *Singkat* the verdict."""
    return then("lokasi" if _lengkap(answers) else "verdict")(answers)


def after_more(step: str, done: str) -> NextStep:
    """After "another one?": the repeated step again, or on."""

    def following(answers: Answers) -> str | None:
        return step if answers.get(f"{step}_lagi") == "tambah" else then(done)(answers)

    return following


def after_orang(answers: Answers) -> str | None:
    """A person named asks whether there was another; a skip goes on to the findings."""
    named = (answers.get("orang") or [None])[-1]
    return "orang_lagi" if named is not None else then("checklist")(answers)


def after_tl(answers: Answers) -> str | None:
    """A skipped follow-up ends the follow-ups; one described asks its owner."""
    described = (answers.get("tl") or [None])[-1]
    return "tl_pemilik" if described is not None else then("verdict")(answers)


def after_verdict(answers: Answers) -> str | None:
    """*Lengkap* asks the planned RAT date next; *Singkat* the note."""
    return then("rencana_rat" if _lengkap(answers) else "catatan")(answers)


def suggested_poac(answers: Answers) -> str | None:
    """The POAC tag the type suggests."""
    return SUGGESTED_POAC[Jenis(answers["jenis"])].value


def poac_hint(tr: Any, answers: Answers) -> str:
    """The POAC tag the type suggests, above the question."""
    tag = suggested_poac(answers)
    return str(tr.t("kunjungan.poac.suggested", tag=tr.t(label_key(POAC_OPTIONS, tag))))


def _checklist_codes(codes: tuple[str, ...]) -> Validator:
    """Refuses items that are not on the configured checklist (with their names)."""

    def validate(value: Any, answers: Answers) -> None:
        del answers
        parse_checklist_codes(value, codes)

    return validate


def visit_steps(visits: VisitsConfig, checklist: list[str]) -> list[Step]:
    """Every step of the visit form, in the order *Lengkap* asks them."""
    text = visits.max_text_length
    return [
        *_opening(visits),
        *_people_and_checklist(checklist),
        *_findings(text),
        *_follow_ups(),
        *_closing(text),
    ]


def _opening(visits: VisitsConfig) -> list[Step]:
    """Length, type, POAC tag and date-time."""
    return [
        Step("panjang", N_("kunjungan.prompt.panjang"), InputKind.CHOICE, LENGTHS, next="jenis"),
        Step("jenis", N_("kunjungan.prompt.jenis"), InputKind.CHOICE, TYPES, next=after_jenis),
        Step(
            "poac",
            N_("kunjungan.prompt.poac"),
            InputKind.CHOICE,
            POAC_OPTIONS,
            next=then("waktu"),
            summary=poac_hint,
        ),
        Step(
            "waktu",
            N_("kunjungan.prompt.waktu"),
            InputKind.DATETIME,
            QUICK_TIMES,
            next=after_waktu,
            days_back=visits.max_days_back,
        ),
    ]


def _people_and_checklist(checklist: list[str]) -> list[Step]:
    """Location, persons met (repeatable) and the checklist items done."""
    return [
        Step(
            "lokasi",
            N_("kunjungan.prompt.lokasi"),
            InputKind.LOCATION,
            skippable=True,
            next=then("orang"),
            summary=assumed_time,
        ),
        Step(
            "orang",
            N_("kunjungan.prompt.orang"),
            InputKind.TEXT,
            max_length=200,
            skippable=True,
            repeat=True,
            next=after_orang,
        ),
        Step(
            "orang_lagi",
            N_("kunjungan.prompt.orang_lagi"),
            InputKind.CHOICE,
            MORE,
            next=after_more("orang", "checklist"),
        ),
        Step(
            "checklist",
            N_("kunjungan.prompt.checklist"),
            InputKind.TEXT,
            max_length=200,
            skippable=True,
            validate=_checklist_codes(tuple(checklist)),
            next=then("temuan_organisasi"),
        ),
    ]


def _findings(text: int) -> list[Step]:
    """Findings per aspect and obstacles."""
    return [
        *(
            Step(
                f"temuan_{aspect}",
                key,
                InputKind.TEXT,
                max_length=text,
                skippable=True,
                next=then(following),
            )
            for aspect, key, following in (
                ("organisasi", N_("kunjungan.prompt.temuan_organisasi"), "temuan_usaha"),
                ("usaha", N_("kunjungan.prompt.temuan_usaha"), "temuan_keuangan"),
                ("keuangan", N_("kunjungan.prompt.temuan_keuangan"), "kendala"),
            )
        ),
        Step(
            "kendala",
            N_("kunjungan.prompt.kendala"),
            InputKind.TEXT,
            max_length=text,
            skippable=True,
            next=then("tl"),
        ),
    ]


def _follow_ups() -> list[Step]:
    """Follow-ups (repeatable): what, owner, due date."""
    return [
        Step(
            "tl",
            N_("kunjungan.prompt.tl"),
            InputKind.TEXT,
            max_length=500,
            skippable=True,
            repeat=True,
            next=after_tl,
        ),
        Step(
            "tl_pemilik",
            N_("kunjungan.prompt.tl_pemilik"),
            InputKind.CHOICE,
            OWNERS,
            repeat=True,
            next="tl_tenggat",
        ),
        Step(
            "tl_tenggat",
            N_("kunjungan.prompt.tl_tenggat"),
            InputKind.DATE,
            repeat=True,
            days_back=0,
            days_ahead=HORIZON_DAYS,
            next="tl_lagi",
        ),
        Step(
            "tl_lagi",
            N_("kunjungan.prompt.tl_lagi"),
            InputKind.CHOICE,
            MORE,
            next=after_more("tl", "verdict"),
        ),
    ]


def _closing(text: int) -> list[Step]:
    """Verdict, planned RAT, next visit, note, photos and the review."""
    return [
        Step(
            "verdict",
            N_("kunjungan.prompt.verdict"),
            InputKind.CHOICE,
            VERDICTS,
            next=after_verdict,
            summary=assumed_time,
        ),
        Step(
            "rencana_rat",
            N_("kunjungan.prompt.rencana_rat"),
            InputKind.DATE,
            skippable=True,
            days_back=0,
            days_ahead=HORIZON_DAYS,
            next=then("berikutnya"),
        ),
        Step(
            "berikutnya",
            N_("kunjungan.prompt.berikutnya"),
            InputKind.DATE,
            skippable=True,
            days_back=0,
            days_ahead=HORIZON_DAYS,
            next=then("catatan"),
        ),
        Step(
            "catatan",
            N_("kunjungan.prompt.catatan"),
            InputKind.TEXT,
            max_length=text,
            skippable=True,
            accepts_voice=True,
            next=then("foto"),
        ),
        Step(
            "foto",
            N_("kunjungan.prompt.foto"),
            InputKind.ALBUM,
            skippable=True,
            next="tinjau",
        ),
        Step(
            "tinjau",
            N_("kunjungan.prompt.tinjau"),
            InputKind.CHOICE,
            REVIEW_OPTIONS,
            next=review_step,
            summary=summary,
        ),
    ]
