"""Official terms on the status card, explained to each person the first time they see one.

The card names terms a board member may not know (RAT, tahun buku, the mandatory
checklist, stage, deadline, flags, ODS). Each person gets a term's one-line explanation
under the card the first time the card shows it to them; the bot remembers which terms a
person has seen (erased with the person), and *Apa artinya?* explains them all again.
"""

from __future__ import annotations

from collections.abc import Collection

from domain.rat.status import StatusCard

RAT, TAHUN_BUKU, CHECKLIST, TAHAP, TENGGAT, TANDA, ODS = (
    "rat",
    "tahun_buku",
    "checklist",
    "tahap",
    "tenggat",
    "tanda",
    "ods",
)
TERMS = (RAT, TAHUN_BUKU, CHECKLIST, TAHAP, TENGGAT, TANDA, ODS)
ODS_STAGE = "TERINPUT_ODS"


def card_terms(card: StatusCard) -> tuple[str, ...]:
    """The terms this card shows, in the order it shows them."""
    shown = [RAT]  # the title, and the last RAT line
    if card.cycle is not None:
        shown.append(TAHUN_BUKU)
    shown.append(TAHAP)
    if card.cycle is not None:
        shown += [CHECKLIST, TENGGAT]
    shown.append(TANDA)
    if card.tahap == ODS_STAGE:
        shown.append(ODS)
    return tuple(shown)


def to_explain(shown: Collection[str], seen: Collection[str]) -> tuple[str, ...]:
    """The shown terms this person has not had explained yet, in the card's order."""
    return tuple(term for term in shown if term not in seen)
