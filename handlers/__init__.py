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
from conversations.cari_koperasi import NAME as SEARCH_FORM
from conversations.impor import NAME as IMPOR_FORM
from conversations.spec import FormSpec
from domain.callbacks import (
    INVITE_BUTTONS,
    BoardChoice,
    BoardSwitch,
    ConsentButton,
    ConsentDecline,
    FormButton,
    ImportButton,
    JoinAsk,
    JoinButton,
    KoperasiButton,
    PetugasButton,
    PrivacyButton,
    family_pattern,
)
from domain.commands import command
from domain.invites import TYPED_CODE_PATTERN
from handlers import (
    basics,
    board,
    home,
    invites,
    koperasi,
    onboarding,
    petugas,
    privasi,
    reachability,
    register_import,
    search,
    settings,
)
from handlers.context import BotContext, GempurApp
from handlers.errors import on_error
from handlers.forms import Handler, form_command, on_form_button
from handlers.forms import command as suspending
from handlers.gate import gate
from handlers.routing import route_message

# Only new messages are acted on: an edit of an old message must not re-run a command or a step.
NEW_MESSAGES = filters.UpdateType.MESSAGE


def _command(name: str, callback: Handler) -> CommandHandler[BotContext, None]:
    # Every command suspends the active form first, keeping its draft (docs/architecture.md).
    return CommandHandler(command(name).names, suspending(callback), filters=NEW_MESSAGES)


def register(
    app: GempurApp, cfg: AppConfig, extra_forms: Sequence[tuple[str, FormSpec]] = ()
) -> None:
    """Registers every handler. Order matters: it is the routing rule (docs/architecture.md).

    group -1  the gate: who is this, what may they do; stops updates we do not handle
    group  0  first match wins, top to bottom:
              1. commands (each suspends the active form and keeps its draft)
              2.-4. other messages: the active form's step → the relay session → a hint
              buttons: form options (checked against the current step), then "menu kedaluwarsa"
    A form whose completion shows more than text (search results, an import preview) has a
    completion hook, run right after its reply.
    """
    del cfg  # features that need configuration at registration take it from here
    app.add_handler(TypeHandler(Update, gate), group=-1)

    # 1. commands
    app.add_handler(_command("start", basics.start))
    app.add_handler(_command("bantuan", basics.bantuan))
    app.add_handler(_command("bahasa", settings.bahasa))
    app.add_handler(_command("batal", settings.batal))
    app.add_handler(_command("privasi", privasi.privasi))
    app.add_handler(_command("koperasi", koperasi.koperasi))
    app.add_handler(_command("petugas", petugas.petugas))
    app.add_handler(_command("undang", invites.undang))
    app.add_handler(_command("impor", register_import.impor))
    for name, spec in extra_forms:  # forms that tests add, each started by its own command
        app.add_handler(CommandHandler(name, suspending(form_command(spec)), filters=NEW_MESSAGES))
    app.add_handler(
        MessageHandler(NEW_MESSAGES & filters.COMMAND, suspending(basics.unknown_command))
    )

    # Telegram's notice that the person blocked or restarted the bot
    app.add_handler(
        ChatMemberHandler(reachability.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
    )

    # 2.-4. everything else a person sends; an invite code typed instead of tapped is redeemed
    # only when no form waits for an answer (otherwise it is the form's input, as any text)
    code_shaped = NEW_MESSAGES & filters.TEXT & filters.Regex(TYPED_CODE_PATTERN)
    app.add_handler(MessageHandler(code_shaped, onboarding.typed_code(route_message)))
    app.add_handler(MessageHandler(NEW_MESSAGES, route_message))
    # what some forms show once completed, after their text reply (lists, previews)
    app.bot_data.completion_hooks.update(
        {SEARCH_FORM: search.show_search_results, IMPOR_FORM: register_import.after_upload}
    )

    # buttons
    app.add_handler(CallbackQueryHandler(on_form_button, pattern=FormButton.pattern()))
    app.add_handler(
        CallbackQueryHandler(privasi.on_privacy_button, pattern=PrivacyButton.pattern())
    )
    app.add_handler(
        CallbackQueryHandler(koperasi.on_koperasi_button, pattern=KoperasiButton.pattern())
    )
    app.add_handler(
        CallbackQueryHandler(petugas.on_petugas_button, pattern=PetugasButton.pattern())
    )
    app.add_handler(
        CallbackQueryHandler(
            onboarding.on_consent_button, pattern=family_pattern(ConsentButton, ConsentDecline)
        )
    )
    # board choice; after a switch from the home menu, the home menu again
    board_choice = board.choice_handler({"": home.send_home})
    app.add_handler(
        CallbackQueryHandler(board_choice, pattern=family_pattern(BoardSwitch, BoardChoice))
    )
    app.add_handler(
        CallbackQueryHandler(invites.on_invite_button, pattern=family_pattern(*INVITE_BUTTONS))
    )
    app.add_handler(
        CallbackQueryHandler(
            onboarding.on_join_button, pattern=family_pattern(JoinAsk, JoinButton)
        )
    )
    app.add_handler(
        CallbackQueryHandler(register_import.on_import_button, pattern=ImportButton.pattern())
    )
    app.add_handler(CallbackQueryHandler(basics.stale_callback))

    app.add_error_handler(on_error)
