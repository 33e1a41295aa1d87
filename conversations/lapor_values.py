"""The /lapor form's context, validators and the change its answers make.

The context (`_ctx` in the answers) is written by the menu when a sub-flow starts: the
cooperative, the target, the day, the cycle's deadlines and milestone dates, the quorum
rule and whether evidence is asked. Validators check a date against it (order, the RAT's
window, not in the future) and the attendance (present ≤ registered), so a wrong answer is
refused at its own step; the service checks the dates again under the lock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from domain.errors import InputError
from domain.parsing import parse_decimal_amount
from domain.rat.calendar import Deadlines
from domain.rat.report import DATE_FIELDS, HELD, MILESTONES, MINUTES
from domain.rat.validation import MilestoneDates, attendance, change_milestone
from services.rat_report import ReportChange

CTX = "_ctx"
# The date step of the targets with more steps after it (their answer waits in a draft).
FIRST_DATE_STEP = {"plan": "planned", "held": "held"}
NO_NOTE = "-"
MAX_RUPIAH = 10**15


def context_of(
    koperasi_id: int,
    target: str,
    today: date,
    deadlines: Deadlines,
    dates: MilestoneDates,
    *,
    quorum_rule: str | None,
    evidence: bool,
    tz: str,
) -> dict[str, Any]:
    """The JSON context a sub-flow's steps read.

    `today` is the day the sub-flow started or was resumed (the menu refreshes the context
    on resuming a draft); `tz` the region's time zone, in which the completion takes its
    own day from the moment it completes.
    """
    return {
        "koperasi_id": koperasi_id,
        "target": target,
        "today": today.isoformat(),
        "tz": tz,
        "deadlines": {f.name: getattr(deadlines, f.name).isoformat() for f in fields(Deadlines)},
        "dates": {
            f.name: getattr(dates, f.name).isoformat() if getattr(dates, f.name) else None
            for f in fields(MilestoneDates)
        },
        "quorum_rule": quorum_rule,
        "evidence": evidence,
    }


def _ctx(answers: Mapping[str, Any]) -> dict[str, Any]:
    found = answers.get(CTX)
    return found if isinstance(found, dict) else {}


def completion_day(answers: Mapping[str, Any], now: datetime) -> date:
    """The day a sub-flow completes on, in the region's time zone (never the start's day)."""
    tz = _ctx(answers).get("tz")
    return now.astimezone(ZoneInfo(tz)).date() if isinstance(tz, str) else now.date()


def stale_step(answers: Mapping[str, Any]) -> str | None:
    """The first answered step whose answer the (refreshed) context no longer accepts.

    A resumed draft's answers were checked against the day and the cycle's dates of when
    they were given; the cycle may have changed since (a date recorded by someone else).
    """
    checks = (("planned", check_date), ("held", check_date), ("present", check_present))
    target = _ctx(answers).get("target")
    for step, check in checks:
        if step not in answers or answers[step] is None:
            continue
        if check is check_date and FIRST_DATE_STEP.get(str(target)) != step:
            continue
        try:
            check(answers[step], answers)
        except InputError:
            return step
    return None


def _day(text: object) -> date | None:
    return date.fromisoformat(text) if isinstance(text, str) else None


def check_date(value: Any, answers: Mapping[str, Any]) -> None:
    """The target's date keeps the milestones in order and the RAT in its window."""
    ctx = _ctx(answers)
    column = DATE_FIELDS.get(ctx.get("target", ""))
    if column is None:
        return
    deadlines = Deadlines(**{k: _day(v) for k, v in ctx["deadlines"].items()})  # type: ignore[arg-type]
    dates = MilestoneDates(**{k: _day(v) for k, v in ctx["dates"].items()})
    change_milestone(dates, column, _day(value), deadlines, date.fromisoformat(ctx["today"]))


def check_present(value: Any, answers: Mapping[str, Any]) -> None:
    """No more members present than registered."""
    attendance(int(answers["registered"]), int(value), _ctx(answers).get("quorum_rule"))


def _rupiah(text: str) -> int:
    """A whole-rupiah amount as treasurers write it (`Rp 12.500.000`, `12,5 juta`)."""
    amount = parse_decimal_amount(text, minimum=Decimal(0), maximum=Decimal(MAX_RUPIAH))
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def check_rupiah(value: Any, answers: Mapping[str, Any]) -> None:
    """The SHU amount reads as rupiah, not negative (InputError says why)."""
    _rupiah(str(value))


def store_rupiah(answers: dict[str, Any], value: Any) -> dict[str, Any]:
    """The SHU amount stored as whole rupiah."""
    answers["shu_amount"] = _rupiah(str(value))
    return answers


def _files(answers: Mapping[str, Any], *steps: str) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = []
    for step in steps:
        value = answers.get(step)
        if isinstance(value, list):
            found += [piece for piece in value if isinstance(piece, dict)]
        elif isinstance(value, dict):
            found.append(value)
    return found


def _yes(answers: Mapping[str, Any], step: str) -> bool:
    return answers.get(step) == "y"


def _held(answers: Mapping[str, Any], quorum_rule: str | None) -> dict[str, object]:
    present = attendance(int(answers["registered"]), int(answers["present"]), quorum_rule)
    return {
        "held_date": _day(answers["held"]),
        "members_registered": present.members_registered,
        "members_present": present.members_present,
        "quorum_rule": present.quorum_rule,
        "quorum_reached": present.quorum_reached,
        "lpj_accepted": _yes(answers, "lpj"),
        "statements_approved": _yes(answers, "statements"),
        "rapb_adopted": _yes(answers, "rapb"),
        "shu_decided": _yes(answers, "shu"),
        "shu_amount": answers.get("shu_amount") if _yes(answers, "shu") else None,
        "elections_held": _yes(answers, "elections"),
    }


def change_of(koperasi_id: int, answers: Mapping[str, Any], now: datetime) -> ReportChange:
    """What the completed sub-flow changes."""
    ctx = _ctx(answers)
    target = str(ctx["target"])
    if target not in MILESTONES:
        values: dict[str, object] = {"status": answers["state"]}
        note = answers.get("note")
        if isinstance(note, str) and note.strip() != NO_NOTE:
            values["note"] = note
        files = _files(answers, "evidence", "evidence_file")
        return ReportChange(koperasi_id, target, True, values, files, "file")
    if target == HELD:
        held = _held(answers, ctx.get("quorum_rule"))
        year = ctx.get("tahun_buku")  # a missed year's late RAT
        return ReportChange(koperasi_id, target, False, held, tahun_buku=year)
    if target == MINUTES:
        files = _files(answers, "minutes")
        return ReportChange(
            koperasi_id, target, False, {"minutes_uploaded_at": now}, files, "file"
        )
    column = DATE_FIELDS[target]
    values = {column: _day(answers[target if target != "plan" else "planned"])}
    if "mode" in answers and target == "plan":
        values["mode"] = answers["mode"]
    return ReportChange(koperasi_id, target, False, values)
