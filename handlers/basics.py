"""/start, /bantuan and the hints for what no other handler understood."""

from __future__ import annotations

from telegram import Update

from domain.access import Role
from domain.commands import visible_commands
from handlers.callbacks import answer_callback
from handlers.context import BotContext
from handlers.replies import reply
from locales import N_, Safe, Translator


async def start(update: Update, context: BotContext) -> None:
    """Welcomes a known person; tells a stranger how to get access."""
    tr, viewer = context.tr, context.viewer
    if context.args:
        # Invite codes arrive with the onboarding feature; until then no code is valid.
        await reply(update, context, tr.t("start.invite_invalid"))
        return
    if viewer.is_known:
        text = tr.t("start.welcome_back", roles=Safe(_role_names(tr, viewer.roles)))
        await reply(update, context, f"{text}\n\n{help_text(context)}")
        return
    await reply(
        update, context, tr.t("start.no_invite", region=context.services.config.region.name)
    )


async def bantuan(update: Update, context: BotContext) -> None:
    """Lists what the viewer can do here."""
    await reply(update, context, help_text(context))


def help_text(context: BotContext) -> str:
    """The commands the viewer may use, one line each."""
    tr, viewer = context.tr, context.viewer
    lines = [tr.t("help.header") if viewer.is_known else tr.t("help.header_stranger")]
    for spec in visible_commands(viewer):
        lines.append(
            tr.t("help.line", command=f"/{spec.name}", description=tr.t(spec.description_key))
        )
    return "\n".join(lines)


ROLE_NAME_KEYS = {
    Role.ADMIN: N_("role.admin"),
    Role.PIMPINAN: N_("role.pimpinan"),
    Role.PETUGAS: N_("role.petugas"),
    Role.PENGURUS: N_("role.pengurus"),
}


def _role_names(tr: Translator, roles: frozenset[Role]) -> str:
    return ", ".join(tr.t(key) for role, key in ROLE_NAME_KEYS.items() if role in roles)


async def unknown_command(update: Update, context: BotContext) -> None:
    """A command we do not have (or the viewer may not use)."""
    await reply(update, context, context.tr.t("hint.unknown_command"))


async def hint(update: Update, context: BotContext) -> None:
    """Text or media that nothing else expected."""
    await reply(update, context, context.tr.t("hint.stray"))


async def stale_callback(update: Update, context: BotContext) -> None:
    """A button no live menu owns any more."""
    await answer_callback(update, context, context.tr.t("callback.stale"))
