"""Importing the register: a preview that writes nothing, then the apply, in one transaction.

Both read the file twice, streaming: the first pass validates every row and collects its keys
(so rows repeating a key of another row are known), the second plans the valid rows against
the stored register in batches and, when applying, writes each batch with executemany
statements. Memory stays bounded by a batch plus the register's keys, whatever the file size.
Both read the whole register: callers give them a background unit of work (on SQLite its
statements run on aiosqlite's threads, not on the event loop that serves the chats).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from config import AppConfig
from domain.errors import InputError
from domain.register import Header, read_header
from domain.register_match import (
    Action,
    FileKeys,
    KeyIndex,
    RowPlan,
    find_target,
    plan_row,
)
from domain.register_rows import RegisterRow, RowError, RowRules, read_row
from locales import N_
from services.register_files import Table, UnreadableFileError
from storage.uow import UnitOfWork

BATCH_SIZE = 500
# Files up to this many rows are read once and kept; larger ones are read again in the second
# pass, so memory does not grow with the file.
KEEP_ROWS = 20_000
SOURCE = "impor"


@dataclass(frozen=True)
class ImportPreview:
    """What importing a file does (or did): counts per action and every invalid row."""

    sha256: str
    rows: int
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: tuple[RowError, ...] = ()
    ignored_columns: tuple[str, ...] = ()

    @property
    def invalid_rows(self) -> int:
        """Rows skipped for at least one reason."""
        return len({error.row for error in self.errors})

    @property
    def valid_rows(self) -> int:
        """Rows that import (added, updated or already up to date)."""
        return self.added + self.updated + self.unchanged

    @property
    def changes(self) -> int:
        """Rows that would write something."""
        return self.added + self.updated

    def counts(self) -> dict[str, int]:
        """The counts, for a record (no row content)."""
        return {
            "rows": self.rows,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "invalid_rows": self.invalid_rows,
        }


def import_rules(cfg: AppConfig, now: datetime) -> RowRules:
    """The configured kecamatan and today's date in the region."""
    return RowRules(tuple(cfg.region.kecamatan), now.astimezone(cfg.region.tz).date())


@dataclass
class _Scan:
    """The first pass: rows read, the invalid ones and why."""

    header: Header
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    invalid: set[int] = field(default_factory=set)
    kept: list[RegisterRow] | None = field(default_factory=list)


def _records(
    table: Table, rules: RowRules
) -> tuple[Header, Iterator[RegisterRow | list[RowError]]]:
    """The header, and every data row read by the domain rules."""
    rows = table.rows()
    first = next(rows, None)
    if first is None:
        raise UnreadableFileError(N_("impor.file.empty"))
    try:
        header = read_header(first[1])
    except InputError as error:
        raise UnreadableFileError(error.key, **error.params) from None

    def read() -> Iterator[RegisterRow | list[RowError]]:
        for number, cells in rows:
            yield read_row(header, cells, number, rules)

    return header, read()


async def _key_index(uow: UnitOfWork) -> KeyIndex:
    by_nik, by_badan_hukum = await uow.koperasi.key_index()
    return KeyIndex(by_nik, by_badan_hukum)


def _scan(table: Table, rules: RowRules, index: KeyIndex) -> _Scan:
    """Validates every row and finds those repeating another row's key or cooperative."""
    header, records = _records(table, rules)
    scan, keys = _Scan(header), FileKeys()
    for record in records:
        scan.rows += 1
        if isinstance(record, list):
            scan.errors.extend(record)
            continue
        try:
            keys.add(record, find_target(record, index))
        except InputError as error:
            scan.errors.append(RowError(record.row, "nik_koperasi", error.key, error.params))
            continue
        if scan.kept is not None:
            scan.kept = scan.kept if len(scan.kept) < KEEP_ROWS else None
        if scan.kept is not None:
            scan.kept.append(record)
    scan.errors.extend(keys.errors())
    scan.errors.sort(key=lambda error: error.row)
    scan.invalid = {error.row for error in scan.errors}
    return scan


def _valid_batches(
    table: Table, rules: RowRules, scan: _Scan, index: KeyIndex
) -> Iterator[list[tuple[RegisterRow, int | None]]]:
    """The second pass: valid rows and their targets, a batch at a time."""
    batch: list[tuple[RegisterRow, int | None]] = []
    records = scan.kept if scan.kept is not None else _records(table, rules)[1]
    for record in records:
        if isinstance(record, list) or record.row in scan.invalid:
            continue
        batch.append((record, find_target(record, index)))
        if len(batch) == BATCH_SIZE:
            yield batch
            batch = []
    if batch:
        yield batch


async def _plan(uow: UnitOfWork, batch: list[tuple[RegisterRow, int | None]]) -> list[RowPlan]:
    """Each row's writes against its cooperative as stored (one query for the batch)."""
    targets = [target for _, target in batch if target is not None]
    stored = await uow.koperasi.import_state(targets)
    return [plan_row(row, stored[target] if target else None) for row, target in batch]


async def _write(uow: UnitOfWork, plans: list[RowPlan], now: datetime) -> None:
    """Writes one batch: new cooperatives, changed ones, their RAT history."""
    adds = [plan for plan in plans if plan.action is Action.ADD]
    updates = [plan for plan in plans if plan.action is Action.UPDATE]
    repository = uow.koperasi
    ids = await repository.insert_many([plan.values for plan in adds], source=SOURCE, now=now)
    changed = [(plan.koperasi_id, plan.values) for plan in updates if plan.values]
    await repository.update_many(
        [(koperasi_id, values) for koperasi_id, values in changed if koperasi_id is not None],
        now=now,
    )
    cycles = [
        (new_id, cycle)
        for new_id, plan in zip(ids, adds, strict=True)
        for cycle in plan.new_cycles
    ]
    cycles += [
        (plan.koperasi_id, cycle)
        for plan in updates
        if plan.koperasi_id is not None
        for cycle in plan.new_cycles
    ]
    await repository.insert_cycles(cycles, now=now)
    await repository.set_held_dates(
        [held for plan in updates for held in plan.held_updates], now=now
    )


async def _run(
    uow: UnitOfWork, table: Table, rules: RowRules, now: datetime | None
) -> ImportPreview:
    """Scans and plans the file; writes too when `now` is given."""
    index = await _key_index(uow)
    scan = _scan(table, rules, index)
    counts: Counter[Action] = Counter()
    for batch in _valid_batches(table, rules, scan, index):
        plans = await _plan(uow, batch)
        counts.update(plan.action for plan in plans)
        if now is not None:
            await _write(uow, plans, now)
    return ImportPreview(
        sha256=table.sha256,
        rows=scan.rows,
        added=counts[Action.ADD],
        updated=counts[Action.UPDATE],
        unchanged=counts[Action.UNCHANGED],
        errors=tuple(scan.errors),
        ignored_columns=scan.header.ignored,
    )


async def preview_import(uow: UnitOfWork, table: Table, rules: RowRules) -> ImportPreview:
    """What importing `table` would do; writes nothing. Raises UnreadableFileError."""
    return await _run(uow, table, rules, None)


async def apply_import(
    uow: UnitOfWork,
    table: Table,
    rules: RowRules,
    *,
    actor_person_id: int | None,
    channel: str,
    now: datetime,
) -> ImportPreview:
    """Imports the valid rows and audits the import; the caller commits (one transaction).

    `channel` (`chat` or `cli`) is recorded in the audit entry with the counts and the file's
    hash; names never are.
    """
    result = await _run(uow, table, rules, now)
    await uow.audit.record(
        actor_person_id,
        "register.import",
        "register",
        result.sha256,
        {"channel": channel, "kind": table.kind, **result.counts()},
        at=now,
    )
    return result
