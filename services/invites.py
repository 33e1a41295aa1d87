"""Invites (docs/rules.md): make one for a role, one per cooperative in bulk, revoke, inspect.

A code is shown once, to the admin who made it (or in the bulk XLSX); only its hash is kept.
Every change is audited with ids and codes only.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from openpyxl import Workbook
from openpyxl.styles import Font

from config import AccessConfig
from domain.access import Role
from domain.invites import (
    InviteProblem,
    InviteState,
    board_seat_conflict,
    deep_link,
    display_code,
    expires_at,
    hash_code,
    invite_problem,
    max_uses_for,
    new_code,
)
from domain.koperasi_list import PageWindow, page_window
from storage.repositories.invites import OpenInvite
from storage.tables import Invite, Koperasi
from storage.uow import UnitOfWork

# The bulk sheet's columns, as the office asked for them.
BULK_COLUMNS = ("nama", "kecamatan", "nik_koperasi", "link", "code", "expires")


@dataclass(frozen=True)
class NewInvite:
    """An invite just made, with the one copy of its code."""

    invite_id: int
    code: str
    role: Role
    max_uses: int
    expires_at: datetime
    koperasi_id: int | None = None
    koperasi_nama: str | None = None
    kecamatan: str | None = None
    nik_koperasi: str | None = None


def _invite(
    code: str,
    role: Role,
    koperasi_id: int | None,
    actor: int | None,
    cfg: AccessConfig,
    now: datetime,
) -> Invite:
    return Invite(
        code_hash=hash_code(code),
        role=role.value,
        koperasi_id=koperasi_id,
        max_uses=max_uses_for(role, cfg.board_invite_max_uses),
        uses=0,
        expires_at=expires_at(now, cfg.invite_ttl_days),
        created_by_person_id=actor,
        created_at=now,
    )


def _new(invite: Invite, code: str, koperasi: Koperasi | None = None) -> NewInvite:
    return NewInvite(
        invite_id=invite.id,
        code=code,
        role=Role(invite.role),
        max_uses=invite.max_uses,
        expires_at=invite.expires_at,
        koperasi_id=invite.koperasi_id,
        koperasi_nama=koperasi.nama if koperasi else None,
        kecamatan=koperasi.kecamatan if koperasi else None,
        nik_koperasi=koperasi.nik_koperasi if koperasi else None,
    )


async def create_invite(
    uow: UnitOfWork,
    *,
    actor_person_id: int | None,
    role: Role,
    cfg: AccessConfig,
    now: datetime,
    koperasi_id: int | None = None,
    pick: Callable[[str], str] = secrets.choice,
) -> NewInvite | None:
    """Makes an invite for `role` (a board invite names its cooperative).

    None when a board invite names no existing cooperative, or another role names one.
    """
    koperasi = await uow.koperasi.get(koperasi_id) if koperasi_id is not None else None
    if (role is Role.PENGURUS) != (koperasi is not None):
        return None
    code = new_code(pick)
    invite = _invite(code, role, koperasi_id, actor_person_id, cfg, now)
    await uow.invites.add_all([invite])
    details = {"role": role.value, "koperasi_id": koperasi_id, "max_uses": invite.max_uses}
    await uow.audit.record(actor_person_id, "invite.create", "invite", invite.id, details, at=now)
    return _new(invite, code, koperasi)


async def create_board_invites(
    uow: UnitOfWork,
    *,
    actor_person_id: int | None,
    kecamatan: str | None,
    cfg: AccessConfig,
    now: datetime,
    pick: Callable[[str], str] = secrets.choice,
) -> list[NewInvite]:
    """One board invite per cooperative of a kecamatan (None: the whole register)."""
    repo = uow.invites
    koperasi = await repo.koperasi_for_bulk(kecamatan)
    codes = [new_code(pick) for _ in koperasi]
    invites = [
        _invite(code, Role.PENGURUS, k.id, actor_person_id, cfg, now)
        for code, k in zip(codes, koperasi, strict=True)
    ]
    await repo.add_all(invites)
    details = {"kecamatan": kecamatan, "count": len(invites)}
    await uow.audit.record(actor_person_id, "invite.bulk", "invite", "bulk", details, at=now)
    return [_new(i, c, k) for i, c, k in zip(invites, codes, koperasi, strict=True)]


@dataclass(frozen=True)
class OpenInvitesPage:
    """One page of an admin's usable invites."""

    invites: list[OpenInvite]
    window: PageWindow


async def open_invites_page(
    uow: UnitOfWork, person_id: int | None, now: datetime, page: int
) -> OpenInvitesPage:
    """The invites `person_id` made that still work, newest first, one page (clamped)."""
    repo = uow.invites
    total = await repo.count_open_by(person_id, now) if person_id is not None else 0
    window = page_window(total, page)
    if not total or person_id is None:
        return OpenInvitesPage([], window)
    invites = await repo.open_by(person_id, now, offset=window.offset, limit=window.size)
    return OpenInvitesPage(invites, window)


async def revoke_invite(
    uow: UnitOfWork, *, actor_person_id: int | None, invite_id: int, now: datetime
) -> bool:
    """Revokes an invite; False if it does not exist or was revoked already."""
    if not await uow.invites.revoke(invite_id, now):
        return False
    await uow.audit.record(actor_person_id, "invite.revoke", "invite", invite_id, at=now)
    return True


@dataclass(frozen=True)
class CodeCheck:
    """What a code opens: the invite, why it cannot be used, or that the person used it."""

    invite: Invite | None
    problem: InviteProblem | None
    already_used: bool = False
    koperasi_nama: str | None = None


def state_of(invite: Invite | None) -> InviteState | None:
    """The validity-relevant part of a stored invite."""
    if invite is None:
        return None
    return InviteState(invite.expires_at, invite.revoked_at, invite.uses, invite.max_uses)


async def inspect_code(
    uow: UnitOfWork, code: str | None, telegram_user_id: int, now: datetime
) -> CodeCheck:
    """Looks a code up without changing anything.

    A person who already used the invite is told so, even once it is used up or expired:
    opening the same link twice is not an error.
    """
    invite = await uow.invites.by_code_hash(hash_code(code)) if code else None
    if invite is None:
        return CodeCheck(None, InviteProblem.UNKNOWN)
    koperasi = await uow.koperasi.get(invite.koperasi_id) if invite.koperasi_id else None
    nama = koperasi.nama if koperasi is not None else None
    person = await uow.people.get_by_telegram_id(telegram_user_id)
    if person is not None and await uow.invites.used_by(invite.id, person.id):
        return CodeCheck(invite, None, already_used=True, koperasi_nama=nama)
    problem = invite_problem(state_of(invite), now)
    if problem is None and person is not None and await seat_conflict(uow, person.id, koperasi):
        problem = InviteProblem.SUPERVISES
    return CodeCheck(invite, problem, koperasi_nama=nama)


async def seat_conflict(uow: UnitOfWork, person_id: int, koperasi: Koperasi | None) -> bool:
    """Whether a board invite of `koperasi` would seat its own officer on its board."""
    if koperasi is None or koperasi.petugas_id != person_id:
        return False
    is_officer = await uow.roles.has_role(person_id, Role.PETUGAS)
    return board_seat_conflict(person_id, is_officer, koperasi.petugas_id)


def bulk_workbook(invites: Sequence[NewInvite], bot_username: str, tz: tzinfo) -> bytes:
    """The bulk invites as an XLSX: one row per cooperative, header frozen, expiry as a date."""
    book = Workbook()
    sheet = book.active
    if sheet is None:  # pragma: no cover - a new workbook always has one sheet
        raise RuntimeError("new workbook without a sheet")
    sheet.title = "Undangan"
    sheet.append(BULK_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for invite in invites:
        sheet.append(
            [
                invite.koperasi_nama,
                invite.kecamatan,
                invite.nik_koperasi,
                deep_link(bot_username, invite.code),
                display_code(invite.code),
                invite.expires_at.astimezone(tz).date(),
            ]
        )
    for column, width in zip("ABCDEF", (40, 16, 20, 52, 18, 12), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
