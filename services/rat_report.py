"""Changes to a cooperative's current RAT cycle from /lapor, and undoing one's last change.

One transaction per change (the caller commits): check the right to report (a board
member, or the office on the board's behalf), lock the cooperative, validate, write the
entry or the milestone with a history row per changed field (who, when, old → new), then
recompute stage and flags (`services.rat_recompute`). An office change is "dicatat oleh
petugas" and counts as verified; a board change waits for the officer's check.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import StrEnum
from types import SimpleNamespace
from typing import Any

from domain.access import Viewer
from domain.rat.calendar import FiscalYearEnd
from domain.rat.policy import CycleRules, KoperasiRules, RatPolicy, new_cycle_rules
from domain.rat.recompute import RatPlan, StoredRat
from domain.rat.report import DATE_COLUMNS, ODS, as_text, from_text
from domain.rat.roles import may_confirm_ods, may_report, recorded_on_behalf
from domain.rat.validation import MilestoneDates, change_milestone
from locales import Catalogues
from services.rat_recompute import recompute_koperasi, recompute_one
from services.rat_verify import notify_officer, officer_note_key_tail
from storage.repositories.rat_cycle import DEADLINE_COLUMNS, Locked
from storage.tables import ChecklistEntry, CycleChange, Evidence, RatCycle
from storage.uow import UnitOfWork

VERIFIED, UNCHECKED, RETURNED = "verified", "none", "returned"
# Which verifiable milestone (docs/rules.md) a cycle column belongs to.
HELD_COLUMNS = frozenset(
    {
        "held_date",
        "members_registered",
        "members_present",
        "quorum_rule",
        "quorum_reached",
        "lpj_accepted",
        "statements_approved",
        "rapb_adopted",
        "shu_decided",
        "shu_amount",
        "elections_held",
    }
)


class Saved(StrEnum):
    """What became of a change."""

    SAVED = "saved"
    UNCHANGED = "unchanged"
    NOT_ALLOWED = "not_allowed"
    NO_CYCLE = "no_cycle"
    # Undo only: a field no longer holds the value the change wrote (changed since).
    CHANGED_SINCE = "changed_since"


@dataclass(frozen=True)
class ReportChange:
    """A change to one target: an item's `status`/`note`, or a milestone's cycle columns."""

    koperasi_id: int
    target: str
    item: bool
    values: Mapping[str, object]
    evidence: Sequence[Mapping[str, Any]] = field(default_factory=tuple)
    evidence_kind: str = "document"
    tahun_buku: int | None = None  # a missed year's late RAT (its cycle made if missing)


@dataclass(frozen=True)
class Context:
    """The day and rules of a change."""

    policy: RatPolicy
    today: date
    now: datetime
    # Set: the officer is told when a board reports (services.rat_verify.notify_officer).
    catalogues: Catalogues | None = None


@dataclass(frozen=True)
class After:
    """A cooperative as a saved change left it: the recompute's read (after the change) and
    plan, with what the lock read — all the status card needs, without reading it again."""

    rat: StoredRat
    plan: RatPlan
    nama: str
    petugas_id: int | None
    officer_name: str | None
    segmen: str | None
    terms_seen: frozenset[str] | None = None  # the changer's, as the lock read them
    owes_follow_ups: bool = True  # False: the board owes none (not read again)


@dataclass(frozen=True)
class Recorded:
    """What became of a change, and (saved) the cooperative as it left it."""

    saved: Saved
    after: After | None = None


async def record(uow: UnitOfWork, viewer: Viewer, change: ReportChange, ctx: Context) -> Recorded:
    """Applies `change` to the cooperative's current cycle; InputError for invalid dates."""
    kid = change.koperasi_id
    # Locked first, its officer and name read with the lock (the right is checked next:
    # a refused change ends the transaction at once, changing nothing).
    # With the lock: the terms the person has seen (the card after the change) and whether
    # the officer's note of this hour is queued (a board's change tells the officer).
    tail = officer_note_key_tail(kid, ctx.now) if ctx.catalogues is not None else None
    locked = await uow.rat_cycles.lock_for_change(kid, viewer.person_id, tail)
    petugas = locked.petugas_id if locked is not None else None
    if not may_report(viewer, kid, petugas) or (
        change.target == ODS and not may_confirm_ods(viewer, kid, petugas)
    ):
        return Recorded(Saved.NOT_ALLOWED)
    if locked is None:  # no such cooperative: no cycle either
        return Recorded(Saved.NO_CYCLE)
    on_behalf = recorded_on_behalf(viewer, kid, petugas)
    written: StoredRat | Saved | None
    if change.item or change.tahun_buku is not None:
        written = await _record_elsewhere(uow, viewer, change, ctx, locked, on_behalf)
    else:
        written = await _record_current(uow, viewer, change, ctx, locked, on_behalf)
    if isinstance(written, Saved):
        return Recorded(written)
    recomputed = await recompute_one(
        uow, kid, ctx.policy, ctx.today, now=ctx.now, locked=locked, rat=written
    )
    if not on_behalf and ctx.catalogues is not None:
        await notify_officer(
            uow,
            ctx.catalogues,
            kid,
            locked.nama,
            ctx.now,
            petugas_id=petugas,
            officer=locked.officer,
            queued=locked.note_queued,
        )
    if recomputed is None:  # pragma: no cover - locked: it exists
        return Recorded(Saved.SAVED)
    rat, plan = recomputed
    after = After(
        rat,
        plan,
        locked.nama,
        petugas,
        locked.officer_name,
        locked.segmen,
        locked.terms_seen,
        locked.owes_follow_ups,
    )
    return Recorded(Saved.SAVED, after)


async def _record_current(
    uow: UnitOfWork,
    viewer: Viewer,
    change: ReportChange,
    ctx: Context,
    locked: Locked,
    on_behalf: bool,
) -> StoredRat | Saved:
    """A milestone of the current cycle: the cooperative's cycles are read once, the change
    is made on that copy and written with explicit statements (no ORM objects), and the
    recompute plans from the copy (returned) instead of reading the cycles again."""
    read = await uow.rat_cycles.read_for_change(locked)
    cycle = read.cycle(locked.row.current_rat_cycle_id)
    if cycle is None:
        return Saved.NO_CYCLE
    _check_dates(read.rules(cycle), cycle, change.values, ctx.today)
    before = dict(vars(cycle))
    rows = _set_cycle(cycle, change.values, viewer.person_id, on_behalf, ctx.now)
    for piece in change.evidence:
        uow.rat_report.add(_evidence(cycle.id, change, piece, viewer.person_id, ctx.now))
    if not rows and not change.evidence:
        return Saved.UNCHANGED
    changed = {name: value for name, value in vars(cycle).items() if value != before[name]}
    await uow.rat_cycles.update_cycle(cycle.id, changed)
    await uow.rat_report.add_history(rows)
    return read.stored_rat()


async def _record_elsewhere(
    uow: UnitOfWork,
    viewer: Viewer,
    change: ReportChange,
    ctx: Context,
    locked: Locked,
    on_behalf: bool,
) -> Saved | None:
    """A checklist item, or a missed year's late RAT: written through the session (the
    recompute reads the cooperative's cycles after it)."""
    cycle: RatCycle | None = None
    if change.tahun_buku is not None:
        cycle = await _year_cycle(uow, change.koperasi_id, change.tahun_buku, ctx)
        cycle_id = cycle.id if cycle is not None else None
    else:
        cycle_id = locked.row.current_rat_cycle_id
    if cycle_id is None:
        return Saved.NO_CYCLE
    if change.item or cycle is None:  # no cycle object: the current cycle's item
        rows = await _set_item(uow, cycle_id, change, viewer.person_id, on_behalf, ctx.now)
    else:
        rules = CycleRules.from_stored(
            cycle.tahun_buku,
            {name: getattr(cycle, name) for name in DEADLINE_COLUMNS},
            cycle.checklist_spec,
        )
        _check_dates(rules, cycle, change.values, ctx.today)
        rows = _set_cycle(cycle, change.values, viewer.person_id, on_behalf, ctx.now)
    for piece in change.evidence:
        uow.rat_report.add(_evidence(cycle_id, change, piece, viewer.person_id, ctx.now))
    if not rows and not change.evidence:
        return Saved.UNCHANGED
    await uow.rat_report.add_history(rows)
    return None


async def undo_last(uow: UnitOfWork, viewer: Viewer, koperasi_id: int, ctx: Context) -> Saved:
    """Puts back what the person's last change to this cooperative replaced.

    Only when every field still holds the value that change wrote: a field changed since
    (by someone else, or by the person on another cooperative's screen) makes the undo
    refuse, changing nothing (`CHANGED_SINCE`). The undo is recorded as the undoer's own
    change: an officer's or admin's undo is "dicatat oleh petugas", a board member's is not.
    """
    locked = await uow.rat_cycles.lock_for_change(koperasi_id)
    petugas = locked.petugas_id if locked is not None else None
    if viewer.person_id is None or not may_report(viewer, koperasi_id, petugas):
        return Saved.NOT_ALLOWED
    last = await uow.rat_report.last_changes(koperasi_id, viewer.person_id)
    if not last:
        return Saved.UNCHANGED
    targets: list[tuple[CycleChange, RatCycle | ChecklistEntry]] = []
    for row in last:
        cycle = await uow.rat_report.cycle(row.rat_cycle_id)
        target: RatCycle | ChecklistEntry | None = cycle
        if cycle is not None and row.item_code is not None:
            target = (await uow.rat_report.entries(cycle.id)).get(row.item_code)
        if target is None or getattr(target, row.field) != from_text(row.field, row.new_value):
            return Saved.CHANGED_SINCE
        targets.append((row, target))
    on_behalf = recorded_on_behalf(viewer, koperasi_id, petugas)
    for row, target in targets:
        setattr(target, row.field, from_text(row.field, row.old_value))
        if isinstance(target, ChecklistEntry):
            target.updated_by_person_id, target.updated_at = viewer.person_id, ctx.now
        uow.rat_report.add(
            _history(
                row.rat_cycle_id,
                row.item_code,
                row.field,
                row.new_value,
                row.old_value,
                viewer,
                ctx.now,
                on_behalf,
            )
        )
    await recompute_koperasi(uow, koperasi_id, ctx.policy, ctx.today, now=ctx.now)
    return Saved.SAVED


async def _year_cycle(
    uow: UnitOfWork, koperasi_id: int, year: int, ctx: Context
) -> RatCycle | None:
    """The cycle of a missed fiscal year, created with the current rules when missing."""
    found = await uow.rat_report.year_cycle(koperasi_id, year)
    if found is not None:
        return found
    koperasi = await uow.koperasi.get(koperasi_id)
    if koperasi is None:
        return None
    fye = FiscalYearEnd(koperasi.fye_month, koperasi.fye_day)
    rules = new_cycle_rules(
        ctx.policy, KoperasiRules(koperasi.bentuk, fye, koperasi.wajib_audit), year
    )
    [cycle_id] = await uow.rat_cycles.insert_cycles(
        [(koperasi_id, rules.stored_fields())], now=ctx.now
    )
    return await uow.rat_report.cycle(cycle_id)


def _history(
    cycle_id: int,
    item_code: str | None,
    column: str,
    old: str | None,
    new: str | None,
    viewer: Viewer,
    now: datetime,
    on_behalf: bool = False,
) -> CycleChange:
    return CycleChange(
        rat_cycle_id=cycle_id,
        item_code=item_code,
        field=column,
        old_value=old,
        new_value=new,
        changed_by_person_id=viewer.person_id,
        on_behalf=on_behalf,
        changed_at=now,
    )


async def _set_item(
    uow: UnitOfWork,
    cycle_id: int,
    change: ReportChange,
    person_id: int | None,
    on_behalf: bool,
    now: datetime,
) -> list[dict[str, object]]:
    entry = (await uow.rat_report.entries(cycle_id)).get(change.target)
    if entry is None:
        entry = await uow.rat_report.add_entry(cycle_id, change.target, now)
    rows = _changes(entry, change.values, cycle_id, change.target, person_id, on_behalf, now)
    # Sent again after a return, the same answer or only a file: the board fixed the paper.
    if rows or change.evidence or entry.verification == RETURNED:
        entry.updated_by_person_id, entry.updated_at = person_id, now
        entry.recorded_by_officer = on_behalf
        # A board's change waits for the check again (a returned item too): kept in history.
        checked = {"verification": VERIFIED if on_behalf else UNCHECKED}
        rows += _changes(entry, checked, cycle_id, change.target, person_id, on_behalf, now)
        entry.verified_by_person_id = person_id if on_behalf else None
        entry.verified_at = now if on_behalf else None
    return rows


def _set_cycle(
    cycle: RatCycle | SimpleNamespace,
    values: Mapping[str, object],
    person_id: int | None,
    on_behalf: bool,
    now: datetime,
) -> list[dict[str, object]]:
    rows = _changes(cycle, values, cycle.id, None, person_id, on_behalf, now)
    changed = {row["field"] for row in rows}
    for prefix, columns in (("held", HELD_COLUMNS), ("reported", {"reported_date"})):
        if values.keys() & columns and getattr(cycle, f"{prefix}_verification") == RETURNED:
            # Sent again after a return, even unchanged: it waits for the check again.
            changed |= values.keys() & columns
            checked = {f"{prefix}_verification": VERIFIED if on_behalf else UNCHECKED}
            rows += _changes(cycle, checked, cycle.id, None, person_id, on_behalf, now)
    if "ods_date" in changed:
        cycle.ods_confirmed_by_person_id = person_id
    for prefix, columns in (("held", HELD_COLUMNS), ("reported", {"reported_date"})):
        if changed & columns:
            setattr(cycle, f"{prefix}_recorded_by_officer", on_behalf)
            setattr(cycle, f"{prefix}_verification", VERIFIED if on_behalf else UNCHECKED)
            setattr(cycle, f"{prefix}_verified_by_person_id", person_id if on_behalf else None)
            setattr(cycle, f"{prefix}_verified_at", now if on_behalf else None)
    return rows


def _changes(
    row: RatCycle | ChecklistEntry | SimpleNamespace,
    values: Mapping[str, object],
    cycle_id: int,
    item_code: str | None,
    person_id: int | None,
    on_behalf: bool,
    now: datetime,
) -> list[dict[str, object]]:
    """Sets each differing value on `row`; one history row (its columns) per changed column."""
    history: list[dict[str, object]] = []
    for column, new in values.items():
        old = getattr(row, column)
        if old == new:
            continue
        setattr(row, column, new)
        history.append(
            {
                "rat_cycle_id": cycle_id,
                "item_code": item_code,
                "field": column,
                "old_value": as_text(old),
                "new_value": as_text(new),
                "changed_by_person_id": person_id,
                "on_behalf": on_behalf,
                "changed_at": now,
            }
        )
    return history


def _check_dates(
    rules: CycleRules,
    cycle: RatCycle | SimpleNamespace,
    values: Mapping[str, object],
    today: date,
) -> None:
    """The new dates keep the milestones in order and the RAT in its window (InputError)."""
    dates = MilestoneDates(**{f.name: getattr(cycle, f.name) for f in fields(MilestoneDates)})
    for column, value in values.items():
        if column in DATE_COLUMNS:
            day = value if isinstance(value, date) else None
            dates = change_milestone(dates, column, day, rules.deadlines, today)


def _evidence(
    cycle_id: int,
    change: ReportChange,
    piece: Mapping[str, Any],
    person_id: int | None,
    now: datetime,
) -> Evidence:
    return Evidence(
        rat_cycle_id=cycle_id,
        item_code=change.target,
        kind=change.evidence_kind,
        telegram_file_id=str(piece["file_id"]),
        file_unique_id=piece.get("file_unique_id"),
        mime_type=piece.get("mime_type"),
        file_size=piece.get("size"),
        created_by_person_id=person_id,
        created_at=now,
    )
