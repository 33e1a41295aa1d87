"""The Telegram side of the form engine: start a form, apply inputs, ask steps, close albums.

What a completed form shows (its typed result) is rendered by `handlers.outcomes`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from conversations.inputs import Incoming, option_labels
from conversations.outcome import Outcome, Result
from conversations.spec import FormResult, FormSpec, InputKind, ShowStatusCard, said
from domain.callbacks import FormButton
from handlers.context import BotContext
from handlers.relay_memo import end_on_command
from handlers.replies import reply
from handlers.status_views import status_markup, status_text
from locales import Catalogues, Translator

if TYPE_CHECKING:
    from conversations.engine import Arrange
    from runtime.app import UnitOfWork

Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
# Steps whose options are offered as buttons.
BUTTON_KINDS = frozenset({InputKind.CHOICE, InputKind.DATETIME})


def suspending(callback: Handler) -> Handler:
    """Wraps a command: any command first suspends the chat's active form (its draft is kept)."""

    async def suspend_then_run(update: Update, context: BotContext) -> None:
        services, chat = context.services, context.chat_forms
        if not chat.active:  # the gate knows there is none: no transaction
            chat.record_suspension(None)
        else:
            async with services.uow() as uow:
                await services.forms.suspend(
                    uow, context.viewer.chat_id, now=_now(context), chat=chat
                )
                await uow.commit()
        await end_on_command(context)  # and ends the chat's relay session
        await callback(update, context)

    suspend_then_run.__doc__ = callback.__doc__
    return suspend_then_run


def _now(context: BotContext) -> datetime:
    return context.services.clock.now()


async def begin_form(
    context: BotContext,
    uow: UnitOfWork,
    spec: FormSpec,
    subject: str = "",
    prefill: tuple[str, Mapping[str, Any]] | None = None,
    arrange: Arrange | None = None,
) -> Outcome:
    """Starts `spec` (or resumes its draft; `prefill`: from that step with those answers;
    `arrange`: see `FormEngine.start`) for the viewer inside `uow`."""
    viewer = context.viewer
    return await context.services.forms.start(
        uow,
        spec,
        chat_id=viewer.chat_id,
        user_id=viewer.telegram_user_id,
        subject=subject,
        now=_now(context),
        chat=context.chat_forms,
        prefill=prefill,
        arrange=arrange,
    )


async def start_form(
    update: Update, context: BotContext, spec: FormSpec, subject: str = ""
) -> None:
    """Starts `spec` (or resumes its draft): its intro, if it has one, then the current step."""
    async with context.services.uow() as uow:
        outcome = await begin_form(context, uow, spec, subject)
        await uow.commit()
    text, markup = render_prompt(context.tr, outcome)
    intro = spec.intro
    if intro is not None and not outcome.resumed:
        params = intro.params(context.services.config) if intro.params is not None else {}
        text = "\n\n".join([context.tr.t(intro.key, **dict(params)), text])
        if markup is None and intro.buttons:
            markup = InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton(context.tr.t(b.label_key), callback_data=b.data)]
                    for b in intro.buttons
                ]
            )
    await reply(update, context, text, markup=markup)


async def apply_input(
    update: Update, context: BotContext, incoming: Incoming, pressed: FormButton | None = None
) -> Outcome | None:
    """Applies an input to the active form in one transaction; None when no form is active."""
    services, viewer = context.services, context.viewer
    if not context.chat_forms.active and pressed is None:
        return None
    async with services.uow() as uow:
        outcome = await services.forms.answer(
            uow,
            chat_id=viewer.chat_id,
            incoming=incoming,
            update_id=update.update_id,
            person_id=viewer.person_id,
            tr=context.tr,
            now=_now(context),
            chat=context.chat_forms,
            pressed=(
                (pressed.session_id, pressed.prompt, pressed.step) if pressed is not None else None
            ),
            viewer=viewer,
        )
        await uow.commit()
    return outcome


async def close_keyboard(update: Update) -> None:
    """Removes the buttons of an answered prompt, so the same question is not answered twice."""
    message = update.effective_message
    if message is None or not message.reply_markup:
        return  # nothing to remove: an edit would change nothing
    # The prompt may be deleted or too old to edit; the answer is stored regardless.
    with contextlib.suppress(BadRequest):
        await message.edit_reply_markup(reply_markup=None)


async def send_step(update: Update, context: BotContext, outcome: Outcome) -> None:
    """Asks the step of a prompt, or says why an input was refused and asks it again."""
    tr = context.tr
    text, markup = render_prompt(tr, outcome)
    if outcome.result is Result.INVALID and outcome.error is not None:
        text = f"{tr.t(outcome.error.key, **outcome.error.params)}\n\n{text}"
    await reply(update, context, text, markup=markup)


def render_said(tr: Translator, catalogues: Catalogues, result: FormResult) -> str:
    """The text a completed form says first, in the language the form may just have chosen."""
    done = said(result)
    reader = catalogues.get(done.locale) if done.locale else tr
    return reader.t(done.key, **dict(done.params))


def render_prompt(tr: Translator, outcome: Outcome) -> tuple[str, InlineKeyboardMarkup | None]:
    """The question of `outcome.step`; choices are numbered and also offered as buttons, and a
    skippable step has *Lewati*. A step's summary (e.g. a review) comes first."""
    step = outcome.step
    if step is None or outcome.session_id is None:
        msg = "render_prompt needs an outcome with a step"
        raise ValueError(msg)
    text = tr.t(step.prompt_key)
    if step.summary is not None:
        text = "\n\n".join([step.summary(tr, dict(outcome.answers or {})), text])
    if outcome.resumed:
        text = "\n\n".join([tr.t("form.resumed"), text])
    answers = dict(outcome.answers or {})
    labels = option_labels(step, tr, answers) if step.kind in BUTTON_KINDS else []
    buttons = [
        [
            InlineKeyboardButton(
                f"{index + 1}. {label}",
                callback_data=FormButton(
                    outcome.session_id, outcome.prompt, step.id, index
                ).encode(),
            )
        ]
        for index, label in enumerate(labels)
    ]
    if step.skippable:  # the option after the step's own
        data = FormButton(outcome.session_id, outcome.prompt, step.id, len(labels)).encode()
        buttons.append([InlineKeyboardButton(tr.t("form.skip"), callback_data=data)])
    if not labels:
        return text, InlineKeyboardMarkup(buttons) if buttons else None
    numbered = "\n".join(
        tr.t("form.option_line", number=str(number), label=label)
        for number, label in enumerate(labels, start=1)
    )
    hint = tr.t("form.choice_hint")
    return "\n\n".join([text, numbered, hint]), InlineKeyboardMarkup(buttons)


@dataclass(frozen=True)
class AlbumClose:
    """What the album timer needs to close an album after the last piece."""

    session_id: int
    count: int
    chat_id: int
    person_id: int | None
    locale: str


def schedule_album_close(context: BotContext, outcome: Outcome) -> None:
    """Closes the album once no piece has arrived for the configured quiet time.

    Each piece schedules a check that only acts if it is still the last piece; if a restart
    loses the timers, the scheduler tick closes the album instead.
    """
    if outcome.session_id is None or context.job_queue is None:
        return
    data = AlbumClose(
        outcome.session_id,
        outcome.album_count,
        context.viewer.chat_id,
        context.viewer.person_id,
        context.tr.locale,
    )
    context.job_queue.run_once(
        close_album_job,
        when=context.services.config.forms.album_quiet_seconds,
        data=data,
        name=f"album:{outcome.session_id}:{outcome.album_count}",
    )


async def close_album_job(context: Any) -> None:
    """JobQueue callback: closes the album and asks the next step."""
    ctx: BotContext = context
    job = ctx.job
    if job is None or not isinstance(job.data, AlbumClose):
        return
    await close_album(ctx, job.data)


async def close_album(context: BotContext, data: AlbumClose) -> None:
    """Advances past a completed album: "n berkas diterima", then the next step."""
    services = context.services
    async with services.uow() as uow:
        outcome = await services.forms.finalize_album(
            uow,
            data.session_id,
            data.count,
            person_id=data.person_id,
            now=services.clock.now(),
        )
        await uow.commit()
    if outcome is None:
        return
    tr = services.catalogues.get(data.locale)
    received = tr.tn("form.files_received", "form.files_received.plural", outcome.album_count)
    if outcome.result is Result.PROMPT:
        text, markup = render_prompt(tr, outcome)
        text = f"{received}\n\n{text}"
    else:
        text, markup = received, None
        done = outcome.done
        if done is not None:
            text = f"{received}\n\n{render_said(tr, services.catalogues, done)}"
        # A /lapor change completed by the album: its card (and the terms recorded as seen
        # with it) in the same one message as after any other saved change.
        if isinstance(done, ShowStatusCard) and done.card is not None:
            text = f"{text}\n\n{status_text(tr, done.card, terms=done.terms)}"
            markup = status_markup(tr, done.card)
    await context.bot.send_message(chat_id=data.chat_id, text=text, reply_markup=markup)
