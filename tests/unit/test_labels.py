"""One label table per code (locales/labels.py): each names exactly the codes the domain
stores, and every label is a message of both catalogues."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from domain.koperasi_list import FLAGS
from domain.rat.checklist import ITEM_STATES
from domain.rat.validation import MODES
from domain.register import JENIS
from domain.stages import STAGES
from locales import Catalogues
from locales.labels import (
    FLAG_KEYS,
    ITEM_KEYS,
    ITEM_STATE_KEYS,
    JENIS_KEYS,
    RAT_MODE_KEYS,
    STAGE_KEYS,
)

CATALOGUES = Catalogues(["id", "en"], "id", ZoneInfo("Asia/Jakarta"))
TABLES = {
    "stage": (STAGE_KEYS, STAGES),
    "flag": (FLAG_KEYS, FLAGS),
    "jenis": (JENIS_KEYS, JENIS),
    "item state": (ITEM_STATE_KEYS, ITEM_STATES),
    "rat mode": (RAT_MODE_KEYS, MODES),
    "item": (ITEM_KEYS, tuple(f"A{number}" for number in range(1, 15))),
}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_a_table_names_exactly_the_domain_codes(name: str) -> None:
    keys, codes = TABLES[name]
    assert list(keys) == list(codes)


@pytest.mark.parametrize("locale", ["id", "en"])
def test_every_label_is_translated(locale: str) -> None:
    tr = CATALOGUES.get(locale)
    for keys, _ in TABLES.values():
        for key in keys.values():
            assert tr.t(key) != key
