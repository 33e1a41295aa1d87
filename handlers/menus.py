"""Command menus: the default and all-private-chats menus per language, set at start."""

from __future__ import annotations

from telegram import Bot, BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeDefault

from locales import Catalogues, Translator
from services.menus import menu_entries


def public_menu(tr: Translator) -> list[BotCommand]:
    """The menu of anyone without a role, named and described in `tr`'s language."""
    return [BotCommand(name, description) for name, description in menu_entries(None, tr)]


async def set_default_menus(bot: Bot, catalogues: Catalogues) -> None:
    """Sets the public menus for every configured language and, untagged, the default one.

    Telegram picks a menu by the app's language, so each available locale gets its own (its
    own command names too); the untagged menu serves every other app language.
    """
    scopes = (BotCommandScopeDefault(), BotCommandScopeAllPrivateChats())
    for scope in scopes:
        await bot.set_my_commands(public_menu(catalogues.get(None)), scope=scope)
        for locale in catalogues.available:
            commands = public_menu(catalogues.get(locale))
            await bot.set_my_commands(commands, scope=scope, language_code=locale)
