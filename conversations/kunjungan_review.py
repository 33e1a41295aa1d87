"""The review of a visit before it is submitted: every answer, and an option per field to
change it (sections *Singkat* skips are filled from here)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from conversations.kunjungan_options import POAC_OPTIONS, TYPES, VERDICTS, label_key
from conversations.spec import Answers, Option
from domain.koperasi_list import shorten
from domain.kunjungan import OWNER_KEYS, OwnerKind
from locales import N_, Translator

SUBMIT = "kirim"
CHANGE = "ubah_"
# Longest excerpt of one answer on the review; the report keeps the whole text.
EXCERPT = 120
# With these bounds the review stays far below Telegram's 4,096 characters, however many
# persons or follow-ups a report has (the stored report keeps them all).
LIST_EXCERPT = 300
FOLLOW_UPS_SHOWN = 8

# Field (a step id) → its label key, in review order.
FIELDS: dict[str, str] = {
    "jenis": N_("kunjungan.field.jenis"),
    "poac": N_("kunjungan.field.poac"),
    "waktu": N_("kunjungan.field.waktu"),
    "lokasi": N_("kunjungan.field.lokasi"),
    "orang": N_("kunjungan.field.orang"),
    "checklist": N_("kunjungan.field.checklist"),
    "temuan_organisasi": N_("kunjungan.field.temuan_organisasi"),
    "temuan_usaha": N_("kunjungan.field.temuan_usaha"),
    "temuan_keuangan": N_("kunjungan.field.temuan_keuangan"),
    "kendala": N_("kunjungan.field.kendala"),
    "tl": N_("kunjungan.field.tl"),
    "verdict": N_("kunjungan.field.verdict"),
    "rencana_rat": N_("kunjungan.field.rencana_rat"),
    "berikutnya": N_("kunjungan.field.berikutnya"),
    "catatan": N_("kunjungan.field.catatan"),
    "foto": N_("kunjungan.field.foto"),
}
# Labels of stored codes (choices), shown instead of the code.
CODE_LABELS = {"jenis": TYPES, "verdict": VERDICTS, "poac": POAC_OPTIONS}

DATE_FIELDS = frozenset({"rencana_rat", "berikutnya"})

REVIEW_OPTIONS = [
    Option(SUBMIT, N_("kunjungan.review.submit")),
    *(Option(CHANGE + field, key) for field, key in FIELDS.items()),
]


def editing(answers: Answers) -> bool:
    """Whether the officer came from the review to change a field (go back there after it)."""
    return str(answers.get("tinjau") or "").startswith(CHANGE)


def review_step(answers: Answers) -> str | None:
    """After the review: submit (None), or the field to change."""
    choice = str(answers.get("tinjau") or SUBMIT)
    return None if choice == SUBMIT else choice.removeprefix(CHANGE)


def summary(tr: Any, answers: Answers) -> str:
    """Every answer so far, one line each (long texts shortened), for the review."""
    translator: Translator = tr
    lines = [translator.t("kunjungan.review.title")]
    for field, key in FIELDS.items():
        shown = _shown(translator, field, answers.get(field))
        if shown is not None:
            lines.append(
                translator.t("kunjungan.review.line", field=translator.t(key), value=shown)
            )
    follow_ups = _follow_ups(translator, answers)
    lines.extend(follow_ups)
    return "\n".join(lines)


def _shown(tr: Translator, field: str, value: Any) -> str | None:
    """One answer as the review shows it (None: nothing to show)."""
    if value is None or field == "tl":
        return None
    if field in CODE_LABELS:
        return tr.t(label_key(CODE_LABELS[field], value))
    if field == "waktu":
        return tr.instant(datetime.fromisoformat(value))
    if field in DATE_FIELDS:
        return tr.date(date.fromisoformat(value))
    return _shown_value(tr, field, value)


def _shown_value(tr: Translator, field: str, value: Any) -> str | None:
    if isinstance(value, list):
        if field == "foto":
            return str(len(value))
        kept = [_excerpt(str(item)) for item in value if item is not None]
        return _excerpt("; ".join(kept), LIST_EXCERPT) if kept else None
    if isinstance(value, dict):
        key = N_("kunjungan.review.voice") if "voice" in value else N_("kunjungan.review.location")
        return tr.t(key)
    return _excerpt(str(value))


def _follow_ups(tr: Translator, answers: Answers) -> list[str]:
    rows = zip(
        answers.get("tl") or [],
        answers.get("tl_pemilik") or [],
        answers.get("tl_tenggat") or [],
        strict=False,
    )
    return [
        tr.t(
            "kunjungan.review.follow_up",
            what=_excerpt(str(what)),
            owner=tr.t(OWNER_KEYS[OwnerKind(owner)]),
            due=date.fromisoformat(due),
        )
        for what, owner, due in rows
        if what is not None and owner is not None and due is not None
    ][:FOLLOW_UPS_SHOWN]


def assumed_time(tr: Any, answers: Answers) -> str:
    """Which date-time the visit got (a quick answer assumes one): said right after it."""
    translator: Translator = tr
    when = answers.get("waktu")
    if when is None:
        return ""
    return translator.t("kunjungan.waktu.assumed", when=datetime.fromisoformat(when))


def _excerpt(text: str, longest: int = EXCERPT) -> str:
    return shorten(text, longest)
