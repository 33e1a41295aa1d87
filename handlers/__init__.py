"""Telegram entry points and their one registration site."""

from __future__ import annotations

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
from conversations import commands
from domain import commands as plain
from domain.callbacks import (
    INVITE_BUTTONS,
    BoardCheckButton,
    BoardChoice,
    BoardSwitch,
    ChartButton,
    ConsentButton,
    ConsentDecline,
    EksporPeriod,
    EksporStart,
    FollowUpButton,
    FormButton,
    ImportButton,
    JoinAsk,
    JoinButton,
    KoperasiButton,
    LaporButton,
    PetugasButton,
    PrivacyButton,
    RekapButton,
    RelayButton,
    RelaySessionEnd,
    RelayTopicButton,
    SiaranButton,
    StatusButton,
    VerifyButton,
    VisitPick,
    family_pattern,
)
from domain.commands import CommandSpec
from domain.invites import TYPED_CODE_PATTERN
from handlers import (
    basics,
    board,
    board_check,
    ekspor,
    grafik,
    home,
    invites,
    koperasi,
    kunjungan,
    lapor,
    onboarding,
    petugas,
    privasi,
    reachability,
    register_import,
    rekap,
    relay,
    settings,
    siaran,
    status,
    tindak_lanjut,
    verifikasi,
)
from handlers.context import BotContext, GempurApp
from handlers.errors import on_error
from handlers.forms import Handler, suspending
from handlers.gate import gate
from handlers.outcomes import form_command, on_form_button
from handlers.routing import route_message

# Only new messages are acted on: an edit of an old message must not re-run a command or a step.
NEW_MESSAGES = filters.UpdateType.MESSAGE


def plain_handlers() -> dict[CommandSpec, Handler]:
    """The commands that are not forms, and what each does (forms declare their own)."""
    return {
        plain.START: basics.start,
        plain.BANTUAN: basics.bantuan,
        plain.BATAL: settings.batal,
        plain.PRIVASI: privasi.privasi,
        plain.KOPERASI: koperasi.koperasi,
        plain.PETUGAS: petugas.petugas,
        plain.UNDANG: invites.undang,
        plain.HUBUNGI: relay.hubungi,
        plain.PESAN: relay.pesan,
        plain.KUNJUNGAN: kunjungan.kunjungan,
        plain.TINDAKLANJUT: tindak_lanjut.tindaklanjut,
        plain.STATUS: status.status,
        plain.LAPOR: lapor.lapor,
        plain.VERIFIKASI: verifikasi.verifikasi,
        plain.EKSPOR: ekspor.ekspor,
        plain.REKAP: rekap.rekap,
    }


def _command(spec: CommandSpec, callback: Handler) -> CommandHandler[BotContext, None]:
    # Every command suspends the active form first, keeping its draft (docs/architecture.md).
    # Every name works in every language.
    return CommandHandler(spec.all_names, suspending(callback), filters=NEW_MESSAGES)


def command_handlers(app: GempurApp) -> list[CommandHandler[BotContext, None]]:
    """One handler per command: the plain ones and every form's that has a command."""
    by_command = plain_handlers()
    for spec in app.bot_data.services.forms.forms.values():
        if spec.command is not None:
            by_command[spec.command] = form_command(spec)
    known = set(commands())
    # The bot's commands in menu order, then those only tests add.
    ordered = [*commands(), *(spec for spec in by_command if spec not in known)]
    return [_command(spec, by_command[spec]) for spec in ordered]


def register(app: GempurApp, cfg: AppConfig) -> None:
    """Registers every handler. Order matters: it is the routing rule (docs/architecture.md).

    group -1  the gate: who is this, what may they do; stops updates we do not handle
    group  0  first match wins, top to bottom:
              1. commands (each suspends the active form and keeps its draft), derived from
                 the plain commands and the forms (`conversations.commands`)
              2.-4. other messages: the active form's step → the relay session → a hint
              buttons: form options (checked against the current step), then "menu kedaluwarsa"
    What a completed form shows next is its typed result (`handlers.outcomes`).
    """
    del cfg  # features that need configuration at registration take it from here
    app.add_handler(TypeHandler(Update, gate), group=-1)

    # 1. commands
    for handler in command_handlers(app):
        app.add_handler(handler)
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
    board_choice = board.choice_handler(
        {
            "": home.send_home,
            "hubungi": relay.hubungi,
            status.COMMAND: status.status,
            lapor.COMMAND: lapor.lapor,
        }
    )
    app.add_handler(
        CallbackQueryHandler(board_choice, pattern=family_pattern(BoardSwitch, BoardChoice))
    )
    app.add_handler(CallbackQueryHandler(status.on_status_button, pattern=StatusButton.pattern()))
    app.add_handler(CallbackQueryHandler(lapor.on_lapor_button, pattern=LaporButton.pattern()))
    app.add_handler(
        CallbackQueryHandler(verifikasi.on_verify_button, pattern=VerifyButton.pattern())
    )
    app.add_handler(
        CallbackQueryHandler(board_check.on_board_check_button, pattern=BoardCheckButton.pattern())
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
    app.add_handler(CallbackQueryHandler(siaran.on_siaran_button, pattern=SiaranButton.pattern()))
    # conversations between boards and officers (threads, /pesan)
    app.add_handler(CallbackQueryHandler(relay.on_relay_button, pattern=RelayButton.pattern()))
    app.add_handler(CallbackQueryHandler(relay.on_session_end, pattern=RelaySessionEnd.pattern()))
    app.add_handler(
        CallbackQueryHandler(relay.on_topic_button, pattern=RelayTopicButton.pattern())
    )
    # roll-ups (/rekap): cards, splits, drill-downs, *Kirim pengingat*
    app.add_handler(CallbackQueryHandler(rekap.on_rekap_button, pattern=RekapButton.pattern()))
    # visits and follow-ups
    app.add_handler(CallbackQueryHandler(kunjungan.on_visit_pick, pattern=VisitPick.pattern()))
    app.add_handler(
        CallbackQueryHandler(tindak_lanjut.on_follow_up, pattern=FollowUpButton.pattern())
    )
    # roll-ups: the charts of a scope (the *Grafik* button)
    app.add_handler(CallbackQueryHandler(grafik.on_chart_button, pattern=ChartButton.pattern()))
    # exports
    app.add_handler(CallbackQueryHandler(ekspor.on_period, pattern=EksporPeriod.pattern()))
    app.add_handler(CallbackQueryHandler(ekspor.on_start, pattern=EksporStart.pattern()))
    app.add_handler(CallbackQueryHandler(basics.stale_callback))

    app.add_error_handler(on_error)
