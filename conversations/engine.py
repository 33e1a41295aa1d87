"""The form engine: form state lives in `form_session` rows, changed in the same transaction as
each answer, so a crash or a restart loses nothing and a redelivered update is applied once.

Every public method takes a unit of work and returns an `Outcome` for the Telegram side to
render after the commit (a transaction never spans a Bot API call).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from config import FormsConfig
from conversations.inputs import Incoming, read_input
from conversations.outcome import ChatForms, Outcome, Result
from conversations.spec import FormRun, FormSpec, InputKind, Step
from domain.access import Viewer
from domain.errors import InputError
from domain.forms import FormStatus
from domain.rat.policy import RatPolicy
from locales import Translator
from storage.repositories.forms import FormRow

if TYPE_CHECKING:
    from storage.uow import UnitOfWork

ACTIVE, SUSPENDED, DONE, EXPIRED = (
    FormStatus.ACTIVE,
    FormStatus.SUSPENDED,
    FormStatus.DONE,
    FormStatus.EXPIRED,
)
# Update ids a session remembers. A redelivery after a crash repeats at most the updates of the
# last unconfirmed getUpdates batch, which holds at most 100.
APPLIED_UPDATES_KEPT = 100
ALBUM_KEY = "_album"  # answers[ALBUM_KEY]: the album being collected (step, count, last item)
# (step, answers, resumed) -> (step, answers): how `start` sets a form up (see there).
Arrange = Callable[[str, dict[str, Any], bool], tuple[str, dict[str, Any]]]


class FormEngine:
    """Starts, advances, suspends and expires forms."""

    def __init__(
        self,
        forms: Mapping[str, FormSpec],
        cfg: FormsConfig,
        tz: tzinfo,
        *,
        policy: RatPolicy | None = None,
    ) -> None:
        self.forms = dict(forms)
        self._cfg = cfg
        self._tz = tz
        # The RAT rules, for completers that recompute a cooperative (conversations.lapor).
        self._policy = policy

    def spec(self, name: str) -> FormSpec | None:
        """The declared form called `name`."""
        return self.forms.get(name)

    async def start(
        self,
        uow: UnitOfWork,
        spec: FormSpec,
        *,
        chat_id: int,
        user_id: int,
        subject: str = "",
        now: datetime,
        chat: ChatForms,
        prefill: tuple[str, Mapping[str, Any]] | None = None,
        arrange: Arrange | None = None,
    ) -> Outcome:
        """Makes `spec` the chat's active form, resuming its draft if one is kept.

        `prefill` (a step and answers) starts anew from there instead, e.g. a correction
        at the review of the stored report. `arrange` gets the step, the answers and
        whether a draft resumes, and returns the step and answers to start with (a form
        started from a menu sets its context and first step), saved in the same UPDATE; it
        is asked for a new start first and, when a draft turns out to be kept, again for
        the draft (so it must not have side effects). A start over a stored form that is
        no draft is that one UPDATE, nothing read first.
        The chat's active form is suspended first, unless `chat` knows there is none (a
        command has just suspended it, or the gate found none): one statement less.
        """
        if chat.active:
            await self.suspend(uow, chat_id, now=now, chat=chat)
        step, answers = (prefill[0], dict(prefill[1])) if prefill else (spec.first_step, {})
        if arrange is not None:
            step, answers = arrange(step, answers, False)
        fresh = FormRow(
            None, chat_id, user_id, spec.name, subject, step, answers, [], ACTIVE, 0, 1
        )
        self._touch(fresh, now)
        # Most starts begin anew over a stored form (finished, or never suspended): one
        # UPDATE, nothing read first. A suspended draft is read, to resume it.
        if await uow.form_sessions.restart(fresh, keep_draft=not prefill):
            chat.active = True
            return self._prompt(spec, fresh)
        session = await uow.form_sessions.row(chat_id, user_id, spec.name, subject)
        resumed = session is not None and session.status == SUSPENDED and bool(session.answers)
        if session is None or not resumed or session.step not in spec.steps:
            if session is not None:  # the stored row starts anew (its update ids kept)
                session.step, session.answers = fresh.step, fresh.answers
            session, resumed = session or fresh, False
        elif arrange is not None:
            session.step, session.answers = arrange(session.step, dict(session.answers), True)
        session.status = ACTIVE
        self._touch(session, now)
        _next_prompt(session)
        await uow.form_sessions.write(session)
        chat.active = True
        return self._prompt(spec, session, resumed=resumed)

    async def suspend(
        self, uow: UnitOfWork, chat_id: int, *, now: datetime, chat: ChatForms
    ) -> str | None:
        """Suspends the chat's active form (its draft is kept); returns its name, if any.

        Reads nothing when `chat` knows the chat has no active form.
        """
        suspended = await uow.form_sessions.suspend_active(chat_id, now) if chat.active else None
        chat.record_suspension(suspended)
        return suspended

    async def answer(
        self,
        uow: UnitOfWork,
        *,
        chat_id: int,
        incoming: Incoming,
        update_id: int,
        person_id: int | None,
        tr: Translator,
        now: datetime,
        chat: ChatForms,
        pressed: tuple[int, int, str] | None = None,
        viewer: Viewer | None = None,
    ) -> Outcome | None:
        """Applies an input to the chat's active form; None when no form is active.

        `pressed` is the (session id, prompt, step id) a button was made for: a button of
        another session, of an older prompt (the same step asked again counts anew) or of
        another step is stale and changes nothing.
        """
        # Known to have no active form: no query (a pressed button is checked regardless).
        look = chat.active or pressed is not None
        session = await uow.form_sessions.active_row(chat_id) if look else None
        spec = self.spec(session.form) if session is not None else None
        if (
            session is None
            or spec is None
            or session.step not in spec.steps
            or (pressed is not None and pressed != (session.id, session.prompt_seq, session.step))
        ):
            return Outcome(Result.STALE) if pressed is not None else None
        step = spec.step(session.step)
        value = self._read(step, incoming, session, tr, now)
        if isinstance(value, InputError):
            return Outcome(
                Result.INVALID,
                spec,
                session.id,
                step,
                session.answers,
                error=value,
                prompt=session.prompt_seq,
            )
        # Recorded in the same UPDATE as the answer: a redelivery after a crash is a no-op.
        # A set, not "the last id": Telegram may restart its ids, and several updates of one
        # chat can come again after a crash.
        if update_id in session.applied_updates:
            return self._prompt(spec, session)
        session.applied_updates = [
            *session.applied_updates[-(APPLIED_UPDATES_KEPT - 1) :],
            update_id,
        ]
        if step.kind is not InputKind.ALBUM or value is None:  # None: a skipped album
            outcome = await self._advance(uow, spec, session, step, value, person_id, now, viewer)
            chat.active = outcome.result is not Result.COMPLETED
            return outcome
        outcome = await self._album_item(uow, spec, session, step, value, incoming, now)
        if incoming.media_group_id is not None:
            return outcome  # more pieces may follow; a timer closes the album
        return await self._close_album(uow, spec, session, step, person_id, now)

    def _read(
        self,
        step: Step,
        incoming: Incoming,
        session: FormRow,
        tr: Translator,
        now: datetime,
    ) -> Any:
        """The parsed and validated value, or the InputError that says why not."""
        try:
            value = read_input(step, incoming, tr, now.astimezone(self._tz), dict(session.answers))
            if step.validate is not None and value is not None:  # None: skipped
                step.validate(value, dict(session.answers))
        except InputError as error:
            return error
        return value

    async def finalize_album(
        self,
        uow: UnitOfWork,
        session_id: int,
        expected_count: int,
        *,
        person_id: int | None,
        now: datetime,
    ) -> Outcome | None:
        """Closes an album once no piece arrived after the `expected_count`-th one."""
        session = await uow.form_sessions.row_by_id(session_id)
        if session is None or session.status != ACTIVE:
            return None
        spec = self.spec(session.form)
        pending = session.answers.get(ALBUM_KEY)
        if spec is None or not pending or pending["step"] != session.step:
            return None
        if expected_count and pending["count"] != expected_count:
            return None  # more pieces came; the later timer closes the album
        return await self._close_album(uow, spec, session, spec.step(session.step), person_id, now)

    async def _close_album(
        self,
        uow: UnitOfWork,
        spec: FormSpec,
        session: FormRow,
        step: Step,
        person_id: int | None,
        now: datetime,
    ) -> Outcome:
        items = session.answers.get(step.id, [])
        outcome = await self._advance(uow, spec, session, step, items, person_id, now)
        return Outcome(
            outcome.result,
            outcome.spec,
            outcome.session_id,
            outcome.step,
            outcome.answers,
            done=outcome.done,
            album_count=len(items),
            prompt=outcome.prompt,
        )

    async def _album_item(
        self,
        uow: UnitOfWork,
        spec: FormSpec,
        session: FormRow,
        step: Step,
        value: Any,
        incoming: Incoming,
        now: datetime,
    ) -> Outcome:
        answers = dict(session.answers)
        pending = answers.get(ALBUM_KEY) or {"step": step.id, "count": 0}
        if pending["step"] != step.id:
            pending = {"step": step.id, "count": 0}
        items = [*answers.get(step.id, []), value] if pending["count"] else [value]
        pending = {**pending, "count": len(items), "last_at": now.isoformat()}
        answers[step.id], answers[ALBUM_KEY] = items, pending
        session.answers = answers
        self._touch(session, now)
        await uow.form_sessions.write(session)
        return Outcome(
            Result.ALBUM_ITEM,
            spec,
            session.id,
            step,
            answers,
            album_count=len(items),
            media_group_id=incoming.media_group_id,
            prompt=session.prompt_seq,
        )

    async def _advance(
        self,
        uow: UnitOfWork,
        spec: FormSpec,
        session: FormRow,
        step: Step,
        value: Any,
        person_id: int | None,
        now: datetime,
        viewer: Viewer | None = None,
    ) -> Outcome:
        answers = {k: v for k, v in session.answers.items() if k != ALBUM_KEY}
        answers = step.stored(answers, value)
        session.answers = answers
        following = step.following(answers)
        self._touch(session, now)
        if following is not None:
            session.step = following
            _next_prompt(session)
            await uow.form_sessions.write(session)
            return self._prompt(spec, session)
        session.status = DONE
        await uow.form_sessions.write(session)
        run = FormRun(
            session.chat_id,
            session.user_id,
            person_id,
            session.subject,
            answers,
            now,
            viewer,
            self._policy,
        )
        done = await spec.complete(uow, run)
        return Outcome(Result.COMPLETED, spec, session.id, answers=answers, done=done)

    async def expire(self, uow: UnitOfWork, *, now: datetime) -> tuple[int, int]:
        """Suspends idle forms and erases expired drafts (and the answers a finished form
        kept), `draft_retention_days` after the last answer; returns both counts."""
        idle = await uow.form_sessions.idle_before(now)
        for session in idle:
            session.status = SUSPENDED
            session.updated_at = now
        drafts = await uow.form_sessions.drafts_expired_before(now)
        for session in drafts:
            if session.status == DONE:
                # A finished form keeps its status; its copy of the answers goes like a
                # draft's (docs/privacy.md), and no deadline is left to find it again.
                session.answers, session.draft_expires_at = {}, None
            else:
                session.status, session.answers, session.updated_at = EXPIRED, {}, now
        await uow.form_sessions.save_all([*idle, *drafts])
        return len(idle), len(drafts)

    async def albums_due(self, uow: UnitOfWork, *, now: datetime) -> list[int]:
        """Active sessions whose album has been quiet long enough (after a restart lost timers)."""
        quiet = timedelta(seconds=self._cfg.album_quiet_seconds)
        sessions = await uow.form_sessions.active_updated_before(now - quiet)
        return [session.id for session in sessions if session.answers.get(ALBUM_KEY)]

    def _touch(self, session: FormRow, now: datetime) -> None:
        session.updated_at = now
        session.idle_expires_at = now + timedelta(hours=self._cfg.idle_timeout_hours)
        session.draft_expires_at = now + timedelta(days=self._cfg.draft_retention_days)

    def _prompt(self, spec: FormSpec, session: FormRow, *, resumed: bool = False) -> Outcome:
        return Outcome(
            Result.PROMPT,
            spec,
            session.id,
            spec.step(session.step),
            dict(session.answers),
            prompt=session.prompt_seq,
            resumed=resumed,
        )


def _next_prompt(session: FormRow) -> None:
    """A new question is asked (a repeated step's too): its buttons get the next number."""
    session.prompt_seq = (session.prompt_seq or 0) + 1
