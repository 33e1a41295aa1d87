"""Two cooperatives with current 2026 cycles and their people, for the RAT screens' tests."""

from __future__ import annotations

from datetime import date

from domain.access import Role
from services.rat_recompute import recompute_koperasi
from storage.tables import ChecklistEntry
from tests.helpers.bot import Conversation
from tests.helpers.seed import NOW, add_board_member, add_koperasi, add_person

TODAY = date(2027, 1, 4)  # the frozen clock's day in WIB
FORMED = date(2026, 1, 1)  # 2026 is its first full fiscal year: the first owing a RAT
SITI, RINA, ANI, PAK, DEDI, ADMIN = 7001, 7002, 7003, 7004, 7005, 7006


async def seed_boards(conv: Conversation) -> dict[str, int]:
    """KSP Sejahtera (officer Ani; A1 and A2 recorded done by her; Rina and Siti on its
    board) and Koperasi Makmur (no officer; Siti on its board); Pak is pimpinan, Dedi
    another officer."""
    services = conv.app.bot_data.services
    policy = services.config.rat.policy()
    async with services.uow() as uow:
        ani = await add_person(uow, ANI, "Ani Petugas", roles=[Role.PETUGAS])
        await add_person(uow, PAK, "Pak Bupati", roles=[Role.PIMPINAN])
        await add_person(uow, DEDI, "Dedi", roles=[Role.PETUGAS])
        await add_person(uow, ADMIN, "Admin", roles=[Role.ADMIN])
        sejahtera = await add_koperasi(
            uow, "KSP Sejahtera", petugas_id=ani.id, bentuk="primer", tgl_badan_hukum=FORMED
        )
        makmur = await add_koperasi(uow, "Koperasi Makmur", bentuk="primer")
        for made in (sejahtera, makmur):
            await recompute_koperasi(uow, made.id, policy, TODAY, now=NOW)
        siti = await add_person(uow, SITI, "Siti")
        rina = await add_person(uow, RINA, "Rina")
        await add_board_member(uow, siti, sejahtera.id)
        await add_board_member(uow, siti, makmur.id)
        await add_board_member(uow, rina, sejahtera.id)
        cycle_id = sejahtera.current_rat_cycle_id
        assert cycle_id is not None
        for code in ("A1", "A2"):
            uow.session.add(
                ChecklistEntry(
                    rat_cycle_id=cycle_id,
                    item_code=code,
                    status="selesai",
                    updated_at=NOW,
                    recorded_by_officer=True,
                    verification="verified",
                )
            )
        await recompute_koperasi(uow, sejahtera.id, policy, TODAY, now=NOW)
        await uow.commit()
        return {"sejahtera": sejahtera.id, "makmur": makmur.id, "sejahtera_cycle": cycle_id}
