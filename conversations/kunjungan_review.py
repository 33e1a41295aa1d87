"""The review of a visit before it is submitted: every answer in full, on as many pages as it
takes, with an option to change any field — each person met, follow-up and photo on its own —
to delete a repeated entry or an optional answer, and to fill the sections *Singkat* skips.

The layout depends on the answers only (never on the language), so the page the summary shows
and the options the step offers always agree. The option codes live in the answers, never in
callback data: `kirim`, `hal:<page>`, `ubah_<field>[:<entry>]`, `hapus_<field>[:<entry>]`,
`tambah_<field>`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from conversations.kunjungan_options import POAC_OPTIONS, TYPES, VERDICTS, label_key
from conversations.spec import Answers, Option
from domain.kunjungan import OWNER_KEYS, OwnerKind, checklist_answer
from locales import N_, Translator

SUBMIT = "kirim"
PAGE = "hal:"
CHANGE = "ubah_"
DELETE = "hapus_"
ADD = "tambah_"
# A page holds at most this much answer text (characters as stored) and these many entries'
# options, so with labels, the question and the numbered options it stays below Telegram's
# 4,096 characters; one longer answer (up to [visits] max_text_length) gets a page of its own.
PAGE_TEXT = 2400
PAGE_OPTIONS = 12
UNIT_OVERHEAD = 80  # a line's label and bullet, counted against PAGE_TEXT

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
# Repeated answers: each entry is changed or deleted on its own, and more can be added.
REPEATED = frozenset({"orang", "tl"})
# The follow-up's answers, one list each, entry i of each describing follow-up i.
FOLLOW_UP_FIELDS = ("tl", "tl_pemilik", "tl_tenggat")
# Optional answers the review may delete (set to nothing); the required ones are changed only.
REQUIRED = frozenset({"jenis", "poac", "waktu", "verdict"})

_ACTION = re.compile(r"(ubah|hapus|tambah)_([a-z_]+?)(?::(\d+))?")


@dataclass(frozen=True)
class Target:
    """What a review option acts on: a field, and for a repeated one the entry's index."""

    action: str  # ubah, hapus, tambah
    field: str
    index: int | None = None


def target_of(choice: object) -> Target | None:
    """The field (and entry) a review choice acts on; None for submit or a page."""
    match = _ACTION.fullmatch(str(choice or ""))
    if match is None or match[2] not in FIELDS:
        return None
    return Target(match[1], match[2], int(match[3]) if match[3] is not None else None)


def editing(answers: Answers) -> bool:
    """Whether the officer came from the review to change a field (go back there after it)."""
    target = target_of(answers.get("tinjau"))
    return target is not None and target.action != "hapus"


def entry_edited(answers: Answers, field: str) -> int | None:
    """The index of the entry of `field` being changed from the review, if one is."""
    target = target_of(answers.get("tinjau"))
    if target is None or target.action != "ubah" or target.field != field:
        return None
    return target.index


def review_step(answers: Answers) -> str | None:
    """After the review: submit (None), the review again (another page, an entry deleted),
    or the field to change or add to."""
    choice = str(answers.get("tinjau") or SUBMIT)
    if choice == SUBMIT:
        return None
    target = target_of(choice)
    if target is None or target.action == "hapus":
        return "tinjau"
    return target.field


def store_review(answers: Answers, value: Any) -> Answers:
    """Stores the review's choice; a deletion is carried out at once."""
    target = target_of(value)
    if target is not None and target.action == "hapus":
        _delete(answers, target)
    answers["tinjau"] = value
    return answers


def _delete(answers: Answers, target: Target) -> None:
    if target.index is None:
        if target.field not in REQUIRED:
            answers[target.field] = None
        return
    fields = FOLLOW_UP_FIELDS if target.field == "tl" else (target.field,)
    for field in fields:
        entries = list(answers.get(field) or [])
        if target.index < len(entries):
            del entries[target.index]
        answers[field] = entries


def store_entry(field: str) -> Any:
    """How a repeated step stores its answer: in place of the entry changed from the review,
    else appended (a follow-up skipped while adding one leaves the lists as they were)."""

    def store(answers: Answers, value: Any) -> Answers:
        entries = list(answers.get(field) or [])
        index = entry_edited(answers, "tl" if field in FOLLOW_UP_FIELDS else field)
        if index is not None and index < len(entries):
            entries[index] = value
        elif not (field == "tl" and value is None):
            entries.append(value)
        answers[field] = entries
        return answers

    return store


# --- the layout: units of the review, packed into pages --------------------------------------


@dataclass(frozen=True)
class Unit:
    """One thing the review shows: a field, or one entry of a repeated field; `size` is the
    answer's text as stored (what the page budget counts) and `options` what it offers."""

    field: str
    index: int | None
    size: int
    options: tuple[Option, ...]


def _change(field: str, index: int | None = None) -> Option:
    if index is None:
        return Option(CHANGE + field, FIELDS[field])
    return Option(
        f"{CHANGE}{field}:{index}",
        N_("kunjungan.review.change_entry"),
        params=(("number", index + 1),),
        param_keys=(("field", FIELDS[field]),),
    )


def _delete_option(field: str, index: int | None = None) -> Option:
    if index is None:
        return Option(
            DELETE + field, N_("kunjungan.review.delete"), param_keys=(("field", FIELDS[field]),)
        )
    return Option(
        f"{DELETE}{field}:{index}",
        N_("kunjungan.review.delete_entry"),
        params=(("number", index + 1),),
        param_keys=(("field", FIELDS[field]),),
    )


def _add(field: str) -> Option:
    return Option(ADD + field, N_("kunjungan.review.add"), param_keys=(("field", FIELDS[field]),))


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str) else 20


def follow_up_entries(answers: Answers) -> list[tuple[int, str, str, str]]:
    """The follow-ups described: (index, what, owner kind, due date as stored)."""
    rows = zip(*(answers.get(field) or [] for field in FOLLOW_UP_FIELDS), strict=False)
    return [
        (index, str(what), str(owner), str(due))
        for index, (what, owner, due) in enumerate(rows)
        if what is not None and owner is not None and due is not None
    ]


def units(answers: Answers) -> list[Unit]:
    """Everything the review shows and offers: the fields answered in review order, then
    the options filling the others (so a short report's answers come first)."""
    answered: list[Unit] = []
    empty: list[Unit] = []
    for field in FIELDS:
        found = _units_of(field, answers)
        (answered if len(found) > 1 or _answered(answers.get(field)) else empty).extend(found)
    return [*answered, *empty]


def _answered(value: Any) -> bool:
    return value is not None and value != []


def _units_of(field: str, answers: Answers) -> list[Unit]:
    value = answers.get(field)
    if field == "orang":
        people = [
            Unit(field, i, _size(who), (_change(field, i), _delete_option(field, i)))
            for i, who in enumerate(value or [])
            if who is not None
        ]
        return [*people, Unit(field, None, 0, (_add(field),))]
    if field == "tl":
        entries = [
            Unit(field, i, _size(what), (_change(field, i), _delete_option(field, i)))
            for i, what, _, _ in follow_up_entries(answers)
        ]
        return [*entries, Unit(field, None, 0, (_add(field),))]
    if field == "foto":
        photos = tuple(_delete_option(field, i) for i in range(len(value or [])))
        return [Unit(field, None, 20 if value else 0, (_change(field), *photos))]
    options = [_change(field)]
    if value is not None and field not in REQUIRED:
        options.append(_delete_option(field))
    return [Unit(field, None, _size(value) if value is not None else 0, tuple(options))]


def pages(answers: Answers) -> list[list[Unit]]:
    """The review's pages: units packed in order within the page budget."""
    packed: list[list[Unit]] = [[]]
    text = options = 0
    for unit in units(answers):
        size = unit.size + (UNIT_OVERHEAD if unit.size else 0)
        crowded = text + size > PAGE_TEXT or options + len(unit.options) > PAGE_OPTIONS
        if packed[-1] and crowded:
            packed.append([])
            text = options = 0
        packed[-1].append(unit)
        text, options = text + size, options + len(unit.options)
    return packed


def current_page(answers: Answers, laid_out: list[list[Unit]]) -> int:
    """The page to show: the one asked for, or the one holding the field just changed."""
    choice = str(answers.get("tinjau") or "")
    if choice.startswith(PAGE):
        asked = choice.removeprefix(PAGE)
        return min(int(asked), len(laid_out) - 1) if asked.isdigit() else 0
    target = target_of(choice)
    if target is None:
        return 0
    for exact in (True, False):
        for number, page in enumerate(laid_out):
            for unit in page:
                if unit.field == target.field and (not exact or unit.index == target.index):
                    return number
    return 0


def review_options(answers: Answers) -> list[Option]:
    """Submit, the options of the page shown, and the way to the other pages."""
    laid_out = pages(answers)
    shown = current_page(answers, laid_out)
    options = [Option(SUBMIT, N_("kunjungan.review.submit"))]
    options += [option for unit in laid_out[shown] for option in unit.options]
    if shown > 0:
        options.append(Option(f"{PAGE}{shown - 1}", N_("kunjungan.review.previous")))
    if shown < len(laid_out) - 1:
        options.append(Option(f"{PAGE}{shown + 1}", N_("kunjungan.review.next")))
    return options


def summary(tr: Any, answers: Answers) -> str:
    """The page of the review shown: every answer on it in full."""
    translator: Translator = tr
    laid_out = pages(answers)
    shown = current_page(answers, laid_out)
    if len(laid_out) > 1:
        title = translator.t("kunjungan.review.title_paged", page=shown + 1, pages=len(laid_out))
    else:
        title = translator.t("kunjungan.review.title")
    lines = [title]
    for unit in laid_out[shown]:
        line = _line(translator, unit, answers)
        if line is not None:
            lines.append(line)
    return "\n".join(lines)


def _line(tr: Translator, unit: Unit, answers: Answers) -> str | None:
    """A unit's line (None: nothing to show, e.g. a field not answered)."""
    label = tr.t(FIELDS[unit.field])
    if unit.field == "tl" and unit.index is not None:
        for index, what, owner, due in follow_up_entries(answers):
            if index == unit.index:
                return tr.t(
                    "kunjungan.review.follow_up_entry",
                    number=index + 1,
                    what=what,
                    owner=tr.t(OWNER_KEYS[OwnerKind(owner)]),
                    due=date.fromisoformat(due),
                )
        return None
    if unit.field == "orang":
        if unit.index is None:
            return None
        who = (answers.get("orang") or [])[unit.index]
        return tr.t("kunjungan.review.entry", field=label, number=unit.index + 1, value=who)
    if unit.field == "tl":
        return None
    shown = _shown(tr, unit.field, answers.get(unit.field))
    return None if shown is None else tr.t("kunjungan.review.line", field=label, value=shown)


def _shown(tr: Translator, field: str, value: Any) -> str | None:
    """One answer as the review shows it, in full (None: nothing to show)."""
    if value is None:
        return None
    if field in CODE_LABELS:
        return tr.t(label_key(CODE_LABELS[field], value))
    if field == "waktu":
        return tr.instant(datetime.fromisoformat(value))
    if field in DATE_FIELDS:
        return tr.date(date.fromisoformat(value))
    return _shown_value(tr, field, value)


def _shown_value(tr: Translator, field: str, value: Any) -> str | None:
    if field == "foto":
        return str(len(value)) if value else None
    if field == "checklist":
        return ", ".join(checklist_answer(value)) or None
    if isinstance(value, dict):
        key = N_("kunjungan.review.voice") if "voice" in value else N_("kunjungan.review.location")
        return tr.t(key)
    return str(value)


def assumed_time(tr: Any, answers: Answers) -> str:
    """Which date-time the visit got (a quick answer assumes one): said right after it."""
    translator: Translator = tr
    when = answers.get("waktu")
    if when is None:
        return ""
    return translator.t("kunjungan.waktu.assumed", when=datetime.fromisoformat(when))
