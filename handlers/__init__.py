"""Telegram entry points and their one registration site."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from config import AppConfig
from conversations.spec import FormSpec
from domain.commands import command
from handlers import basics, privasi, reachability, settings
from handlers.callbacks import FormButton
from handlers.context import BotContext, GempurApp
from handlers.errors import on_error
from handlers.forms import Handler, form_command, on_form_button
from handlers.forms import command as suspending
from handlers.gate import gate
from handlers.routing import route_message

# Only new messages are acted on: an edit of an old message must not re-run a command or a step.
NEW_MESSAGES = filters.UpdateType.MESSAGE


def _command(name: str, callback: Handler) -> CommandHandler[BotContext, None]:
    # Every command suspends the active form first (SPEC §6), keeping its draft.
    return CommandHandler(command(name).names, suspending(callback), filters=NEW_MESSAGES)


def register(
    app: GempurApp, cfg: AppConfig, extra_forms: Sequence[tuple[str, FormSpec]] = ()
) -> None:
    """Registers every handler. Order matters: it is the routing rule of SPEC §6.

    group -1  the gate: who is this, what may they do; stops updates we do not handle
    group  0  first match wins, top to bottom:
              1. commands (each suspends the active form and keeps its draft)
              2.-4. other messages: the active form's step → the relay session → a hint
              buttons: form options (checked against the current step), then "menu kedaluwarsa"
    """
    del cfg  # features that need configuration at registration take it from here
    app.add_handler(TypeHandler(Update, gate), group=-1)

    # 1. commands
    app.add_handler(_command("start", basics.start))
    app.add_handler(_command("bantuan", basics.bantuan))
    app.add_handler(_command("bahasa", settings.bahasa))
    app.add_handler(_command("batal", settings.batal))
    app.add_handler(_command("privasi", privasi.privasi))
    for name, spec in extra_forms:  # forms that tests add, each started by its own command
        app.add_handler(CommandHandler(name, suspending(form_command(spec)), filters=NEW_MESSAGES))
    app.add_handler(
        MessageHandler(NEW_MESSAGES & filters.COMMAND, suspending(basics.unknown_command))
    )

    # Telegram's notice that the person blocked or restarted the bot
    app.add_handler(
        ChatMemberHandler(reachability.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
    )

    # 2.-4. everything else a person sends
    app.add_handler(MessageHandler(NEW_MESSAGES, route_message))

    # buttons
    app.add_handler(CallbackQueryHandler(on_form_button, pattern=FormButton.pattern()))
    app.add_handler(CallbackQueryHandler(privasi.on_privacy_button, pattern=r"^v:"))
    app.add_handler(CallbackQueryHandler(basics.stale_callback))

    app.add_error_handler(on_error)
