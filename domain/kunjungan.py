"""Officers' visits (docs/rules.md#visits): types, POAC tags, verdicts, the time a quick answer
assumes, and which follow-ups are open. Pure: the clock's reading is passed in."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from domain.errors import InputError
from domain.keys import N_


class Jenis(StrEnum):
    """The type of a visit."""

    IDENTIFIKASI = "identifikasi"
    ORGANISASI = "organisasi"
    USAHA = "usaha"
    KEUANGAN = "keuangan"
    MONEV = "monev"
    REAKTIVASI = "reaktivasi"
    LAINNYA = "lainnya"


class Poac(StrEnum):
    """The programme's management tag: Planning, Organising, Actuating, Controlling."""

    P = "P"
    O = "O"  # noqa: E741 - the programme's own letter
    A = "A"
    C = "C"


# The tag a type suggests; the officer may pick another.
SUGGESTED_POAC = {
    Jenis.IDENTIFIKASI: Poac.P,
    Jenis.ORGANISASI: Poac.A,
    Jenis.USAHA: Poac.A,
    Jenis.KEUANGAN: Poac.A,
    Jenis.MONEV: Poac.C,
    Jenis.REAKTIVASI: Poac.A,
    Jenis.LAINNYA: Poac.O,
}


class Verdict(StrEnum):
    """The officer's reading of the cooperative's readiness for its RAT."""

    SIAP = "siap"
    PERLU_PENDAMPINGAN = "perlu_pendampingan"
    BELUM_SIAP = "belum_siap"


class Panjang(StrEnum):
    """The length of the visit form."""

    SINGKAT = "singkat"
    LENGKAP = "lengkap"


class OwnerKind(StrEnum):
    """Who must act on a follow-up."""

    PENGURUS = "pengurus"
    PETUGAS = "petugas"


OWNER_KEYS = {
    OwnerKind.PENGURUS: N_("kunjungan.owner.pengurus"),
    OwnerKind.PETUGAS: N_("kunjungan.owner.petugas"),
}


class QuickTime(StrEnum):
    """The date-time buttons: what each assumes is said in the question."""

    SEKARANG = "sekarang"
    TADI_PAGI = "tadi_pagi"
    KEMARIN = "kemarin"


MORNING = time(9, 0)  # "tadi pagi" and "kemarin" assume 09.00 WIB, the usual start of a visit


def quick_time(choice: QuickTime, now_local: datetime) -> datetime:
    """The moment a quick answer means, never after `now_local` (this morning before 09.00
    is "now")."""
    if choice is QuickTime.SEKARANG:
        moment = now_local
    elif choice is QuickTime.TADI_PAGI:
        moment = datetime.combine(now_local.date(), MORNING, tzinfo=now_local.tzinfo)
    else:
        yesterday = now_local.date() - timedelta(days=1)
        moment = datetime.combine(yesterday, MORNING, tzinfo=now_local.tzinfo)
    return min(moment, now_local).replace(second=0, microsecond=0)


def correctable(submitted_at: datetime, now: datetime, window_days: int) -> bool:
    """Whether a submitted visit may still be corrected (keeping its previous version)."""
    return now - submitted_at <= timedelta(days=window_days)


def is_overdue(due_date: date, today: date) -> bool:
    """A follow-up not done by its due date."""
    return due_date < today


ERASED = "[dihapus]"
# Name words shorter than this ("Bu", "Pak", initials) are too common to erase on their own.
MIN_NAME_WORD = 3


def name_words(full_name: str | None) -> list[str]:
    """The words of a name an erasure looks for in visit reports."""
    return [word for word in (full_name or "").split() if len(word) >= MIN_NAME_WORD]


def redact_names(value: object, words: list[str]) -> object:
    """`value` (a report's JSON) with every text naming the person erased: a person met who
    is named becomes `ERASED`; in other texts the name's words are replaced by it."""
    if not words:
        return value
    if isinstance(value, dict):
        return {
            key: [_met(item, words) for item in item_list]
            if key == "orang" and isinstance(item_list := value[key], list)
            else redact_names(value[key], words)
            for key in value
        }
    if isinstance(value, list):
        return [redact_names(item, words) for item in value]
    if isinstance(value, str):
        return redact_text(value, words)
    return value


def redact_text(text: str, words: list[str]) -> str:
    """`text` with each of the words (any case) replaced by `ERASED`."""
    pattern = "|".join(re.escape(word) for word in words)
    return re.sub(pattern, ERASED, text, flags=re.IGNORECASE) if pattern else text


def _met(item: object, words: list[str]) -> object:
    if isinstance(item, str) and redact_text(item, words) != item:
        return ERASED
    return item


_CODE_SEPARATORS = re.compile(r"[\s,;/]+")


def parse_checklist_codes(text: str, codes: tuple[str, ...]) -> list[str]:
    """The checklist items an officer typed as done (`A1 A2, a4`), in checklist order;
    InputError naming the items that are not on the checklist."""
    by_key = {code.upper(): code for code in codes}
    typed = [part.upper() for part in _CODE_SEPARATORS.split(text.strip()) if part]
    unknown = [part for part in typed if part not in by_key]
    if unknown or not typed:
        raise InputError(
            N_("kunjungan.checklist.unknown"), items=", ".join(unknown), first=codes[0]
        )
    chosen = {by_key[part] for part in typed}
    return [code for code in codes if code in chosen]


def checklist_answer(value: object) -> list[str]:
    """The item codes of a stored checklist answer: a list of codes (buttons), or the text an
    officer typed (`A1 A2`, kept as given by older reports); nothing for none."""
    if isinstance(value, list):
        return [str(code) for code in value]
    if isinstance(value, str):
        return [part.upper() for part in _CODE_SEPARATORS.split(value.strip()) if part]
    return []


def checklist_changes(before: object, after: object) -> list[str]:
    """The items a corrected report marks done that its previous version did not (those
    already recorded are not recorded again)."""
    earlier = set(checklist_answer(before))
    return [code for code in checklist_answer(after) if code not in earlier]


def toggled(codes: list[str], code: str, order: tuple[str, ...]) -> list[str]:
    """`codes` with `code` ticked or unticked, in checklist order."""
    chosen = set(codes) ^ {code}
    return [item for item in order if item in chosen]
