"""/impor in chat: the preview of an uploaded file and its confirmed import, off the event loop.

The file is scanned in a worker process (`runtime.offload`) within the configured budget, once
for the preview (which also builds the file of invalid rows) and once at confirmation, where it
must hash the same as previewed. A confirmation first commits the import as `applying`; the
import's own transaction then moves it to `applied` as its first statement, so after a crash
`services.register_recovery` can tell the admin whether it was applied.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from config import AppConfig
from domain.forms import FormStatus
from domain.rat.policy import RatPolicy
from domain.register_match import KeyIndex
from domain.register_rows import RowRules
from locales import N_
from runtime.offload import Budget, OffloadError, OverBudgetError
from services.rat_recompute import recompute_after_register_change
from services.register_files import Table
from services.register_import import (
    ImportPreview,
    Scanned,
    apply_import,
    file_limits,
    import_rules,
    key_index,
    preview_import,
    scan_against,
    scan_in_worker,
)
from services.register_pending import settle
from services.register_read import FileLimits, UnreadableFileError
from services.register_scan import ReportSpec
from storage.uow import UnitOfWork

logger = logging.getLogger(__name__)

# Committed before the import's transaction begins; that transaction's first statement moves
# it on to `applied`.
APPLYING = FormStatus.APPLYING
MB = 1024 * 1024


class UnitsOfWork(Protocol):
    """Makes a fresh unit of work (AppServices.uow)."""

    def __call__(self, *, write: bool = True, background: bool = False) -> UnitOfWork:
        """A unit of work; `background` for one touching many rows."""
        ...


@dataclass(frozen=True)
class ImportJob:
    """What a scan depends on: the rules of a row, the file's caps, the worker's budget."""

    rules: RowRules
    limits: FileLimits
    budget: Budget
    report: ReportSpec
    rat: RatPolicy
    tz: ZoneInfo

    @classmethod
    def of(cls, cfg: AppConfig, now: datetime, locale: str) -> ImportJob:
        """The configured job for a reader of `locale`."""
        files = cfg.files
        return cls(
            import_rules(cfg, now),
            file_limits(cfg),
            Budget(files.worker_seconds, files.worker_memory_mb * MB),
            ReportSpec(locale, cfg.region.timezone),
            cfg.rat.policy(),
            cfg.region.tz,
        )


def failure_reason(error: UnreadableFileError | OffloadError) -> UnreadableFileError:
    """What to tell the admin: the file's fault, or too big or complex to read in time."""
    if isinstance(error, UnreadableFileError):
        return error
    if isinstance(error, OverBudgetError):
        return UnreadableFileError(N_("impor.file.too_complex"))
    logger.error("import scan failed in its worker: %s", error)
    return UnreadableFileError(N_("impor.file.unreadable"))


async def _scan(uows: UnitsOfWork, table: Table, job: ImportJob) -> Scanned:
    """The file scanned in a worker; no transaction is open while the worker reads it."""
    async with uows(write=False) as uow:
        index = await key_index(uow)
    return await _scan_with(index, table, job)


async def _scan_with(index: KeyIndex, table: Table, job: ImportJob) -> Scanned:
    scanner = scan_in_worker(job.budget)
    return await scan_against(
        index, table, job.rules, scanner=scanner, limits=job.limits, report=job.report
    )


async def preview_upload(uows: UnitsOfWork, table: Table, job: ImportJob) -> ImportPreview:
    """What importing the file would do. Raises UnreadableFileError or OffloadError."""
    scanned = await _scan(uows, table, job)
    # Background: compares every valid row with the register as stored.
    async with uows(write=False, background=True) as uow:
        return await preview_import(uow, scanned)


async def begin_apply(uows: UnitsOfWork, import_id: int, now: datetime) -> bool:
    """Claims a previewed import for applying; False when it was decided already."""
    async with uows() as uow:
        claimed = await settle(
            uow,
            import_id,
            APPLYING,
            now=now,
            expected=FormStatus.PENDING,
            details={"applying_at": now.isoformat()},
        )
        await uow.commit()
    return claimed


async def apply_upload(
    uows: UnitsOfWork,
    import_id: int,
    table: Table,
    job: ImportJob,
    *,
    sha256: str | None,
    actor_person_id: int | None,
    now: datetime,
) -> ImportPreview | None:
    """Imports a claimed (`applying`) file in one transaction; None if it was not claimed.

    Raises UnreadableFileError (also when the file is not the one previewed) or OffloadError;
    the import stays `applying` then, for the caller to close.
    """
    scanned = await _scan(uows, table, job)
    if scanned.scan.sha256 != sha256:
        raise UnreadableFileError(N_("impor.file.changed"))

    # Background: thousands of rows in one transaction (writers of this process queue meanwhile).
    async with uows(background=True) as uow:
        if not await settle(uow, import_id, FormStatus.APPLIED, now=now, expected=APPLYING):
            return None

        async def rescan(uow: UnitOfWork = uow) -> Scanned:
            # Against the keys this transaction sees: rare, so holding it meanwhile is fine.
            return await _scan_with(await key_index(uow), table, job)

        result = await apply_import(
            uow,
            scanned,
            rescan=rescan,
            actor_person_id=actor_person_id,
            channel="chat",
            now=now,
        )
        row = await uow.form_sessions.by_id(import_id)
        if row is not None:
            await uow.session.refresh(row)  # settled above by a statement, not by the ORM
        details = {"result": result.counts()}
        await settle(
            uow,
            import_id,
            FormStatus.APPLIED,
            now=now,
            expected=FormStatus.APPLIED,
            details=details,
        )
        await uow.commit()
    await recompute_after_register_change(lambda: uows(background=True), job.rat, job.tz, now=now)
    return result


async def mark_reported(uows: UnitsOfWork, import_id: int, now: datetime) -> None:
    """Records that the admin was told the result (a restart then has nothing to tell)."""
    async with uows() as uow:
        await settle(
            uow,
            import_id,
            FormStatus.APPLIED,
            now=now,
            expected=FormStatus.APPLIED,
            details={"reported": True},
        )
        await uow.commit()
