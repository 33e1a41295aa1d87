"""Unit of work: one session and one transaction per step of a use-case.

    async with UnitOfWork(factory) as uow:
        person = await uow.people.get_by_telegram_id(telegram_user_id)
        await uow.commit()
    # leaving without commit() rolls back

Commit before calling Telegram: a transaction never spans a Bot API call (on SQLite it
would hold the single write lock for a network round trip). Create one unit of work per
task; an instance refuses to be entered twice at once.
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.engine import WRITE_OPTION, sqlite_writer_lock
from storage.repositories import (
    AuditRepository,
    FormSessionRepository,
    KoperasiRepository,
    OutboxRepository,
    PersonRepository,
    ProcessedUpdateRepository,
    RoleRepository,
    SchedulerRunRepository,
)
from storage.repositories.broadcasts import BroadcastRepository
from storage.repositories.charts import ChartRepository
from storage.repositories.export import ExportRepository
from storage.repositories.invites import InviteRepository
from storage.repositories.join_requests import JoinRequestRepository
from storage.repositories.koperasi_query import KoperasiQueryRepository
from storage.repositories.kunjungan import KunjunganRepository
from storage.repositories.pending_imports import PendingImportRepository
from storage.repositories.petugas import PetugasRepository
from storage.repositories.privacy import PrivacyRepository
from storage.repositories.rat_cycle import RatCycleRepository
from storage.repositories.rat_report import RatReportRepository
from storage.repositories.reminders import ReminderReadRepository
from storage.repositories.retention import RetentionRepository
from storage.repositories.rollup import RollupRepository
from storage.repositories.rollup_lists import RollupListRepository
from storage.repositories.threads import ThreadRepository
from storage.repositories.viewer import ViewerRepository
from storage.repositories.worklist import WorklistRepository


class UnitOfWork:
    """A session and its transaction, with the repositories bound to it.

    ``write=True`` (the default) starts the transaction with ``BEGIN IMMEDIATE`` on SQLite:
    the write lock is taken (or waited for) up front, so a transaction that reads and then
    writes never fails half-way with "database is locked". Use ``write=False`` for
    read-only steps (status cards, roll-ups), which then never wait for writers.
    """

    people: PersonRepository
    roles: RoleRepository
    processed_updates: ProcessedUpdateRepository
    audit: AuditRepository
    form_sessions: FormSessionRepository
    pending_imports: PendingImportRepository
    koperasi: KoperasiRepository
    invites: InviteRepository
    join_requests: JoinRequestRepository
    koperasi_query: KoperasiQueryRepository
    petugas: PetugasRepository
    outbox: OutboxRepository
    scheduler_runs: SchedulerRunRepository
    privacy: PrivacyRepository
    threads: ThreadRepository
    viewer: ViewerRepository
    rat_cycles: RatCycleRepository
    kunjungan: KunjunganRepository
    reminders: ReminderReadRepository
    rat_report: RatReportRepository
    worklist: WorklistRepository
    charts: ChartRepository
    export: ExportRepository
    broadcasts: BroadcastRepository
    rollup: RollupRepository
    rollup_lists: RollupListRepository
    retention: RetentionRepository

    def __init__(self, factory: async_sessionmaker[AsyncSession], *, write: bool = True) -> None:
        self._factory = factory
        self._write = write
        self._session: AsyncSession | None = None
        self._writer_lock: asyncio.Lock | None = None

    @property
    def session(self) -> AsyncSession:
        """The open session, for queries no repository offers yet."""
        if self._session is None:
            raise RuntimeError("UnitOfWork is not open: use `async with uow:`")
        return self._session

    async def __aenter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("UnitOfWork is already open: create one per task and step")
        options = {WRITE_OPTION: True} if self._write else {}
        if self._write:
            self._writer_lock = sqlite_writer_lock(self._factory.kw.get("bind"))
            if self._writer_lock is not None:
                await self._writer_lock.acquire()
        session = self._factory(execution_options=options)
        self._session = session
        self.people = PersonRepository(session)
        self.roles = RoleRepository(session)
        self.processed_updates = ProcessedUpdateRepository(session)
        self.audit = AuditRepository(session)
        self.form_sessions = FormSessionRepository(session)
        self.pending_imports = PendingImportRepository(session)
        self.koperasi = KoperasiRepository(session)
        self.invites = InviteRepository(session)
        self.join_requests = JoinRequestRepository(session)
        self.koperasi_query = KoperasiQueryRepository(session)
        self.petugas = PetugasRepository(session)
        self.outbox = OutboxRepository(session)
        self.scheduler_runs = SchedulerRunRepository(session)
        self.privacy = PrivacyRepository(session)
        self.threads = ThreadRepository(session)
        self.viewer = ViewerRepository(session)
        self.rat_cycles = RatCycleRepository(session)
        self.kunjungan = KunjunganRepository(session)
        self.reminders = ReminderReadRepository(session)
        self.rat_report = RatReportRepository(session)
        self.worklist = WorklistRepository(session)
        self.charts = ChartRepository(session)
        self.export = ExportRepository(session)
        self.broadcasts = BroadcastRepository(session)
        self.rollup = RollupRepository(session)
        self.rollup_lists = RollupListRepository(session)
        self.retention = RetentionRepository(session)
        try:
            # Begin now (not at the first query) so the writer's lock is taken on entry.
            await session.connection()
        except BaseException:
            await self._close()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self._close()

    async def commit(self) -> None:
        """Commit the work so far; the unit stays usable (a new transaction begins lazily)."""
        await self.session.commit()

    async def rollback(self) -> None:
        """Discard the work since the last commit."""
        await self.session.rollback()

    async def _close(self) -> None:
        session, self._session = self._session, None
        lock, self._writer_lock = self._writer_lock, None
        try:
            if session is not None:
                # close() rolls back whatever was not committed and returns the connection.
                await session.close()
        finally:
            if lock is not None:
                lock.release()
