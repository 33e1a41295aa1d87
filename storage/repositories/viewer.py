"""What the gate needs about the sender of an update, in one round trip."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, exists, literal, select

from storage.repositories.base import Repository
from storage.repositories.forms import ACTIVE
from storage.tables import FormSession, Person, RoleGrant


@dataclass(frozen=True)
class ViewerState:
    """The sender's person row (if any), chosen language, active roles and form."""

    person_id: int | None
    language: str | None
    telegram_user_id: int
    grants: tuple[tuple[str, int | None], ...]
    has_active_form: bool
    reachable: bool


class ViewerRepository(Repository):
    """Loads the viewer of every update: the hottest read of the bot, so one statement."""

    async def load(self, telegram_user_id: int, chat_id: int) -> ViewerState:
        """Person, active grants and whether the chat has an active form."""
        rows = (await self.session.execute(viewer_query(telegram_user_id, chat_id))).all()
        first = rows[0]  # the outer joins always give at least one row
        grants = tuple((row.role, row.koperasi_id) for row in rows if row.role is not None)
        return ViewerState(
            person_id=first.id,
            language=first.language,
            telegram_user_id=telegram_user_id,
            grants=grants,
            has_active_form=bool(first.has_form),
            reachable=first.reachable if first.reachable is not None else True,
        )


def viewer_query(
    telegram_user_id: int, chat_id: int
) -> Select[int, str | None, bool, str, int | None, bool]:
    """The one statement behind :meth:`ViewerRepository.load`.

    The gate caches its result: a column read here must be listed in
    ``storage.viewer_changes.VIEWER_COLUMNS`` so that changing it invalidates (a test checks).
    """
    me = select(literal(telegram_user_id).label("uid")).subquery()
    active_form = exists().where(FormSession.chat_id == chat_id, FormSession.status == ACTIVE)
    return (
        select(
            Person.id,
            Person.language,
            Person.reachable,
            RoleGrant.role,
            RoleGrant.koperasi_id,
            active_form.label("has_form"),
        )
        .select_from(me)
        .outerjoin(Person, Person.telegram_user_id == me.c.uid)
        .outerjoin(RoleGrant, and_(RoleGrant.person_id == Person.id, RoleGrant.active.is_(True)))
        .order_by(RoleGrant.role, RoleGrant.koperasi_id)
    )
