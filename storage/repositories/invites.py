"""Invites and their uses: stored by code hash, used up by one conditional UPDATE."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, delete, func, select, update

from storage.repositories.base import Repository, insert_or_ignore, rowcount
from storage.repositories.koperasi_query import by_name
from storage.tables import Invite, InviteUse, Koperasi


class UseTaken(StrEnum):
    """The outcome of taking one use of an invite for a person."""

    TAKEN = "taken"  # a use was counted for the person just now
    ALREADY = "already"  # the person used this invite before: nothing counted again
    REFUSED = "refused"  # revoked, expired or used up by the time of the UPDATE


@dataclass(frozen=True)
class OpenInvite:
    """An invite that can still be used, with its cooperative's name (board invites)."""

    invite: Invite
    koperasi_nama: str | None


def _usable(now: datetime) -> list[ColumnElement[bool]]:
    """The conditions of an invite that can still be used at `now`."""
    return [Invite.revoked_at.is_(None), Invite.expires_at > now, Invite.uses < Invite.max_uses]


class InviteRepository(Repository):
    """Lookup, use and revocation of :class:`Invite` rows."""

    async def add_all(self, invites: Sequence[Invite]) -> None:
        """Stage new invites and flush, so their ids are known."""
        self.session.add_all(invites)
        await self.session.flush()

    async def get(self, invite_id: int) -> Invite | None:
        return await self.session.get(Invite, invite_id)

    async def by_code_hash(self, code_hash: str) -> Invite | None:
        result = await self.session.scalars(select(Invite).where(Invite.code_hash == code_hash))
        return result.one_or_none()

    async def used_by(self, invite_id: int, person_id: int) -> bool:
        """Whether the person has used this invite."""
        found = await self.session.scalars(
            select(InviteUse.id)
            .where(InviteUse.invite_id == invite_id, InviteUse.person_id == person_id)
            .limit(1)
        )
        return found.first() is not None

    async def take_use(self, invite_id: int, person_id: int, now: datetime) -> UseTaken:
        """Counts one use of the invite for the person, never beyond `max_uses`.

        The use row comes first (unique per invite and person: the same person twice counts
        once); then one conditional UPDATE counts it only while the invite is usable, so two
        people racing for the last use of a board invite cannot both get it (PostgreSQL
        re-checks the WHERE after the row lock, SQLite writers are serialised). If the UPDATE
        matches nothing the use row is deleted again, leaving the transaction as it was.
        """
        inserted = await insert_or_ignore(
            self.session,
            InviteUse,
            {"invite_id": invite_id, "person_id": person_id, "used_at": now},
            ["invite_id", "person_id"],
        )
        if not inserted:
            return UseTaken.ALREADY
        counted = await self.session.execute(
            update(Invite)
            .where(Invite.id == invite_id, *_usable(now))
            .values(uses=Invite.uses + 1)
            .execution_options(synchronize_session="fetch")
        )
        if rowcount(counted) == 1:
            return UseTaken.TAKEN
        await self.session.execute(
            delete(InviteUse)
            .where(InviteUse.invite_id == invite_id, InviteUse.person_id == person_id)
            .execution_options(synchronize_session=False)
        )
        return UseTaken.REFUSED

    async def revoke(self, invite_id: int, now: datetime) -> bool:
        """Revokes an invite; False if there is none or it was revoked already."""
        result = await self.session.execute(
            update(Invite)
            .where(Invite.id == invite_id, Invite.revoked_at.is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session="fetch")
        )
        return rowcount(result) == 1

    async def count_open_by(self, person_id: int, now: datetime) -> int:
        """How many invites made by the person can still be used."""
        stmt = (
            select(func.count())
            .select_from(Invite)
            .where(Invite.created_by_person_id == person_id, *_usable(now))
        )
        return int((await self.session.execute(stmt)).scalar_one())

    async def open_by(
        self, person_id: int, now: datetime, *, offset: int, limit: int
    ) -> list[OpenInvite]:
        """One page of the person's usable invites, newest first."""
        rows = await self.session.execute(
            select(Invite, Koperasi.nama)
            .outerjoin(Koperasi, Koperasi.id == Invite.koperasi_id)
            .where(Invite.created_by_person_id == person_id, *_usable(now))
            .order_by(Invite.created_at.desc(), Invite.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [OpenInvite(invite, nama) for invite, nama in rows]

    async def koperasi_for_bulk(self, kecamatan: str | None) -> list[Koperasi]:
        """The cooperatives of one kecamatan (None: the whole register), by name as /koperasi
        lists them.

        Dissolved cooperatives have no board to invite.
        """
        stmt = select(Koperasi).where(func.coalesce(Koperasi.status_aktivitas, "") != "BUBAR")
        if kecamatan is not None:
            stmt = stmt.where(Koperasi.kecamatan == kecamatan)
        dialect = self.session.get_bind().dialect.name
        result = await self.session.scalars(
            stmt.order_by(by_name(dialect, Koperasi.nama), Koperasi.id)
        )
        return list(result)
