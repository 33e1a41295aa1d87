"""The export's file name is safe on every system the office saves it on, whatever the
kecamatan is called (found by QA: "Sumber & <Rejo>" gave `ekspor-2025-sumber&<rejo>-….xlsx`,
which Windows refuses; a "/" in a name made the worker write into a missing folder)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from domain.export import ExportScope, export_filename


@pytest.mark.parametrize(
    ("kecamatan", "expected"),
    [
        ("Sumber & <Rejo>", "ekspor-2025-sumberrejo-20260715.xlsx"),
        ("Kota/Kab: Baru?", "ekspor-2025-kotakabbaru-20260715.xlsx"),
        ("Kotaanyar", "ekspor-2025-kotaanyar-20260715.xlsx"),
        ("<>&", "ekspor-2025-kecamatan-20260715.xlsx"),
    ],
)
def test_only_letters_and_digits_of_the_kecamatan(kecamatan: str, expected: str) -> None:
    name = export_filename(ExportScope(2025, kecamatan), date(2026, 7, 15))
    assert name == expected
    assert re.fullmatch(r"[a-z0-9.-]+", name)
