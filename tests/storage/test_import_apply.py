"""A confirmed import: checked again if the register changed; after a crash, the admin hears
whether it was applied."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from config import DEFAULT_KECAMATAN, RatConfig
from domain.forms import FormStatus
from domain.register_rows import RowRules
from locales import Catalogues
from runtime.offload import Budget
from services import register_chat, register_import
from services.register_chat import ImportJob, UnitsOfWork, apply_upload, begin_apply
from services.register_files import open_table
from services.register_pending import get, receive, settle
from services.register_read import FileLimits
from services.register_recovery import report_interrupted_imports
from services.register_scan import ReportSpec
from storage.tables import Koperasi, Outbox
from storage.uow import UnitOfWork

NOW = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)
CATALOGUES = Catalogues(["id", "en"], "id", ZoneInfo("Asia/Jakarta"))
JOB = ImportJob(
    RowRules(tuple(DEFAULT_KECAMATAN), date(2027, 1, 4)),
    FileLimits(),
    Budget(60, 1024 * 1024 * 1024),
    ReportSpec("id", "Asia/Jakarta"),
    RatConfig().policy(),
    ZoneInfo("Asia/Jakarta"),
)
DATA = b"nama,kecamatan,nik_koperasi\nKSU Maju,Maron,3513100000000001\n"
TABLE = open_table(DATA, "daftar.csv")
FILE = {"file_id": "f", "file_unique_id": "u", "name": "daftar.csv", "mime_type": "text/csv"}


async def _claimed(factory: async_sessionmaker[AsyncSession]) -> int:
    async with UnitOfWork(factory) as uow:
        pending = await receive(uow, chat_id=7001, user_id=7001, file=FILE, now=NOW)
        await settle(
            uow,
            pending.id,
            FormStatus.PENDING,
            now=NOW,
            expected=FormStatus.RECEIVED,
            details={"sha256": TABLE.sha256},
        )
        await uow.commit()
    assert await begin_apply(_uows(factory), pending.id, NOW)
    return pending.id


def _uows(factory: async_sessionmaker[AsyncSession]) -> UnitsOfWork:
    def make(*, write: bool = True, background: bool = False) -> UnitOfWork:
        del background
        return UnitOfWork(factory, write=write)

    return make


async def _report(factory: async_sessionmaker[AsyncSession]) -> list[str]:
    async with UnitOfWork(factory) as uow:
        await report_interrupted_imports(uow, CATALOGUES, NOW)
        await uow.commit()
    async with UnitOfWork(factory, write=False) as uow:
        rows = await uow.session.scalars(select(Outbox).order_by(Outbox.id))
        return [row.payload["text"] for row in rows]


async def _status(factory: async_sessionmaker[AsyncSession], import_id: int) -> str:
    async with UnitOfWork(factory, write=False) as uow:
        pending = await get(uow, import_id)
    assert pending is not None
    return pending.status


async def test_an_import_that_died_in_its_transaction_is_reported_not_applied(
    factory: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    import_id = await _claimed(factory)

    async def die(*args: object, **kwargs: object) -> None:
        raise RuntimeError("killed")

    monkeypatch.setattr(register_import, "_write", die)
    with pytest.raises(RuntimeError):
        await apply_upload(
            _uows(factory),
            import_id,
            TABLE,
            JOB,
            sha256=TABLE.sha256,
            actor_person_id=None,
            now=NOW,
        )
    assert await _status(factory, import_id) == "applying"
    [notice] = await _report(factory)
    assert "Tidak ada data yang diubah" in notice
    assert await _status(factory, import_id) == FormStatus.FAILED
    assert await _report(factory) == [notice]  # told once


async def test_an_import_applied_before_the_crash_is_reported_applied(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    import_id = await _claimed(factory)
    result = await apply_upload(
        _uows(factory), import_id, TABLE, JOB, sha256=TABLE.sha256, actor_person_id=None, now=NOW
    )
    assert result is not None
    assert result.added == 1
    # The process died before the result reached the admin (no `reported` mark).
    [notice] = await _report(factory)
    assert "sudah selesai" in notice
    assert "1 ditambahkan" in notice
    assert await _status(factory, import_id) == FormStatus.APPLIED
    async with UnitOfWork(factory, write=False) as uow:
        assert await uow.session.scalar(select(func.count()).select_from(Koperasi)) == 1
    assert await _report(factory) == [notice]


async def test_a_register_changed_while_the_worker_read_is_checked_again(
    factory: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    import_id = await _claimed(factory)
    scan = register_chat._scan

    async def scan_then_someone_adds(*args: Any) -> Any:
        scanned = await scan(*args)
        async with UnitOfWork(factory) as uow:  # the same cooperative, added meanwhile
            row = {"nama": "KSU Maju", "kecamatan": "Maron", "nik_koperasi": "3513100000000001"}
            await uow.koperasi.insert_many([row], source="impor", now=NOW)
            await uow.commit()
        return scanned

    monkeypatch.setattr(register_chat, "_scan", scan_then_someone_adds)
    result = await apply_upload(
        _uows(factory), import_id, TABLE, JOB, sha256=TABLE.sha256, actor_person_id=None, now=NOW
    )
    assert result is not None
    assert (result.added, result.unchanged) == (0, 1)  # not added twice
    async with UnitOfWork(factory, write=False) as uow:
        assert await uow.session.scalar(select(func.count()).select_from(Koperasi)) == 1
