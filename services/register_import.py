"""Importing the register: a preview that writes nothing, then the apply, in one transaction.

The file is read once, by `services.register_scan` (in a worker process for the chat, so the
event loop serving the chats never parses it): every row checked, the keys repeated in the
file found, the report of invalid rows built. The valid rows come back in batches, planned
here against the stored register one batch at a time (one query each) and, when applying,
written with executemany statements. Both read the whole register: callers give them a
background unit of work (on SQLite its statements run on aiosqlite's threads).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from config import AppConfig
from domain.register_match import Action, KeyIndex, RowPlan, plan_row
from domain.register_rows import RowError, RowRules
from runtime.offload import Budget, offload
from services.register_files import Table
from services.register_read import FileLimits, UnreadableFileError
from services.register_scan import (
    RegisterScan,
    ReportSpec,
    ScanRequest,
    Target,
    scan_register,
    unpack,
)
from storage.uow import UnitOfWork

SOURCE = "impor"
# The command line and the tests: every invalid row's reasons, no file.
EVERY_ROW = ReportSpec("id", "Asia/Jakarta", listed=None)

Scanner = Callable[[ScanRequest], Awaitable[RegisterScan]]


async def scan_here(request: ScanRequest) -> RegisterScan:
    """Scans in this process (the command line, whose loop serves no one else)."""
    return scan_register(request)


def scan_in_worker(budget: Budget) -> Scanner:
    """Scans in a worker process within `budget` (the bot: its loop serves every chat)."""

    async def scan(request: ScanRequest) -> RegisterScan:
        return await offload(
            scan_register, request, budget=budget, expected=(UnreadableFileError,)
        )

    return scan


@dataclass(frozen=True)
class ImportPreview:
    """What importing a file does (or did): counts per action and every invalid row."""

    sha256: str
    rows: int
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    # The reasons kept: every invalid row's, or (for the chat) the first rows' only.
    errors: tuple[RowError, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    invalid_total: int | None = None  # None: `errors` holds every invalid row
    invalid_file: bytes | None = None  # every invalid row, when `errors` holds only some

    @property
    def invalid_rows(self) -> int:
        """Rows skipped for at least one reason."""
        if self.invalid_total is not None:
            return self.invalid_total
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
    """The configured kecamatan, today's date in the region and the audit rule."""
    return RowRules(
        tuple(cfg.region.kecamatan),
        now.astimezone(cfg.region.tz).date(),
        cfg.rat.policy().audit_rule,
    )


def file_limits(cfg: AppConfig) -> FileLimits:
    """The configured caps of an uploaded file."""
    files = cfg.files
    return FileLimits(
        max_rows=files.max_rows,
        max_columns=files.max_columns,
        max_unpacked_bytes=files.max_unpacked_mb * 1024 * 1024,
        max_ratio=files.max_ratio,
    )


@dataclass(frozen=True)
class Scanned:
    """A scanned file and the register's keys it was checked against."""

    index: KeyIndex
    scan: RegisterScan


async def key_index(uow: UnitOfWork) -> KeyIndex:
    """The stored register's keys (NIK koperasi, legal number), to check a file against."""
    by_nik, by_badan_hukum = await uow.koperasi.key_index()
    return KeyIndex(by_nik, by_badan_hukum)


async def scan_against(
    index: KeyIndex,
    table: Table,
    rules: RowRules,
    *,
    scanner: Scanner = scan_here,
    limits: FileLimits | None = None,
    report: ReportSpec = EVERY_ROW,
) -> Scanned:
    """Reads the file once against `index`. Raises UnreadableFileError (or OffloadError)."""
    request = ScanRequest(table.data, table.kind, limits or FileLimits(), rules, index, report)
    return Scanned(index, await scanner(request))


async def scan_import(
    uow: UnitOfWork, table: Table, rules: RowRules, *, limits: FileLimits | None = None
) -> Scanned:
    """Reads the file here, against the keys `uow` sees. Raises UnreadableFileError."""
    return await scan_against(await key_index(uow), table, rules, limits=limits)


async def _plan(uow: UnitOfWork, batch: list[Target]) -> list[RowPlan]:
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


async def _run(uow: UnitOfWork, scan: RegisterScan, now: datetime | None) -> ImportPreview:
    """Plans the scanned rows; writes too when `now` is given."""
    counts: Counter[Action] = Counter()
    for batch in scan.batches:
        # Let other chats in between batches: a batch of new rows plans without a query.
        await asyncio.sleep(0)
        plans = await _plan(uow, unpack(batch))
        counts.update(plan.action for plan in plans)
        if now is not None:
            await _write(uow, plans, now)
    return ImportPreview(
        sha256=scan.sha256,
        rows=scan.rows,
        added=counts[Action.ADD],
        updated=counts[Action.UPDATE],
        unchanged=counts[Action.UNCHANGED],
        errors=scan.errors,
        ignored_columns=scan.ignored_columns,
        invalid_total=scan.invalid_rows,
        invalid_file=scan.invalid_file,
    )


async def preview_import(uow: UnitOfWork, scanned: Scanned) -> ImportPreview:
    """What importing the scanned file would do; writes nothing."""
    return await _run(uow, scanned.scan, None)


async def apply_import(
    uow: UnitOfWork,
    scanned: Scanned,
    *,
    rescan: Callable[[], Awaitable[Scanned]],
    actor_person_id: int | None,
    channel: str,
    now: datetime,
) -> ImportPreview:
    """Imports the valid rows and audits the import; the caller commits (one transaction).

    The file was scanned before this transaction (a worker may take seconds: no lock is held
    meanwhile); when the register's keys changed since, `rescan` scans it again. `channel`
    (`chat` or `cli`) is recorded in the audit entry with the counts and the file's hash;
    names never are.
    """
    if await key_index(uow) != scanned.index:
        scanned = await rescan()
    result = await _run(uow, scanned.scan, now)
    await uow.audit.record(
        actor_person_id,
        "register.import",
        "register",
        result.sha256,
        {"channel": channel, "kind": scanned.scan.kind, **result.counts()},
        at=now,
    )
    return result


async def preview_table(
    uow: UnitOfWork, table: Table, rules: RowRules, *, limits: FileLimits | None = None
) -> ImportPreview:
    """Scans `table` here and previews it (the command line). Raises UnreadableFileError."""
    return await preview_import(uow, await scan_import(uow, table, rules, limits=limits))


async def import_table(
    uow: UnitOfWork,
    table: Table,
    rules: RowRules,
    *,
    limits: FileLimits | None = None,
    actor_person_id: int | None,
    channel: str,
    now: datetime,
) -> ImportPreview:
    """Scans `table` here, in the import's own transaction, and imports it; the caller commits."""
    scanned = await scan_import(uow, table, rules, limits=limits)

    async def rescan() -> Scanned:  # pragma: no cover - one transaction: the keys are the same
        return await scan_import(uow, table, rules, limits=limits)

    return await apply_import(
        uow, scanned, rescan=rescan, actor_person_id=actor_person_id, channel=channel, now=now
    )
