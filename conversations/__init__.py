"""Database-backed forms: the engine and one module per form.

A form module is the whole declaration: `COMMAND` (its command, or None when a button starts
it) and `form(catalogues)` (intro, steps and the typed result of completing it). The list
below is the only place a form is named: the handlers, /bantuan and the command menus are
derived from it and from the plain commands (`domain.commands`).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from types import ModuleType

from config import AppConfig
from conversations import (
    akses,
    bahasa,
    cari_koperasi,
    impor,
    jabatan,
    kembalikan,
    kunjungan,
    lapor,
    perbaiki,
    siaran,
    tindak_lanjut_selesai,
)
from conversations.spec import FormSpec
from domain.commands import PLAIN_COMMANDS, CommandSpec, in_order
from locales import Catalogues

FORM_MODULES: tuple[ModuleType, ...] = (
    bahasa,
    perbaiki,
    cari_koperasi,
    akses,
    impor,
    jabatan,
    kunjungan,
    tindak_lanjut_selesai,
    lapor,
    kembalikan,
    siaran,
)


def forms(
    catalogues: Catalogues, extra: Iterable[FormSpec] = (), cfg: AppConfig | None = None
) -> dict[str, FormSpec]:
    """Every form of the bot by name (`extra`: forms added by tests); a module declaring
    `CONFIGURED` gets the configuration too."""
    built: list[FormSpec] = [
        module.form(catalogues, cfg)
        if getattr(module, "CONFIGURED", False)
        else module.form(catalogues)
        for module in FORM_MODULES
    ]
    table = {spec.name: spec for spec in (*built, *extra)}
    codes = [spec.code for spec in table.values()]
    if len(set(codes)) != len(codes):
        msg = "two forms share a callback code"
        raise ValueError(msg)
    return table


@cache
def commands() -> tuple[CommandSpec, ...]:
    """Every command of the bot in menu order: the plain ones and those of the forms."""
    declared: list[CommandSpec | None] = [module.COMMAND for module in FORM_MODULES]
    return in_order([*PLAIN_COMMANDS, *(spec for spec in declared if spec is not None)])
