"""The Telegram side of the form engine: start a form, route inputs and buttons, ask steps."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from conversations.engine import Outcome, Result
from conversations.inputs import Incoming, option_labels
from conversations.spec import FormSpec, InputKind
from domain.callbacks import FormButton
from handlers.callbacks import answer_callback
from handlers.context import ACTIVE_FORM_FLAG, BotContext
from handlers.replies import reply
from locales import Translator

Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
SUSPENDED_FLAG = "suspended_form"


def form_command(spec: FormSpec) -> Handler:
    """A command that starts (or resumes) `spec`."""

    async def start(update: Update, context: BotContext) -> None:
        await start_form(update, context, spec)

    return start


def command(callback: Handler) -> Handler:
    """Wraps a command: any command first suspends the chat's active form (its draft is kept)."""

    async def suspend_then_run(update: Update, context: BotContext) -> None:
        services = context.services
        if not context.flags.get(ACTIVE_FORM_FLAG, True):
            context.flags[SUSPENDED_FLAG] = None
            await callback(update, context)
            return
        async with services.uow() as uow:
            suspended = await services.forms.suspend_active(
                uow, context.viewer.chat_id, now=services.clock.now()
            )
            await uow.commit()
        context.flags[SUSPENDED_FLAG] = suspended.form if suspended is not None else None
        await callback(update, context)

    suspend_then_run.__doc__ = callback.__doc__
    return suspend_then_run


async def start_form(
    update: Update, context: BotContext, spec: FormSpec, subject: str = ""
) -> None:
    """Starts `spec` (or resumes its draft) and asks the current step."""
    services, viewer = context.services, context.viewer
    # A command has just suspended the active form, or the gate saw none: nothing to suspend.
    no_active_form = SUSPENDED_FLAG in context.flags or not context.flags.get(
        ACTIVE_FORM_FLAG, True
    )
    async with services.uow() as uow:
        outcome = await services.forms.start(
            uow,
            spec,
            chat_id=viewer.chat_id,
            user_id=viewer.telegram_user_id,
            subject=subject,
            now=services.clock.now(),
            suspend=not no_active_form,
        )
        await uow.commit()
    await send_outcome(update, context, outcome)


async def apply_input(
    update: Update, context: BotContext, incoming: Incoming, pressed: FormButton | None = None
) -> Outcome | None:
    """Applies an input to the active form in one transaction; None when no form is active."""
    services, viewer = context.services, context.viewer
    if not context.flags.get(ACTIVE_FORM_FLAG, True) and pressed is None:
        return None
    async with services.uow() as uow:
        outcome = await services.forms.answer(
            uow,
            chat_id=viewer.chat_id,
            incoming=incoming,
            update_id=update.update_id,
            person_id=viewer.person_id,
            tr=context.tr,
            now=services.clock.now(),
            pressed=(pressed.session_id, pressed.step) if pressed is not None else None,
            viewer=viewer,
        )
        await uow.commit()
    return outcome


async def on_form_button(update: Update, context: BotContext) -> None:
    """A pressed option: applied only if it belongs to the step the person is on now."""
    query = update.callback_query
    button = FormButton.decode(query.data or "") if query is not None else None
    if button is None:
        await answer_callback(update, context, context.tr.t("callback.stale"))
        return
    outcome = await apply_input(update, context, Incoming(option_index=button.index), button)
    if outcome is None or outcome.result is Result.STALE:
        await answer_callback(update, context, context.tr.t("callback.stale"))
        return
    await answer_callback(update, context)
    await close_keyboard(update)
    await send_outcome(update, context, outcome)


async def close_keyboard(update: Update) -> None:
    """Removes the buttons of an answered prompt, so the same question is not answered twice."""
    message = update.effective_message
    if message is None or not message.reply_markup:
        return  # nothing to remove: an edit would change nothing
    # The prompt may be deleted or too old to edit; the answer is stored regardless.
    with contextlib.suppress(BadRequest):
        await message.edit_reply_markup(reply_markup=None)


async def send_outcome(update: Update, context: BotContext, outcome: Outcome) -> None:
    """Tells the person what the engine decided."""
    tr = context.tr
    if outcome.result is Result.PROMPT:
        text, markup = render_prompt(tr, outcome)
        await reply(update, context, text, markup=markup)
    elif outcome.result is Result.INVALID and outcome.error is not None:
        reason = tr.t(outcome.error.key, **outcome.error.params)
        text, markup = render_prompt(tr, outcome)
        await reply(update, context, f"{reason}\n\n{text}", markup=markup)
    elif outcome.result is Result.COMPLETED and outcome.reply is not None:
        await reply(update, context, render_reply(context, outcome))
        hook = context.bot_data.completion_hooks.get(outcome.spec.name if outcome.spec else "")
        if hook is not None:
            await hook(update, context)
    elif outcome.result is Result.ALBUM_ITEM:
        schedule_album_close(context, outcome)


def render_reply(context: BotContext, outcome: Outcome) -> str:
    """The completion message, in the language the form may just have chosen."""
    assert outcome.reply is not None  # noqa: S101 - guarded by the caller
    done = outcome.reply
    tr = context.services.catalogues.get(done.locale) if done.locale else context.tr
    return tr.t(done.key, **dict(done.params))


def render_prompt(tr: Translator, outcome: Outcome) -> tuple[str, InlineKeyboardMarkup | None]:
    """The question of `outcome.step`; choices are numbered and also offered as buttons."""
    step = outcome.step
    if step is None or outcome.session_id is None:
        msg = "render_prompt needs an outcome with a step"
        raise ValueError(msg)
    text = tr.t(step.prompt_key)
    if outcome.resumed:
        text = "\n\n".join([tr.t("form.resumed"), text])
    if step.kind is not InputKind.CHOICE:
        return text, None
    labels = option_labels(step, tr)
    numbered = "\n".join(
        tr.t("form.option_line", number=str(number), label=label)
        for number, label in enumerate(labels, start=1)
    )
    buttons = [
        [
            InlineKeyboardButton(
                f"{index + 1}. {label}",
                callback_data=FormButton(outcome.session_id, step.id, index).encode(),
            )
        ]
        for index, label in enumerate(labels)
    ]
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
        if outcome.reply is not None:
            done = outcome.reply
            text = f"{received}\n\n{tr.t(done.key, **dict(done.params))}"
    await context.bot.send_message(chat_id=data.chat_id, text=text, reply_markup=markup)
