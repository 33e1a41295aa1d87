"""Form sessions: the database-backed state of multi-step forms."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Table, bindparam, insert, select, update
from sqlalchemy.orm.exc import StaleDataError

from domain.forms import FormStatus
from storage.repositories.base import Repository
from storage.tables import FormSession
from storage.viewer_changes import ViewerPatch, touches_viewers

ACTIVE, SUSPENDED, DONE = FormStatus.ACTIVE, FormStatus.SUSPENDED, FormStatus.DONE

# A form's ORM lookup (other than the engine's plain rows below), built once: building a
# statement costs about as much as running it.
_ONE_FORM = select(FormSession).where(
    FormSession.chat_id == bindparam("chat_id"),
    FormSession.user_id == bindparam("user_id"),
    FormSession.form == bindparam("form"),
    FormSession.subject == bindparam("subject"),
)

# The form engine's own statements, on the table (plain rows, no ORM objects, no unit of
# work flush): every form step reads its session and writes it back.
_T = FormSession.__table__
assert isinstance(_T, Table)  # noqa: S101 - for the type checker: a mapped class's table
_ROW_COLUMNS = (
    _T.c.id,
    _T.c.chat_id,
    _T.c.user_id,
    _T.c.form,
    _T.c.subject,
    _T.c.step,
    _T.c.answers,
    _T.c.applied_updates,
    _T.c.status,
    _T.c.prompt_seq,
    _T.c.version,
    _T.c.updated_at,
    _T.c.idle_expires_at,
    _T.c.draft_expires_at,
)
_ACTIVE_ROW = (
    select(*_ROW_COLUMNS)
    .where(_T.c.chat_id == bindparam("chat_id"), _T.c.status == ACTIVE.value)
    .order_by(_T.c.updated_at.desc(), _T.c.id.desc())
    .limit(1)
)
_ONE_ROW = select(*_ROW_COLUMNS).where(
    _T.c.chat_id == bindparam("chat_id"),
    _T.c.user_id == bindparam("user_id"),
    _T.c.form == bindparam("form"),
    _T.c.subject == bindparam("subject"),
)
_ROW_BY_ID = select(*_ROW_COLUMNS).where(_T.c.id == bindparam("id"))
# What a step changes; `version` is the version counter the ORM keeps (see FormSession).
_TOUCHED = {
    "step": bindparam("v_step"),
    "answers": bindparam("v_answers", type_=_T.c.answers.type),
    "status": bindparam("v_status"),
    "updated_at": bindparam("v_updated_at", type_=_T.c.updated_at.type),
    "idle_expires_at": bindparam("v_idle_expires_at", type_=_T.c.idle_expires_at.type),
    "draft_expires_at": bindparam("v_draft_expires_at", type_=_T.c.draft_expires_at.type),
}
_WRITE = (
    update(_T)
    .where(_T.c.id == bindparam("b_id"), _T.c.version == bindparam("b_version"))
    .values(
        {
            **_TOUCHED,
            "applied_updates": bindparam("v_applied_updates", type_=_T.c.applied_updates.type),
            "prompt_seq": bindparam("v_prompt_seq"),
            "version": _T.c.version + 1,
        }
    )
    .returning(_T.c.id)
)
_INSERT = (
    insert(_T)
    .values(
        {
            **_TOUCHED,
            "chat_id": bindparam("v_chat_id"),
            "user_id": bindparam("v_user_id"),
            "form": bindparam("v_form"),
            "subject": bindparam("v_subject"),
            "applied_updates": bindparam("v_applied_updates", type_=_T.c.applied_updates.type),
            "prompt_seq": bindparam("v_prompt_seq"),
            "version": 1,
            "created_at": bindparam("v_created_at", type_=_T.c.created_at.type),
        }
    )
    .returning(_T.c.id)
)
# A form started anew from its first step (or a prefill) over its stored row, whatever the
# row held, in one statement: read nothing first. `_RESTART` leaves a suspended draft alone
# (the engine may resume it); `_RESTART_ANY` restarts it too.
_RESTART_ANY = (
    update(_T)
    .where(
        _T.c.chat_id == bindparam("b_chat_id"),
        _T.c.user_id == bindparam("b_user_id"),
        _T.c.form == bindparam("b_form"),
        _T.c.subject == bindparam("b_subject"),
    )
    .values({**_TOUCHED, "prompt_seq": _T.c.prompt_seq + 1, "version": _T.c.version + 1})
    .returning(_T.c.id, _T.c.prompt_seq, _T.c.version)
)
_RESTART = _RESTART_ANY.where(_T.c.status != SUSPENDED.value)
# The chat's active form suspended, in one statement (at most one is active per chat).
_SUSPEND_ACTIVE = (
    update(_T)
    .where(_T.c.chat_id == bindparam("b_chat_id"), _T.c.status == ACTIVE.value)
    .values(
        status=SUSPENDED.value,
        updated_at=bindparam("v_updated_at", type_=_T.c.updated_at.type),
        version=_T.c.version + 1,
    )
    .returning(_T.c.form)
)


@dataclass(slots=True)
class FormRow:
    """A form session as the engine reads and writes it: plain values, changed in place and
    written back with `FormSessionRepository.write` (one UPDATE, no ORM flush)."""

    id: int | None  # None: not stored yet (`write` inserts it)
    chat_id: int
    user_id: int
    form: str
    subject: str
    step: str
    answers: dict[str, Any]
    applied_updates: list[int]
    status: str
    prompt_seq: int
    version: int
    updated_at: datetime | None = None
    idle_expires_at: datetime | None = None
    draft_expires_at: datetime | None = None
    active_stored: bool = False  # whether the stored row is the chat's active form

    @classmethod
    def of(cls, row: Row[*tuple[Any, ...]]) -> FormRow:
        """The engine's copy of a row of `_ROW_COLUMNS`."""
        (id_, chat, user, form, subject, step, answers, applied, status, seq, version, *times) = (
            tuple(row)
        )
        updated_at, idle_expires_at, draft_expires_at = times
        return cls(
            id_,
            chat,
            user,
            form,
            subject,
            step,
            answers,
            applied,
            status,
            seq,
            version,
            updated_at,
            idle_expires_at,
            draft_expires_at,
            active_stored=status == ACTIVE,
        )


def _activity(chat_id: int, active: bool) -> dict[str, Any]:
    """Execution options telling the cached viewer of the chat whether it has an active form
    (`storage.viewer_changes`: the database allows one active form per chat)."""
    return touches_viewers(patches=[ViewerPatch(None, chat_id, (("has_active_form", active),))])


_NO_VIEWER = touches_viewers()  # a step: the viewer is as it was


class FormSessionRepository(Repository):
    """Lookup and saving of :class:`FormSession` rows (at most one active per chat)."""

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

    # The form engine's statements: plain rows read and written back (`FormRow`).

    async def active_row(self, chat_id: int) -> FormRow | None:
        """The chat's active form (the newest, should a bug have left two), as a plain row."""
        row = (await self.session.execute(_ACTIVE_ROW, {"chat_id": chat_id})).first()
        return FormRow.of(row) if row is not None else None

    async def row(self, chat_id: int, user_id: int, form: str, subject: str) -> FormRow | None:
        """The session of one form about one subject, whatever its status, as a plain row."""
        params = {"chat_id": chat_id, "user_id": user_id, "form": form, "subject": subject}
        row = (await self.session.execute(_ONE_ROW, params)).one_or_none()
        return FormRow.of(row) if row is not None else None

    async def row_by_id(self, session_id: int) -> FormRow | None:
        """The session with this id, as a plain row."""
        row = (await self.session.execute(_ROW_BY_ID, {"id": session_id})).first()
        return FormRow.of(row) if row is not None else None

    async def write(self, form: FormRow) -> None:
        """Inserts `form` (no id yet) or updates its row, one statement each.

        Raises ``StaleDataError`` if the row changed since it was read (its version), as the
        ORM's version counter does, and ``IntegrityError`` for a second session of the same
        (chat, user, form, subject).
        """
        active = form.status == ACTIVE
        options = _activity(form.chat_id, active) if active != form.active_stored else _NO_VIEWER
        params = {
            **_state(form),
            "v_applied_updates": form.applied_updates,
            "v_prompt_seq": form.prompt_seq,
        }
        if form.id is None:
            params.update(
                v_chat_id=form.chat_id,
                v_user_id=form.user_id,
                v_form=form.form,
                v_subject=form.subject,
                v_created_at=form.updated_at,
            )
            result = await self.session.execute(_INSERT, params, execution_options=options)
            form.id, form.version = result.scalar_one(), 1
        else:
            params.update(b_id=form.id, b_version=form.version)
            result = await self.session.execute(_WRITE, params, execution_options=options)
            if result.first() is None:
                msg = f"form_session {form.id} changed since version {form.version} was read"
                raise StaleDataError(msg)
            form.version += 1
        form.active_stored = active

    async def restart(self, form: FormRow, *, keep_draft: bool) -> bool:
        """Makes `form` (not read: chat, user, form and subject name it; step, answers and
        times as it starts) the stored session's active state, asking its next prompt, in one
        statement; sets its id, prompt and version. False when no row is stored, or
        `keep_draft` and the stored row is a suspended draft (read it and decide).
        """
        params = {
            "b_chat_id": form.chat_id,
            "b_user_id": form.user_id,
            "b_form": form.form,
            "b_subject": form.subject,
            **_state(form),
        }
        stmt = _RESTART if keep_draft else _RESTART_ANY
        options = _activity(form.chat_id, form.status == ACTIVE)
        row = (await self.session.execute(stmt, params, execution_options=options)).first()
        if row is None:
            return False
        form.id, form.prompt_seq, form.version = row
        form.active_stored = form.status == ACTIVE
        return True

    async def suspend_active(self, chat_id: int, now: datetime) -> str | None:
        """Suspends the chat's active form in one statement; returns its name, if any."""
        params = {"b_chat_id": chat_id, "v_updated_at": now}
        options = _activity(chat_id, active=False)
        result = await self.session.execute(_SUSPEND_ACTIVE, params, execution_options=options)
        found = result.first()
        return str(found[0]) if found is not None else None


def _state(form: FormRow) -> dict[str, object]:
    """The bound values of a form's state that every write sets (step, answers, status, times)."""
    return {
        "v_step": form.step,
        "v_answers": form.answers,
        "v_status": form.status,
        "v_updated_at": form.updated_at,
        "v_idle_expires_at": form.idle_expires_at,
        "v_draft_expires_at": form.draft_expires_at,
    }
