"""Telegram entry points and their one registration site."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, TypeHandler, filters

from config import AppConfig
from handlers import basics
from handlers.commands import command
from handlers.context import GempurApp
from handlers.errors import on_error
from handlers.gate import gate

# Only new messages are acted on: an edit of an old message must not re-run a command or a step.
NEW_MESSAGES = filters.UpdateType.MESSAGE


def register(app: GempurApp, cfg: AppConfig) -> None:
    """Registers every handler. Order matters: it is the routing rule of SPEC §6.

    group -1  the gate: who is this, what may they do; stops updates we do not handle
    group  0  first match wins, top to bottom:
              1. commands (a command suspends the active form and keeps its draft)
              2. the active form's current step            (form engine)
              3. the active relay session                  (threads)
              4. hints for anything else; stale buttons answered "menu kedaluwarsa"
    """
    del cfg  # features that need configuration at registration take it from here
    app.add_handler(TypeHandler(Update, gate), group=-1)

    # 1. commands
    app.add_handler(CommandHandler(command("start").names, basics.start, filters=NEW_MESSAGES))
    app.add_handler(CommandHandler(command("bantuan").names, basics.bantuan, filters=NEW_MESSAGES))
    # 2. the form engine's step handler and 3. the relay take their places here.

    # 4. fallbacks
    app.add_handler(MessageHandler(NEW_MESSAGES & filters.COMMAND, basics.unknown_command))
    app.add_handler(MessageHandler(NEW_MESSAGES, basics.hint))
    app.add_handler(CallbackQueryHandler(basics.stale_callback))

    app.add_error_handler(on_error)
