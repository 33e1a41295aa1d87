"""/impor with hostile or broken files: read in a worker, refused with the reason, closed; a crash
during the confirmation is reported to the admin after the restart."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from bot import on_startup
from config import AppConfig
from domain.access import Role
from domain.forms import FormStatus
from runtime.offload import offload
from services import register_chat, register_import
from services.register_scan import scan_register
from storage.tables import FormSession, Koperasi, Outbox
from tests.helpers.bot import Conversation, conversation
from tests.helpers.clock import FrozenClock
from tests.helpers.driver import Driver, UserSession
from tests.helpers.hostile import bomb_xlsx, far_cell_xlsx, plain_xlsx, truncated_xlsx

ADMIN = 5001
GOOD = b"nama;kecamatan;nik_koperasi\nKSU Maju;Maron;3513100000000001\n"


async def _admin(conv: Conversation, driver: Driver) -> UserSession:
    services = conv.app.bot_data.services
    async with services.uow() as uow:
        person = await uow.people.add(telegram_user_id=ADMIN, now=services.clock.now())
        await uow.roles.grant(person.id, Role.ADMIN, now=services.clock.now())
        await uow.commit()
    return driver.user(ADMIN, "Adi")


async def _upload(conv: Conversation, user: UserSession, data: bytes, name: str) -> str:
    await conv.say(user, "/impor")
    await user.send_document(data, name)
    await conv.deliver()
    _, answer = await user.wait_for_reply(count=2)
    return answer.body


async def _statuses(conv: Conversation) -> list[str]:
    async with conv.app.bot_data.services.uow(write=False) as uow:
        rows = await uow.session.scalars(
            select(FormSession.status)
            .where(FormSession.form == "impor_berkas")
            .order_by(FormSession.id)
        )
        return list(rows)


@pytest.fixture
def offloaded(monkeypatch: pytest.MonkeyPatch) -> list[Callable[..., Any]]:
    """The functions the import handed to the worker machinery."""
    calls: list[Callable[..., Any]] = []
    real = offload

    async def spy(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        calls.append(func)
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(register_import, "offload", spy)
    return calls


@pytest.mark.parametrize(
    ("make", "name", "reason"),
    [
        (far_cell_xlsx, "jauh.xlsx", "lebih dari 200 kolom terisi"),
        (lambda: far_cell_xlsx(column="A"), "bawah.xlsx", "lebih dari 200.000 baris"),
        (lambda: bomb_xlsx(64 * 1024 * 1024), "bom.xlsx", "terlalu besar setelah dibuka"),
        (truncated_xlsx, "rusak.xlsx", "tidak dapat dibaca"),
    ],
)
async def test_a_hostile_file_is_read_in_a_worker_refused_and_its_import_closed(
    conv: Conversation,
    driver: Driver,
    offloaded: list[Callable[..., Any]],
    make: Callable[[], bytes],
    name: str,
    reason: str,
) -> None:
    admin = await _admin(conv, driver)
    assert reason in await _upload(conv, admin, make(), name)
    assert offloaded == [scan_register]
    assert await _statuses(conv) == [FormStatus.FAILED]


async def test_a_file_over_the_workers_time_is_refused_and_closed(
    cfg: AppConfig, clock: FrozenClock, driver: Driver
) -> None:
    files = cfg.files.model_copy(update={"worker_seconds": 0.001})
    async with conversation(cfg.model_copy(update={"files": files}), clock) as conv:
        admin = await _admin(conv, driver)
        assert "terlalu besar atau rumit" in await _upload(conv, admin, plain_xlsx(), "a.xlsx")
        assert await _statuses(conv) == [FormStatus.FAILED]


async def test_a_crash_during_the_confirmation_is_reported_after_the_restart(
    cfg: AppConfig, clock: FrozenClock, driver: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with conversation(cfg, clock) as first:
        admin = await _admin(first, driver)
        assert "Ditambahkan: 1" in await _upload(first, admin, GOOD, "daftar.csv")

        async def crash(*args: object, **kwargs: object) -> None:
            raise SystemExit  # the process dies inside the import's transaction

        monkeypatch.setattr(register_chat, "apply_import", crash)
        await admin.press("✅ Impor 1 baris valid")
        with pytest.raises(SystemExit):
            await first.deliver()
    monkeypatch.undo()
    async with conversation(cfg, clock) as second:
        assert await _statuses(second) == ["applying"]
        await on_startup(second.app)
        assert await _statuses(second) == [FormStatus.FAILED]
        async with second.app.bot_data.services.uow(write=False) as uow:
            [notice] = await uow.session.scalars(select(Outbox).where(Outbox.chat_id == ADMIN))
            count = await uow.session.scalar(select(func.count()).select_from(Koperasi))
        assert "Tidak ada data yang diubah" in notice.payload["text"]
        assert count == 0


async def test_a_name_nobody_can_see_is_refused_with_the_reason_in_the_preview(
    conv: Conversation, driver: Driver
) -> None:
    admin = await _admin(conv, driver)
    data = (
        "nama;kecamatan;nik_koperasi\n"
        "KSU Maju;Maron;3513100000000001\n"
        "\u3164\u200b;Maron;3513100000000002\n"
        "\u202eujaM USK;Maron;3513100000000003\n"
    ).encode()
    preview = await _upload(conv, admin, data, "daftar.csv")
    assert "Ditambahkan: 1" in preview
    assert "Tidak valid (dilewati): 2" in preview
    assert "tidak berisi huruf yang terlihat" in preview
    assert "pengatur arah tulisan" in preview
