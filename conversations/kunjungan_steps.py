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
    assumed_time,
    editing,
    entry_edited,
    review_options,
    review_step,
    store_entry,
    store_review,
    summary,
)
from conversations.spec import Answers, InputKind, NextStep, Option, Step
from domain.kunjungan import (
    SUGGESTED_POAC,
    Jenis,
    Panjang,
    checklist_answer,
    parse_checklist_codes,
    toggled,
)
from locales import N_
from locales.labels import ITEM_KEYS

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
    """A person named asks whether there was another; a skip goes on to the findings; a
    person changed from the review goes back to it."""
    if entry_edited(answers, "orang") is not None:
        return "tinjau"
    named = (answers.get("orang") or [None])[-1]
    return "orang_lagi" if named is not None else then("checklist")(answers)


def after_tl(answers: Answers) -> str | None:
    """A skipped follow-up ends the follow-ups; one described asks its owner (also when one
    is changed from the review; skipping it then deletes it)."""
    index = entry_edited(answers, "tl")
    if index is not None:
        described = index < len(answers.get("tl") or []) and answers["tl"][index] is not None
        return "tl_pemilik" if described else "tinjau"
    owners = answers.get("tl_pemilik") or []
    return "tl_pemilik" if len(answers.get("tl") or []) > len(owners) else then("verdict")(answers)


def after_tenggat(answers: Answers) -> str | None:
    """Another follow-up? — unless one was changed from the review: back to it."""
    return "tinjau" if entry_edited(answers, "tl") is not None else "tl_lagi"


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


CHECKLIST_DONE = "selesai"
CHECKLIST_OPEN = "checklist_pilih"  # the items ticked so far, while the officer ticks


def _ticked(answers: Answers) -> list[str]:
    if CHECKLIST_OPEN in answers:
        return checklist_answer(answers[CHECKLIST_OPEN])
    return checklist_answer(answers.get("checklist"))


DONE_KEY = N_("kunjungan.checklist.done")


def _item(code: str, ticked: bool) -> Option:
    """An item's option: `✓ A1 Tutup buku` when ticked (a code without a known name: alone)."""
    if code in ITEM_KEYS:  # a default item's name; another code is shown as it is
        key = N_("kunjungan.checklist.on") if ticked else N_("kunjungan.checklist.off")
        return Option(code, key, params=(("code", code),), param_keys=(("name", ITEM_KEYS[code]),))
    key = N_("kunjungan.checklist.on_code") if ticked else N_("kunjungan.checklist.off_code")
    return Option(code, key, params=(("code", code),))


def checklist_options(codes: tuple[str, ...]) -> Any:
    """An option per item, ✓ when ticked, then *Selesai*."""

    def options(answers: Answers) -> list[Option]:
        ticked = set(_ticked(answers))
        return [*(_item(code, code in ticked) for code in codes), Option(CHECKLIST_DONE, DONE_KEY)]

    return options


def typed_checklist(codes: tuple[str, ...]) -> Any:
    """Typed item codes (`A1 A2`): those items are the ones done (refused: unknown codes)."""

    def read(text: str, answers: Answers) -> list[str]:
        del answers
        return parse_checklist_codes(text, codes)

    return read


def store_checklist(codes: tuple[str, ...]) -> Any:
    """An item pressed is ticked or unticked (the question again); *Selesai*, typed codes or
    *Lewati* give the answer."""

    def store(answers: Answers, value: Any) -> Answers:
        if isinstance(value, str) and value in codes:
            answers[CHECKLIST_OPEN] = toggled(_ticked(answers), value, codes)
            return answers
        chosen = _ticked(answers) if value == CHECKLIST_DONE else value
        answers.pop(CHECKLIST_OPEN, None)
        answers["checklist"] = chosen or None
        return answers

    return store


def after_checklist(answers: Answers) -> str | None:
    """The checklist again while items are ticked; then the findings."""
    return "checklist" if CHECKLIST_OPEN in answers else then("temuan_organisasi")(answers)


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
    codes = tuple(checklist)
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
            store=store_entry("orang"),
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
            InputKind.CHOICE,
            skippable=True,
            options_of=checklist_options(codes),
            typed=typed_checklist(codes),
            store=store_checklist(codes),
            next=after_checklist,
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
            store=store_entry("tl"),
        ),
        Step(
            "tl_pemilik",
            N_("kunjungan.prompt.tl_pemilik"),
            InputKind.CHOICE,
            OWNERS,
            repeat=True,
            next="tl_tenggat",
            store=store_entry("tl_pemilik"),
        ),
        Step(
            "tl_tenggat",
            N_("kunjungan.prompt.tl_tenggat"),
            InputKind.DATE,
            repeat=True,
            days_back=0,
            days_ahead=HORIZON_DAYS,
            next=after_tenggat,
            store=store_entry("tl_tenggat"),
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
            options_of=review_options,
            store=store_review,
            next=review_step,
            summary=summary,
        ),
    ]
