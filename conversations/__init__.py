"""Database-backed forms: the engine and one module per form."""

from __future__ import annotations

from collections.abc import Iterable

from conversations.akses import akses_form
from conversations.bahasa import bahasa_form
from conversations.cari_koperasi import cari_koperasi_form
from conversations.impor import impor_form
from conversations.jabatan import jabatan_form
from conversations.perbaiki import perbaiki_form
from conversations.spec import FormSpec
from locales import Catalogues


def forms(catalogues: Catalogues, extra: Iterable[FormSpec] = ()) -> dict[str, FormSpec]:
    """Every form of the bot by name (`extra`: forms added by tests)."""
    table = {
        spec.name: spec
        for spec in (
            bahasa_form(catalogues),
            perbaiki_form(),
            cari_koperasi_form(),
            akses_form(catalogues),
            impor_form(),
            jabatan_form(),
            *extra,
        )
    }
    codes = [spec.code for spec in table.values()]
    if len(set(codes)) != len(codes):
        msg = "two forms share a callback code"
        raise ValueError(msg)
    return table
