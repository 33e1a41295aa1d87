"""Commands: what a command is (names per language, roles, place in the menus and /bantuan),
and the plain commands that are not forms. A form declares its own command in its module
(`conversations/`); the full list, which drives the handlers, /bantuan and the menus, is
`conversations.commands()`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from domain.access import Role, Viewer
from domain.keys import N_

STAFF = frozenset({Role.PETUGAS, Role.ADMIN})
ADMINS = frozenset({Role.ADMIN})
# Staff and pimpinan, who read the cards (pimpinan change nothing).
READERS = frozenset({Role.PETUGAS, Role.ADMIN, Role.PIMPINAN})
BOARD = frozenset({Role.PENGURUS})


# Compared by identity: each command is declared once, as a constant.
@dataclass(frozen=True, eq=False)
class CommandSpec:
    """A command: its Indonesian name, its name in other languages, and who may use it.

    Each language lists its own name in the menus and in /bantuan; every name works in every
    language. `place` orders the menus and /bantuan (lower first).
    """

    name: str
    description_key: str
    place: int
    # Names in other languages, by locale (a language not listed uses `name`).
    names: Mapping[str, str] = field(default_factory=dict)
    # None: everyone, strangers included.
    roles: frozenset[Role] | None = None

    @property
    def all_names(self) -> list[str]:
        """Every name the command answers to, the Indonesian one first."""
        return [self.name, *(n for n in dict.fromkeys(self.names.values()) if n != self.name)]

    def name_in(self, locale: str | None) -> str:
        """The name shown to a reader of `locale`."""
        return self.names.get(locale or "", self.name)

    def visible_to(self, viewer: Viewer | None) -> bool:
        """Whether `viewer` (None: anyone, as in the public menus) may use the command."""
        if self.roles is None:
            return True
        return viewer is not None and viewer.has(*self.roles)


# The commands that are not forms; their handlers are wired in `handlers.register`.
START = CommandSpec("start", N_("cmd.start"), 10)
BANTUAN = CommandSpec("bantuan", N_("cmd.bantuan"), 20, {"en": "help"})
BATAL = CommandSpec("batal", N_("cmd.batal"), 40, {"en": "cancel"})
PRIVASI = CommandSpec("privasi", N_("cmd.privasi"), 50, {"en": "privacy"})
KOPERASI = CommandSpec("koperasi", N_("cmd.koperasi"), 60, {"en": "coops"}, READERS)
HUBUNGI = CommandSpec(
    "hubungi", N_("cmd.hubungi"), 45, {"en": "contact"}, frozenset({Role.PENGURUS})
)
PESAN = CommandSpec("pesan", N_("cmd.pesan"), 65, {"en": "inbox"}, STAFF)
PETUGAS = CommandSpec("petugas", N_("cmd.petugas"), 70, {"en": "officers"}, ADMINS)
UNDANG = CommandSpec("undang", N_("cmd.undang"), 80, {"en": "invite"}, ADMINS)
OFFICERS = frozenset({Role.PETUGAS})
KUNJUNGAN = CommandSpec("kunjungan", N_("cmd.kunjungan"), 62, {"en": "visit"}, OFFICERS)
TINDAKLANJUT = CommandSpec(
    "tindaklanjut", N_("cmd.tindaklanjut"), 64, {"en": "followups"}, OFFICERS
)
# The RAT cycle (board side)
STATUS = CommandSpec("status", N_("cmd.status"), 15, roles=BOARD)
LAPOR = CommandSpec("lapor", N_("cmd.lapor"), 16, {"en": "report"}, BOARD)
VERIFIKASI = CommandSpec("verifikasi", N_("cmd.verifikasi"), 66, {"en": "verify"}, STAFF)
# Roll-ups against targets: admins and pimpinan the regency, officers their cooperatives.
REKAP = CommandSpec("rekap", N_("cmd.rekap"), 68, {"en": "summary"}, READERS)
# Exports (admins and pimpinan: the regency; officers: their cooperatives)
EKSPOR = CommandSpec("ekspor", N_("cmd.ekspor"), 69, {"en": "export"}, READERS)
PLAIN_COMMANDS: tuple[CommandSpec, ...] = (
    START,
    BANTUAN,
    BATAL,
    PRIVASI,
    KOPERASI,
    PETUGAS,
    UNDANG,
    HUBUNGI,
    PESAN,
    KUNJUNGAN,
    TINDAKLANJUT,
    STATUS,
    LAPOR,
    VERIFIKASI,
    EKSPOR,
    REKAP,
)


def in_order(commands: Iterable[CommandSpec]) -> tuple[CommandSpec, ...]:
    """The commands in their menu order; two commands sharing a name is a declaration bug."""
    ordered = tuple(sorted(commands, key=lambda spec: spec.place))
    names = [name for spec in ordered for name in spec.all_names]
    if len(set(names)) != len(names):
        msg = "two commands share a name"
        raise ValueError(msg)
    return ordered


def visible_commands(commands: Iterable[CommandSpec], viewer: Viewer | None) -> list[CommandSpec]:
    """The commands `viewer` may use, in the given order."""
    return [spec for spec in commands if spec.visible_to(viewer)]
