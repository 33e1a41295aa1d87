"""Form sessions: the database-backed state of multi-step forms."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import bindparam, select

from domain.forms import FormStatus
from storage.repositories.base import Repository
from storage.tables import FormSession

ACTIVE, SUSPENDED, DONE = FormStatus.ACTIVE, FormStatus.SUSPENDED, FormStatus.DONE

# The two lookups of every form step, built once: building a statement costs about as much
# as running it.
_ACTIVE_FOR_CHAT = (
    select(FormSession)
    .where(FormSession.chat_id == bindparam("chat_id"), FormSession.status == ACTIVE)
    .order_by(FormSession.updated_at.desc(), FormSession.id.desc())
    .limit(1)
)
_ONE_FORM = select(FormSession).where(
    FormSession.chat_id == bindparam("chat_id"),
    FormSession.user_id == bindparam("user_id"),
    FormSession.form == bindparam("form"),
    FormSession.subject == bindparam("subject"),
)


class FormSessionRepository(Repository):
    """Lookup and saving of :class:`FormSession` rows (at most one active per chat)."""

    async def active_for_chat(self, chat_id: int) -> FormSession | None:
        """The chat's active form, if any (the newest, should a bug have left two)."""
        result = await self.session.scalars(_ACTIVE_FOR_CHAT, {"chat_id": chat_id})
        return result.first()

    async def get(
        self, chat_id: int, user_id: int, form: str, subject: str = ""
    ) -> FormSession | None:
        """The session of one form about one subject, whatever its status."""
        params = {"chat_id": chat_id, "user_id": user_id, "form": form, "subject": subject}
        result = await self.session.scalars(_ONE_FORM, params)
        return result.one_or_none()

    async def of_form(self, chat_id: int, user_id: int, form: str) -> list[FormSession]:
        """A person's sessions of one form, one per subject, whatever their status."""
        result = await self.session.scalars(
            select(FormSession).where(
                FormSession.chat_id == chat_id,
                FormSession.user_id == user_id,
                FormSession.form == form,
            )
        )
        return list(result)

    async def save(self, form_session: FormSession) -> FormSession:
        """Insert or update and flush.

        Raises ``sqlalchemy.orm.exc.StaleDataError`` if the row changed since it was loaded
        (the version counter), and ``IntegrityError`` for a second session of the same
        (chat, user, form, subject).
        """
        self.session.add(form_session)
        await self.session.flush()
        return form_session

    def new(
        self, chat_id: int, user_id: int, form: str, subject: str, now: datetime
    ) -> FormSession:
        """A session not stored yet (`save` inserts it)."""
        return FormSession(
            chat_id=chat_id, user_id=user_id, form=form, subject=subject, created_at=now
        )

    async def save_all(self, sessions: Iterable[FormSession]) -> None:
        """Writes sessions changed in place (e.g. by the expiry tick) in one flush."""
        self.session.add_all(sessions)
        await self.session.flush()

    async def idle_before(self, instant: datetime) -> list[FormSession]:
        """Active sessions whose idle deadline has passed."""
        result = await self.session.scalars(
            select(FormSession).where(
                FormSession.status == ACTIVE, FormSession.idle_expires_at <= instant
            )
        )
        return list(result)

    async def drafts_expired_before(self, instant: datetime) -> list[FormSession]:
        """Suspended drafts past their retention, and finished forms still holding a copy of
        their answers that long (the answers live on in what the form stored)."""
        result = await self.session.scalars(
            select(FormSession).where(
                FormSession.status.in_([SUSPENDED.value, DONE.value]),
                FormSession.draft_expires_at <= instant,
            )
        )
        return list(result)

    async def active_updated_before(self, instant: datetime) -> list[FormSession]:
        """Active sessions untouched since `instant` (e.g. albums whose timer a restart lost)."""
        result = await self.session.scalars(
            select(FormSession).where(
                FormSession.status == ACTIVE, FormSession.updated_at <= instant
            )
        )
        return list(result)

    async def by_id(self, session_id: int) -> FormSession | None:
        """The session with this id."""
        return await self.session.get(FormSession, session_id)
