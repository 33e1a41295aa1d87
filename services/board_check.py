"""The board check after a RAT with elections: who may see and answer it, the
linked members, and *Masih sama* recorded in the audit log (who and when).

Taking a member off goes through `services.onboarding.remove_board_member` (`by_board`), the
same removal officers and admins use from the cooperative card.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.access import Viewer
from domain.invites import may_manage_board
from domain.koperasi_list import BoardMember
from domain.rat.roles import may_report
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class BoardCheck:
    """A cooperative's linked board as the viewer may check it."""

    koperasi_id: int
    nama: str
    members: tuple[BoardMember, ...]
    office: bool  # the viewer is its officer or an admin (may take the last member off)

    def member(self, person_id: int) -> BoardMember | None:
        """The linked member a button names; None once they are off the board."""
        return next((m for m in self.members if m.person_id == person_id), None)


async def load_check(uow: UnitOfWork, viewer: Viewer, koperasi_id: int) -> BoardCheck | None:
    """The check for a board member of the cooperative, its officer or an admin; None for
    anyone else (pimpinan read, never change) and for a cooperative that does not exist."""
    koperasi = await uow.koperasi.get(koperasi_id)
    if koperasi is None or not may_report(viewer, koperasi_id, koperasi.petugas_id):
        return None
    members = tuple(await uow.koperasi_query.board(koperasi_id))
    office = may_manage_board(viewer, koperasi.petugas_id)
    return BoardCheck(koperasi_id, koperasi.nama, members, office)


async def confirm_unchanged(
    uow: UnitOfWork, viewer: Viewer, check: BoardCheck, now: datetime
) -> None:
    """*Masih sama*: the board as linked now is confirmed after the elections (audited with
    who and when; the count only, no names)."""
    details = {"members": len(check.members), "after": "rat_elections"}
    await uow.audit.record(
        viewer.person_id, "board.confirm", "koperasi", check.koperasi_id, details, at=now
    )
