"""/bantuan's lines: each command under its name in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable

from domain.access import Viewer
from domain.commands import CommandSpec, visible_commands
from locales import Translator
from services.menus import all_commands


def command_lines(tr: Translator, commands: Iterable[CommandSpec]) -> str:
    """One line per command: `/name — what it does`."""
    return "\n".join(
        tr.t(
            "help.line",
            command=f"/{spec.name_in(tr.locale)}",
            description=tr.t(spec.description_key),
        )
        for spec in commands
    )


def help_text(tr: Translator, viewer: Viewer) -> str:
    """The commands the viewer may use, after a header for people with or without a role."""
    header = tr.t("help.header") if viewer.is_known else tr.t("help.header_stranger")
    return "\n".join([header, command_lines(tr, visible_commands(all_commands(), viewer))])
