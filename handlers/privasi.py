"""/privasi: the privacy notice; correct, export or erase my data (docs/privacy.md, UU 27/2022).

Every action acts on the sender's own person row only, so no callback carries an id that a
forged button could change.
"""

from __future__ import annotations

import json

from telegram import (
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Update,
)

from conversations.perbaiki import NAME as PERBAIKI
from domain.callbacks import PrivacyAction, PrivacyButton
from handlers.callbacks import answer_callback
from handlers.context import BotContext
from handlers.forms import close_keyboard, start_form
from handlers.replies import reply
from locales import N_, Translator
from services.consent import privacy_notice
from services.privacy import erase_person, export_personal_data, purge_erased

FIX, EXPORT, ERASE = PrivacyAction.FIX, PrivacyAction.EXPORT, PrivacyAction.ERASE
ERASE_CONFIRMED, ERASE_CANCELLED = PrivacyAction.ERASE_CONFIRMED, PrivacyAction.ERASE_CANCELLED


def _button(tr: Translator, key: str, action: PrivacyAction) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(tr.t(key), callback_data=PrivacyButton(action).encode())]


async def privasi(update: Update, context: BotContext) -> None:
    """Shows the notice and, to a person we hold data about, what they can do with it."""
    tr = context.tr
    notice = privacy_notice(tr, context.services.config)
    if context.viewer.person_id is None:
        nothing = tr.t("privacy.nothing_stored")
        await reply(update, context, f"{notice}\n\n{nothing}")
        return
    markup = InlineKeyboardMarkup(
        [
            _button(tr, N_("privacy.button.fix"), FIX),
            _button(tr, N_("privacy.button.export"), EXPORT),
            _button(tr, N_("privacy.button.erase"), ERASE),
        ]
    )
    await reply(update, context, notice, markup=markup)


async def on_privacy_button(update: Update, context: BotContext) -> None:
    """The /privasi buttons; each re-checks that the sender still has data with us."""
    query = update.callback_query
    button = PrivacyButton.decode(query.data or "") if query is not None else None
    person_id, tr = context.viewer.person_id, context.tr
    if person_id is None or button is None:
        await answer_callback(update, context, tr.t("callback.stale"))
        return
    action = button.action
    await answer_callback(update, context)
    if action == FIX:
        spec = context.services.forms.spec(PERBAIKI)
        if spec is not None:
            await start_form(update, context, spec)
    elif action == EXPORT:
        await _send_export(update, context, person_id)
    elif action == ERASE:
        markup = InlineKeyboardMarkup(
            [
                _button(tr, N_("privacy.button.erase_confirm"), ERASE_CONFIRMED),
                _button(tr, N_("privacy.button.keep"), ERASE_CANCELLED),
            ]
        )
        await reply(update, context, tr.t("privacy.erase_question"), markup=markup)
    elif action == ERASE_CONFIRMED:
        await close_keyboard(update)  # the question is answered: an old tap erases nothing later
        await _erase(update, context, person_id)
    else:
        await close_keyboard(update)
        await reply(update, context, tr.t("privacy.kept"))


async def _send_export(update: Update, context: BotContext, person_id: int) -> None:
    services = context.services
    async with services.uow(write=False) as uow:
        data = await export_personal_data(uow, person_id)
    body = json.dumps(data, ensure_ascii=False, indent=2).encode()
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_document(
            chat_id=chat.id,
            document=InputFile(body, filename="data-saya-gempur.json"),
            caption=context.tr.t("privacy.export_caption"),
        )


async def _erase(update: Update, context: BotContext, person_id: int) -> None:
    services = context.services
    async with services.uow() as uow:
        person = await uow.people.get(person_id)
        had_menu = person is not None and person.menu_state is not None
        await erase_person(uow, person_id, now=services.clock.now())
        await uow.commit()
    await purge_erased(services.background_engine)
    # The last message they get from us: the direct answer to their own request.
    await reply(update, context, context.tr.t("privacy.erased"))
    if had_menu:
        # Her roles went with her data, so her chat's own command menu goes too: directly, as
        # part of the answer to her, since the outbox must keep nothing that points at her.
        chat_id = context.viewer.chat_id
        await context.bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))
