"""The command registry: one list drives the handlers, /bantuan and the command menus."""

from __future__ import annotations

from dataclasses import dataclass

from domain.access import Role, Viewer
from domain.keys import N_


@dataclass(frozen=True)
class CommandSpec:
    """A command (Indonesian name first), its English alias and who may use it."""

    name: str
    alias: str | None
    description_key: str
    # None: everyone, strangers included.
    roles: frozenset[Role] | None = None

    @property
    def names(self) -> list[str]:
        """Every name the command answers to."""
        return [self.name] if self.alias is None else [self.name, self.alias]

    def visible_to(self, viewer: Viewer | None) -> bool:
        """Whether `viewer` (None: anyone, as in the public menus) may use the command."""
        if self.roles is None:
            return True
        return viewer is not None and viewer.has(*self.roles)


# Later features add their commands here; /bantuan and the menus follow automatically.
COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("start", None, N_("cmd.start")),
    CommandSpec("bantuan", "help", N_("cmd.bantuan")),
    CommandSpec("bahasa", "language", N_("cmd.bahasa")),
    CommandSpec("batal", "cancel", N_("cmd.batal")),
    CommandSpec("privasi", "privacy", N_("cmd.privasi")),
    CommandSpec("koperasi", "coops", N_("cmd.koperasi"), frozenset({Role.PETUGAS, Role.ADMIN})),
    CommandSpec("petugas", "officers", N_("cmd.petugas"), frozenset({Role.ADMIN})),
    CommandSpec("undang", "invite", N_("cmd.undang"), frozenset({Role.ADMIN})),
    CommandSpec("impor", "import", N_("cmd.impor"), frozenset({Role.ADMIN})),
)


def command(name: str) -> CommandSpec:
    """The registered command called `name`."""
    for spec in COMMANDS:
        if spec.name == name:
            return spec
    raise KeyError(name)


def visible_commands(viewer: Viewer | None) -> list[CommandSpec]:
    """The commands `viewer` may use, in registry order."""
    return [spec for spec in COMMANDS if spec.visible_to(viewer)]
