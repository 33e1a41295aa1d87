"""English texts of the office's features never put a counted number before a plural noun
outside a plural entry, where a count of one would read "1 cooperatives" (found by QA in
/rekap's tables and lists, /siaran's notes, the export's progress, the charts)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

PO = Path(__file__).resolve().parents[2] / "locales" / "en" / "LC_MESSAGES" / "messages.po"
FEATURES = ("rekap.", "siaran.", "reminder.", "rollup.", "ekspor.", "chart.", "grafik.")
NOT_COUNTS = {"name", "label", "scope", "cycle", "tempat", "tahun", "maximum", "segment"}
COUNTED_NOUN = re.compile(r"\{(\w+)\} ([a-z]+s)\b")


def test_no_number_before_a_plural_noun_in_a_singular_entry() -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    found = []
    for message in catalog:
        if not isinstance(message.id, str) or not message.id.startswith(FEATURES):
            continue
        text = message.string if isinstance(message.string, str) else ""
        for placeholder, noun in COUNTED_NOUN.findall(text):
            if placeholder not in NOT_COUNTS and noun not in {"is", "was", "has", "its"}:
                found.append(f"{message.id}: {{{placeholder}}} {noun}")
    assert found == []
