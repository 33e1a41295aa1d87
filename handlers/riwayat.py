"""The history of a cooperative's RAT reports, from the /lapor menu: who changed what, when.

Both sides of the verification loop are in it: the board's reports, the officer's checks and
returns, and what the office recorded on the board's behalf ("dicatat oleh petugas"). The
rows written by one change (a state and its note, say) make one line, newest first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from telegram import InlineKeyboardMarkup, Update

from domain.callbacks import LaporButton
from domain.callbacks.rat import MENU
from domain.rat.checklist import reporting_system
from domain.rat.report import (
    HELD,
    INVITE,
    MATERIALS,
    MINUTES,
    ODS,
    PLAN,
    REPORTED,
    HistoryRow,
    late_target,
)
from domain.rat.roles import may_report
from handlers.auth import refuse
from handlers.callbacks import answer_callback
from handlers.context import BotContext
from handlers.keyboards import single
from handlers.replies import reply
from locales import N_, Safe, Translator
from locales.labels import ITEM_STATE_KEYS, target_label

# History rows read for one screen: one change writes up to 12 rows (a RAT held), so 15
# lines need up to 180; the lines stay well within a message's 4,096 characters.
ROWS_READ = 200
LINES_SHOWN = 15
NAME_CHARS = 40
# A return note in the history: enough to recognise it (the board got it in full).
NOTE_CHARS = 80
# The milestone a cycle column belongs to (any other cycle column is the RAT held's).
FIELD_TARGETS = {
    "planned_date": PLAN,
    "mode": PLAN,
    "invite_date": INVITE,
    "materials_date": MATERIALS,
    "minutes_uploaded_at": MINUTES,
    "reported_date": REPORTED,
    "reported_verification": REPORTED,
    "ods_date": ODS,
}
CHECK_KEYS = {"verified": N_("riwayat.verified"), "returned": N_("riwayat.returned")}


@dataclass
class _Line:
    """One change: the rows one person wrote at one instant about one target."""

    when: datetime
    who: str
    target: str
    on_behalf: bool
    rows: list[HistoryRow] = field(default_factory=list)


def _target(change: HistoryRow) -> str:
    if change.item_code is not None:
        return change.item_code
    milestone = FIELD_TARGETS.get(change.field, HELD)
    return (
        late_target(change.tahun_buku) if milestone == HELD and not change.current else milestone
    )


def _lines(rows: Sequence[HistoryRow]) -> list[_Line]:
    lines: list[_Line] = []
    for change in rows:
        target = _target(change)
        who = (change.who or "—")[:NAME_CHARS]
        last = lines[-1] if lines else None
        same = last is not None and (last.when, last.who, last.target) == (
            change.changed_at,
            who,
            target,
        )
        if last is None or not same:
            last = _Line(change.changed_at, who, target, change.on_behalf)
            lines.append(last)
        last.rows.append(change)
    if len(rows) >= ROWS_READ and len(lines) > 1:
        lines.pop()  # the read may have cut the oldest change's rows: not shown half
    return lines[:LINES_SHOWN]


def _date_text(tr: Translator, text: str | None) -> str:
    if text is None:
        return tr.t("riwayat.removed")
    try:
        return tr.date(date.fromisoformat(text[:10]))
    except ValueError:
        return text


def _short(text: str) -> str:
    return text if len(text) <= NOTE_CHARS else text[: NOTE_CHARS - 1].rstrip() + "…"


def _check(tr: Translator, row: HistoryRow, noted: set[tuple[str, str]]) -> str:
    """A check's words; a return with its note when it is the newest return of its target
    (the stored note is that one's), escaped by the catalogue."""
    said = tr.t(CHECK_KEYS[row.new_value or ""])
    if row.new_value != "returned":
        return said
    key = (_target(row), row.field)
    if row.note is None or key in noted:
        return said
    noted.add(key)
    return tr.t("riwayat.returned_note", returned=Safe(said), note=_short(row.note))


def _detail(tr: Translator, line: _Line, noted: set[tuple[str, str]]) -> tuple[str, bool]:
    """What the change did, and whether it was the officer's check (not a report: a report
    resets or, on the board's behalf, sets the verification in the same change)."""
    parts: list[str] = []
    checks: list[str] = []
    resent = ""
    for row in reversed(line.rows):  # in the order written
        if row.field.endswith("verification"):
            if row.new_value in CHECK_KEYS:
                checks.append(_check(tr, row, noted))
            elif row.old_value == "returned":  # the board's answer to a return
                resent = tr.t("riwayat.resent")
        elif row.field == "status" and row.new_value in ITEM_STATE_KEYS:
            old = tr.t(ITEM_STATE_KEYS.get(row.old_value or "belum", ITEM_STATE_KEYS["belum"]))
            parts.append(f"{old} → {tr.t(ITEM_STATE_KEYS[row.new_value])}")
        elif row.field.endswith("_date"):
            parts.append(_date_text(tr, row.new_value))
        else:
            parts.append("")  # another field of the report: "updated" unless more is said
    if not parts and checks:
        return ", ".join(checks), True
    said = [part for part in parts if part] or [resent or tr.t("riwayat.changed")]
    return ", ".join(said), False


def render_history(
    tr: Translator, nama: str, rows: Sequence[HistoryRow], system: str = "ods"
) -> str:
    """The history screen's text (HTML; names and values escaped). `system`: where the
    cooperative reports (`domain.rat.checklist.reporting_system`), naming the ODS milestone."""
    text = [tr.t("riwayat.heading", nama=nama), ""]
    lines = _lines(rows)
    if not lines:
        text.append(tr.t("riwayat.empty"))
    noted: set[tuple[str, str]] = set()  # targets whose newest return was shown (newest first)
    for line in lines:
        detail, checked = _detail(tr, line, noted)
        key = N_("riwayat.line_on_behalf") if line.on_behalf and not checked else None
        text.append(
            tr.t(
                key or N_("riwayat.line"),
                when=line.when,
                who=line.who,
                target=target_label(tr, line.target, system),
                detail=Safe(detail),
            )
        )
    return "\n".join(text)


async def send_history(update: Update, context: BotContext, koperasi_id: int) -> None:
    """The history, for whoever may report for this cooperative (its board, its officer,
    an admin); anyone else is refused."""
    services = context.services
    async with services.uow(write=False) as uow:
        koperasi = await uow.koperasi.get(koperasi_id)
        if koperasi is None or not may_report(context.viewer, koperasi_id, koperasi.petugas_id):
            rows = None
        else:
            rows = await uow.rat_report.history(koperasi_id, ROWS_READ)
            nama, system = koperasi.nama, reporting_system(koperasi.segmen)
    if rows is None:
        await refuse(update, context)
        return
    await answer_callback(update, context)
    back = single(context.tr.t("riwayat.button.back"), LaporButton(koperasi_id, MENU).encode())
    text = render_history(context.tr, nama, rows, system)
    await reply(update, context, text, markup=InlineKeyboardMarkup([back]))
