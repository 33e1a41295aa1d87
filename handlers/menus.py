"""Command menus: the default and all-private-chats menus per language, set at start."""

from __future__ import annotations

from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeDefault

from domain.access import Viewer
from domain.commands import visible_commands
from locales import Catalogues, Translator


def menu_commands(tr: Translator, viewer: Viewer | None) -> list[BotCommand]:
    """The menu for `viewer` (None: the public menu) in `tr`'s language."""
    return [BotCommand(spec.name, tr.t(spec.description_key)) for spec in visible_commands(viewer)]


async def set_default_menus(bot: Bot, catalogues: Catalogues) -> None:
    """Sets the public menus for every configured language and, untagged, the default one.

    Telegram picks a menu by the app's language, so each available locale gets its own; the
    untagged menu serves every other app language.
    """
    scopes = (BotCommandScopeDefault(), BotCommandScopeAllPrivateChats())
    for scope in scopes:
        default = menu_commands(catalogues.get(None), None)
        await bot.set_my_commands(default, scope=scope)
        for locale in catalogues.available:
            commands = menu_commands(catalogues.get(locale), None)
            await bot.set_my_commands(commands, scope=scope, language_code=locale)
