"""What the engine decided, shown: the step to ask, or a completed form's typed result.

A result says what happens next (`conversations.spec.FormResult`): a text reply, the search
results as a list, or an uploaded file's preview. Each variant is rendered here, after the
transaction that completed the form has committed.
"""

from __future__ import annotations

from telegram import Update

from conversations.inputs import Incoming
from conversations.outcome import Outcome, Result
from conversations.spec import (
    FormResult,
    FormSpec,
    InputKind,
    Reply,
    ShowBroadcastList,
    ShowBroadcastPreview,
    ShowImportPreview,
    ShowSearchResults,
    ShowStatusCard,
)
from domain.access import Role
from domain.callbacks import FormButton
from handlers.board_check import send_board_check
from handlers.callbacks import answer_callback
from handlers.context import BotContext
from handlers.forms import (
    Handler,
    apply_input,
    begin_form,
    close_keyboard,
    render_said,
    schedule_album_close,
    send_step,
    start_form,
)
from handlers.koperasi_screens import show_search_list
from handlers.lapor import send_card, send_saved_card
from handlers.petugas_actions import show_assign_search
from handlers.register_import import show_preview
from handlers.replies import reply
from handlers.siaran import show_list
from handlers.siaran import show_preview as show_broadcast_preview

# Steps a command's argument can answer: those read from text.
TEXT_KINDS = frozenset({InputKind.CHOICE, InputKind.TEXT, InputKind.NUMBER, InputKind.DATE})


def form_command(spec: FormSpec) -> Handler:
    """The command that starts (or resumes) `spec`, checking the roles it declares.

    An argument answers the first step at once when it is read from text (`/bahasa English`).
    """

    async def start(update: Update, context: BotContext) -> None:
        command = spec.command
        if command is not None and not command.visible_to(context.viewer):
            await reply(update, context, context.tr.t("auth.not_allowed"))
        elif context.args and spec.step(spec.first_step).kind in TEXT_KINDS:
            await answer_at_once(update, context, spec, "", " ".join(context.args))
        else:
            await start_form(update, context, spec)

    start.__doc__ = f"Starts the {spec.name} form."
    return start


async def send_outcome(update: Update, context: BotContext, outcome: Outcome) -> None:
    """Tells the person what the engine decided."""
    if outcome.result in (Result.PROMPT, Result.INVALID):
        await send_step(update, context, outcome)
    elif outcome.result is Result.COMPLETED and outcome.done is not None:
        await show_result(update, context, outcome.done)
    elif outcome.result is Result.ALBUM_ITEM:
        schedule_album_close(context, outcome)


async def show_result(update: Update, context: BotContext, result: FormResult) -> None:
    """The completion text, then what the result asks for."""
    said_text = render_said(context.tr, context.services.catalogues, result)
    if isinstance(result, ShowStatusCard) and result.card is not None:
        await send_saved_card(update, context, said_text, result.card, result.terms)
        if result.confirm_board:  # a RAT with elections: who still sits on the board
            await send_board_check(update, context, result.koperasi_id)
        return
    await reply(update, context, said_text)
    viewer = context.viewer
    match result:
        case Reply():
            return
        case ShowSearchResults(officer_id=None) if viewer.has(Role.PETUGAS, Role.ADMIN):
            await show_search_list(update, context)
        case ShowSearchResults(officer_id=int(officer_id)) if viewer.has(Role.ADMIN):
            await show_assign_search(update, context, officer_id)
        case ShowImportPreview(import_id=import_id) if viewer.has(Role.ADMIN):
            await show_preview(update, context, import_id)
        case ShowStatusCard(koperasi_id=koperasi_id, confirm_board=confirm_board):
            await send_card(update, context, koperasi_id)
            if confirm_board:
                await send_board_check(update, context, koperasi_id)
        case ShowBroadcastPreview(broadcast_id=broadcast_id) if viewer.has(Role.ADMIN):
            await show_broadcast_preview(update, context, broadcast_id)
        case ShowBroadcastList() if viewer.has(Role.ADMIN):
            await show_list(update, context)


async def answer_at_once(
    update: Update, context: BotContext, spec: FormSpec, subject: str, text: str
) -> None:
    """Starts `spec` and answers its first step with `text` (a command's argument)."""
    services, viewer = context.services, context.viewer
    async with services.uow() as uow:
        await begin_form(context, uow, spec, subject)
        outcome = await services.forms.answer(
            uow,
            chat_id=viewer.chat_id,
            incoming=Incoming(text=text),
            update_id=update.update_id,
            person_id=viewer.person_id,
            tr=context.tr,
            now=services.clock.now(),
            chat=context.chat_forms,
            viewer=viewer,
        )
        await uow.commit()
    if outcome is not None:
        await send_outcome(update, context, outcome)


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
