"""`python bot.py remind --at ISO --dry-run` as an operator checks a day of the office's own
register (years ending 30 June beside 31 December, BUBAR): the day asked for is the day shown,
whatever the clock says now, and nothing is written (found by QA: a day whose sending window had
passed was silently replaced by the next working day after now, months later)."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import func, select

from config import load_config
from storage.engine import create_engine, session_factory
from storage.tables import Outbox
from storage.uow import UnitOfWork
from tests.e2e.office.register import AT, KECAMATAN, seed_office
from tests.helpers.cli import EXAMPLE, bot_cli
from tests.helpers.seed import add_board_member, add_person


async def _boards(url: str, ids: dict[str, int]) -> None:
    engine = create_engine(url)
    try:
        async with UnitOfWork(session_factory(engine)) as uow:
            for n, koperasi_id in enumerate(ids.values()):
                person = await add_person(uow, 7100 + n, f"Ketua {n}", now=AT)
                await add_board_member(uow, person, koperasi_id)
            await uow.commit()
    finally:
        await engine.dispose()


async def _queued(url: str) -> int:
    engine = create_engine(url)
    try:
        async with UnitOfWork(session_factory(engine), write=False) as uow:
            return int(await uow.session.scalar(select(func.count()).select_from(Outbox)) or 0)
    finally:
        await engine.dispose()


async def _office_config(tmp_path: Path) -> Path:
    """The example config with the office register's kecamatan."""
    config = tmp_path / "config.toml"
    names = ", ".join(f'"{name}"' for name in KECAMATAN)
    example = EXAMPLE.read_text(encoding="utf-8")
    ours = re.sub(r"(?m)^kecamatan = \[[^\]]*\]", f"kecamatan = [{names}]", example, count=1)
    config.write_text(ours, encoding="utf-8")
    return config


async def test_a_dry_run_shows_the_day_asked_for(tmp_path: Path, database_url: str) -> None:
    config = await _office_config(tmp_path)
    cfg = load_config(config)
    assert cfg.region.kecamatan == KECAMATAN
    await _boards(database_url, await seed_office(database_url, cfg))

    # 15 July 2026 (a Wednesday, long past): the 30 June year-end's statements reminder.
    code, stdout, stderr = await bot_cli(
        "remind",
        "--at",
        "2026-07-15",
        "--dry-run",
        database_url=database_url,
        cwd=tmp_path,
        config=config,
    )
    assert code == 0, stderr
    assert "reminders dated 2026-07-15 to 2026-07-15" in stdout
    assert "  statements_15: 2" in stdout
    assert "messages: 2" in stdout
    assert "KPRI &lt;Guru&gt; Sejahtera" in stdout
    assert "dry run: nothing written" in stdout
    assert await _queued(database_url) == 0


async def test_a_village_cooperative_is_not_asked_to_upload_minutes(
    tmp_path: Path, database_url: str
) -> None:
    """KDKMP report in SIMKOPDES: Gempur asks them for no uploads (rules.md), so no reminder
    to upload the minutes either (found by QA); a reguler one still gets it."""
    config = await _office_config(tmp_path)
    await _boards(database_url, await seed_office(database_url, load_config(config)))
    seen = {}
    for day in ("2026-05-21", "2026-06-22"):  # Puskud (reguler) held 20 May; Alas (KDKMP) 20 Jun
        code, stdout, stderr = await bot_cli(
            "remind",
            "--at",
            day,
            "--dry-run",
            database_url=database_url,
            cwd=tmp_path,
            config=config,
        )
        assert code == 0, stderr
        seen[day] = stdout
    assert "minutes_upload: 1" in seen["2026-05-21"]
    assert "Puskud Sekunder" in seen["2026-05-21"]
    assert "minutes_upload" not in seen["2026-06-22"]
    assert "Kop Desa Merah Putih Alas" not in seen["2026-06-22"]
