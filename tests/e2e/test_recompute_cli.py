"""`python bot.py recompute [--tahun-buku N]` as an operator runs it after changing `[rat]`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from domain.register_dates import add_months
from storage.engine import create_engine, session_factory
from storage.tables import AuditLog, Koperasi, RatCycle
from storage.uow import UnitOfWork
from tests.helpers.bot import migrate, sqlite_url
from tests.helpers.cli import EXAMPLE, bot_cli
from tests.helpers.seed import add_koperasi

EARLIER_TARGET = "[rat.primer]\ntarget_months = 2\nreport_months = 4\nstatutory_months = 6\n"


async def _state(url: str) -> tuple[Koperasi, RatCycle | None, int]:
    engine = create_engine(url)
    try:
        async with UnitOfWork(session_factory(engine), write=False) as uow:
            koperasi = (await uow.session.scalars(select(Koperasi))).one()
            cycle = None
            if koperasi.current_rat_cycle_id is not None:
                cycle = await uow.session.get(RatCycle, koperasi.current_rat_cycle_id)
            audits = await uow.session.scalars(
                select(AuditLog.id).where(AuditLog.action == "rat.recompute")
            )
            return koperasi, cycle, len(list(audits))
    finally:
        await engine.dispose()


async def test_recompute_flags_a_register_without_rats_then_applies_changed_deadlines(
    tmp_path: Path,
) -> None:
    url = sqlite_url(tmp_path)
    await migrate(url)
    engine = create_engine(url)
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            # Founded long ago, no RAT recorded: whatever today is, three due years are missed.
            await add_koperasi(uow, "KUD Lama", tgl_badan_hukum=date(1990, 5, 1))
            await uow.commit()
    finally:
        await engine.dispose()

    code, stdout, _ = await bot_cli("recompute", database_url=url, config=EXAMPLE, cwd=tmp_path)
    assert code == 0
    assert "recomputed 1 cooperatives" in stdout
    assert "current cycles created: 1" in stdout
    koperasi, cycle, audits = await _state(url)
    assert (koperasi.status_aktivitas, koperasi.flag_tidak_rat) == ("TIDAK_AKTIF", True)
    assert cycle is not None
    assert cycle.target_date == add_months(cycle.fiscal_year_end, 3)

    changed = tmp_path / "changed.toml"
    changed.write_text(EARLIER_TARGET)
    code, stdout, _ = await bot_cli(
        "recompute", "--tahun-buku", "1999", database_url=url, config=changed, cwd=tmp_path
    )
    assert code == 0
    assert "open cycles of 1999 given the current [rat] configuration: 0" in stdout
    code, stdout, _ = await bot_cli("recompute", database_url=url, config=changed, cwd=tmp_path)
    assert code == 0
    assert "open cycles given the current [rat] configuration: 1" in stdout
    _, moved, audits = await _state(url)
    assert moved is not None
    assert moved.id == cycle.id
    assert moved.target_date == add_months(cycle.fiscal_year_end, 2)
    assert audits == 3


async def test_recompute_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    code, _, _ = await bot_cli(
        "recompute", database_url=sqlite_url(tmp_path), config=EXAMPLE, cwd=tmp_path
    )
    assert code == 2
