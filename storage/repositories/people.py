"""People and their roles."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple, cast

from sqlalchemy import ColumnElement, Table, bindparam, select, update

from domain.access import Role
from storage.repositories.base import Repository, insert_or_ignore, rowcount
from storage.tables import Person, RoleGrant, TermSeen
from storage.viewer_changes import ViewerPatch, touches_viewers


class RoleScope(NamedTuple):
    """An active role and, for ``pengurus``, the cooperative it is for."""

    role: str
    koperasi_id: int | None


# Built once: /bahasa and onboarding look people up by Telegram id on every completion.
_BY_TELEGRAM_ID = select(Person).where(Person.telegram_user_id == bindparam("uid"))

# /bahasa's write, on the table (the ORM's bulk path costs more than the statement).
_PERSON = cast(Table, Person.__table__)
_CHOOSE_LANGUAGE = (
    update(_PERSON)
    .where(_PERSON.c.id == bindparam("person"))
    .values(
        language=bindparam("new_language"),
        menu_state=bindparam("new_menu"),
        updated_at=bindparam("now", type_=_PERSON.c.updated_at.type),
    )
)


class PersonRepository(Repository):
    """Lookup and upkeep of :class:`Person` rows."""

    async def terms_seen(self, person_id: int) -> set[str]:
        """The official terms already explained to the person on the status card."""
        rows = await self.session.scalars(
            select(TermSeen.term).where(TermSeen.person_id == person_id)
        )
        return set(rows)

    async def add_terms_seen(self, person_id: int, terms: Sequence[str], now: datetime) -> None:
        """Records that these terms were explained to the person; one already recorded is left
        as it is (two changes of one person at once may both have read it as unseen)."""
        for term in terms:
            values = {"person_id": person_id, "term": term, "seen_at": now}
            await insert_or_ignore(self.session, TermSeen, values, ("person_id", "term"))

    async def reachable_admins(self) -> list[Person]:
        """Every reachable admin with a Telegram account, in a stable order."""
        result = await self.session.scalars(
            select(Person)
            .join(RoleGrant, RoleGrant.person_id == Person.id)
            .where(
                RoleGrant.role == Role.ADMIN.value,
                RoleGrant.active.is_(True),
                Person.telegram_user_id.is_not(None),
                Person.reachable.is_(True),
            )
            .distinct()
            .order_by(Person.id)
        )
        return list(result)

    async def get(self, person_id: int) -> Person | None:
        return await self.session.get(Person, person_id)

    async def get_many(self, person_ids: Iterable[int | None]) -> dict[int, Person]:
        """The people with these ids (None and unknown ids left out), in one statement."""
        wanted = sorted({pid for pid in person_ids if pid is not None})
        if not wanted:
            return {}
        result = await self.session.scalars(select(Person).where(Person.id.in_(wanted)))
        return {person.id: person for person in result}

    async def get_by_telegram_id(self, telegram_user_id: int) -> Person | None:
        result = await self.session.scalars(_BY_TELEGRAM_ID, {"uid": telegram_user_id})
        return result.one_or_none()

    async def add(
        self,
        *,
        telegram_user_id: int | None,
        now: datetime,
        full_name: str | None = None,
        username: str | None = None,
        telegram_language_code: str | None = None,
        language: str | None = None,
        phone: str | None = None,
    ) -> Person:
        """Create a person and flush, so its ``id`` is known."""
        person = Person(
            telegram_user_id=telegram_user_id,
            full_name=full_name,
            username=username,
            telegram_language_code=telegram_language_code,
            language=language,
            phone=phone,
            reachable=True,
            created_at=now,
            updated_at=now,
        )
        self.session.add(person)
        await self.session.flush()
        return person

    async def choose_language(
        self,
        person_id: int,
        telegram_user_id: int,
        language: str,
        *,
        menu_state: str | None,
        now: datetime,
    ) -> None:
        """Store a language chosen in /bahasa and the signature of the menu queued with it.

        One statement without reading the person first; the cached viewers of this user get
        the new language patched in after the commit.
        """
        patch = ViewerPatch(telegram_user_id, None, (("language", language),))
        await self.session.execute(
            _CHOOSE_LANGUAGE,
            {"person": person_id, "new_language": language, "new_menu": menu_state, "now": now},
            execution_options=touches_viewers(patches=[patch]),
        )

    async def mark_unreachable_by_chat(self, chat_id: int, *, now: datetime) -> bool:
        """Telegram refused a send to this private chat (403): the person cannot be reached.

        A private chat's id is its user's id. ``unreachable_since`` keeps the first refusal.
        Returns whether someone became unreachable just now.
        """
        result = await self.session.execute(
            update(Person)
            .where(Person.telegram_user_id == chat_id, Person.reachable.is_(True))
            .values(reachable=False, unreachable_since=now, updated_at=now)
            .execution_options(
                synchronize_session="fetch", **touches_viewers(telegram_user_ids=[chat_id])
            )
        )
        return rowcount(result) > 0

    async def mark_reachable(self, telegram_user_id: int, *, now: datetime) -> bool:
        """The person wrote to the bot or unblocked it: reachable again.

        Called by the update handlers (any update from them, or a ``my_chat_member`` update
        to "member"). Returns whether they had been unreachable.
        """
        result = await self.session.execute(
            update(Person)
            .where(Person.telegram_user_id == telegram_user_id, Person.reachable.is_(False))
            .values(reachable=True, unreachable_since=None, updated_at=now)
            .execution_options(
                synchronize_session="fetch",
                **touches_viewers(telegram_user_ids=[telegram_user_id]),
            )
        )
        return rowcount(result) > 0


class RoleRepository(Repository):
    """Role grants: who is admin, pimpinan, petugas, or pengurus of which koperasi."""

    async def grant(
        self,
        person_id: int,
        role: str,
        *,
        now: datetime,
        koperasi_id: int | None = None,
        jabatan: str | None = None,
        granted_by_person_id: int | None = None,
    ) -> RoleGrant:
        """Grant a role; an already active identical grant is returned (jabatan updated)."""
        existing = await self._active_grant(person_id, role, koperasi_id)
        if existing is not None:
            if jabatan is not None and existing.jabatan != jabatan:
                existing.jabatan = jabatan
                await self.session.flush()
            return existing
        grant = RoleGrant(
            person_id=person_id,
            role=role,
            koperasi_id=koperasi_id,
            jabatan=jabatan,
            active=True,
            granted_by_person_id=granted_by_person_id,
            granted_at=now,
        )
        self.session.add(grant)
        await self.session.flush()
        return grant

    async def revoke(
        self, person_id: int, role: str, *, now: datetime, koperasi_id: int | None = None
    ) -> int:
        """Deactivate a role (for ``pengurus``: of one koperasi); returns how many grants."""
        result = await self.session.execute(
            update(RoleGrant)
            .where(
                RoleGrant.person_id == person_id,
                RoleGrant.role == role,
                _same_koperasi(koperasi_id),
                RoleGrant.active.is_(True),
            )
            .values(active=False, revoked_at=now)
            .execution_options(
                synchronize_session="fetch", **touches_viewers(person_ids=[person_id])
            )
        )
        return rowcount(result)

    async def active_roles(self, person_id: int) -> list[RoleScope]:
        """Every active role of a person, ordered for stable menus."""
        rows = await self.session.execute(
            select(RoleGrant.role, RoleGrant.koperasi_id)
            .where(RoleGrant.person_id == person_id, RoleGrant.active.is_(True))
            .order_by(RoleGrant.role, RoleGrant.koperasi_id, RoleGrant.id)
        )
        return [RoleScope(role, koperasi_id) for role, koperasi_id in rows]

    async def has_role(self, person_id: int, role: str, *, koperasi_id: int | None = None) -> bool:
        """Whether the person holds ``role``; with ``koperasi_id``, for that koperasi only."""
        stmt = select(RoleGrant.id).where(
            RoleGrant.person_id == person_id,
            RoleGrant.role == role,
            RoleGrant.active.is_(True),
        )
        if koperasi_id is not None:
            stmt = stmt.where(RoleGrant.koperasi_id == koperasi_id)
        return (await self.session.scalars(stmt.limit(1))).first() is not None

    async def _active_grant(
        self, person_id: int, role: str, koperasi_id: int | None
    ) -> RoleGrant | None:
        result = await self.session.scalars(
            select(RoleGrant)
            .where(
                RoleGrant.person_id == person_id,
                RoleGrant.role == role,
                _same_koperasi(koperasi_id),
                RoleGrant.active.is_(True),
            )
            .order_by(RoleGrant.id)
            .limit(1)
        )
        return result.first()


def _same_koperasi(koperasi_id: int | None) -> ColumnElement[bool]:
    # "= NULL" matches nothing in SQL: a role without a koperasi needs IS NULL.
    if koperasi_id is None:
        return RoleGrant.koperasi_id.is_(None)
    return RoleGrant.koperasi_id == koperasi_id
